"""Answers a worrying disclosure by its risk level, and records the flag for counsellors."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.disclosure_routes import route_for
from safeguarding.decision import Assessment, decide
from safeguarding.levels import RiskLevel, level_of_intent

RISK_LEVEL_SLOT = "risk_level"
FLAG_SLOT = "safeguarding_flag"


def assessment_of(latest_message: dict[str, Any]) -> Assessment:
    """The NLU's assessment of the message; a button payload skips the NLU, so then the intent decides."""
    if latest_message.get("safeguarding"):
        return Assessment.from_dict(latest_message["safeguarding"])
    intent = (latest_message.get("intent") or {}).get("name")
    return decide(level_of_intent(intent), RiskLevel.NONE)


def answer(assessment: Assessment, intent: str | None) -> tuple[RiskLevel, list[str]]:
    """The level a disclosure is answered at (the intent's, or higher if a detector saw more) and
    the responses to send."""
    level = max(assessment.level, level_of_intent(intent))
    return level, route_for(level, intent, assessment.matched_rules)


class ActionRespondToDisclosure(Action):
    def name(self) -> str:
        return "action_respond_to_disclosure"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        message = tracker.latest_message
        intent = (message.get("intent") or {}).get("name")
        assessment = assessment_of(message)
        level, responses = answer(assessment, intent)
        for response in responses:
            dispatcher.utter_message(response=response)

        highest_so_far = max(level, RiskLevel.from_label(tracker.get_slot(RISK_LEVEL_SLOT)))
        flag = {**assessment.as_dict(), "level": level.label, "intent": intent}
        return [SlotSet(RISK_LEVEL_SLOT, highest_so_far.label), SlotSet(FLAG_SLOT, flag)]
