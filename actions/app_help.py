"""Answers a how-to about an app (make it private, block, report, stop strangers, minimum age).

The app is the one named in this message, or else the one named earlier (the `app` slot, set
from the NLU's `app` entity); an app the bot has no steps for (`other_app`) gets the general
steps and is forgotten. A follow-up ("what about on tiktok") repeats the last how-to
(`howto_topic`) for the new app. The decisions are in actions/app_steps.py.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.app_steps import AGE_INTENT, FOLLOW_UP_INTENT, load_guide, plan, topic_for

APP_SLOT = "app"
AGE_BAND_SLOT = "age_band"
TOPIC_SLOT = "howto_topic"
RISK_LEVEL_SLOT = "risk_level"


def entity_values(latest_message: dict[str, Any], entity: str) -> list[str]:
    return [
        e["value"]
        for e in latest_message.get("entities") or []
        if e.get("entity") == entity and e.get("value")
    ]


def texts_said(tracker: Tracker) -> list[str]:
    return [event.get("text") or "" for event in tracker.events if event.get("event") == "bot"]


class ActionGiveAppSteps(Action):
    def name(self) -> str:
        return "action_give_app_steps"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        message = tracker.latest_message
        intent = (message.get("intent") or {}).get("name")
        guide = load_guide()
        named_apps = [app for app in entity_values(message, APP_SLOT) if app in guide.apps]
        unknown_apps = entity_values(message, "other_app")
        follow_up = intent == FOLLOW_UP_INTENT
        age_told = intent == AGE_INTENT
        if named_apps:
            app = named_apps[0]
        elif unknown_apps or follow_up:
            app = None  # a follow-up that names no app we know asks about one we do not
        else:
            app = tracker.get_slot(APP_SLOT) if tracker.get_slot(APP_SLOT) in guide.apps else None
        topic = topic_for(intent, message.get("text") or "", tracker.get_slot(TOPIC_SLOT))
        replies = plan(
            guide,
            topic,
            app,
            unknown_app=unknown_apps[0] if unknown_apps and not named_apps else None,
            follow_up=follow_up,
            age_band=tracker.get_slot(AGE_BAND_SLOT),
            after_disclosure=tracker.get_slot(RISK_LEVEL_SLOT) not in (None, "none"),
            already_said=texts_said(tracker),
            age_told=age_told,
        )
        for reply in replies:
            if reply.response:
                dispatcher.utter_message(response=reply.response, **reply.values)
            else:
                dispatcher.utter_message(text=reply.text)
        events = [SlotSet(APP_SLOT, app)]
        if topic is not None:
            events.append(SlotSet(TOPIC_SLOT, topic))
        return events
