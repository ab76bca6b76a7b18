"""Ends a conversation (goodbye, thanks) with one of the five safety messages."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.safety_messages import next_safety_message


def responses_said(tracker: Tracker) -> list[str]:
    """The names of the responses the bot has sent in this conversation, oldest first."""
    return [
        event["metadata"]["utter_action"]
        for event in tracker.events
        if event.get("event") == "bot" and event.get("metadata", {}).get("utter_action")
    ]


class ActionGiveSafetyReminder(Action):
    def name(self) -> str:
        return "action_give_safety_reminder"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(response=next_safety_message(responses_said(tracker)))
        return []
