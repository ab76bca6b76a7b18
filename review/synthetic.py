"""Synthetic conversations recorded exactly as the assistant records them (Rasa events, with the
safeguarding slots actions/disclosures.py sets), for the review app's tests and its benchmark."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.core.slots import AnySlot
from rasa.shared.core.trackers import DialogueStateTracker

from safeguarding.levels import HESITATION, INTENT_FOR_LEVEL, RiskLevel
from tracker_store import URLTrackerStore


@dataclass(frozen=True)
class Said:
    """One message from the child; a level above "none" means the assistant flagged it."""

    text: str
    level: str = "none"
    detectors: tuple[str, ...] = ("classifier",)
    matched_rules: tuple[str, ...] = ()
    intent: str | None = None
    hesitation: str | None = None  # what safeguarding/hesitation.py saw: "hesitating" or "secrecy"


def conversation(sender_id: str, messages: Iterable[Said], start: float) -> DialogueStateTracker:
    """A tracker with each message, the assistant's answer and, for a disclosure, the flag slots."""
    slots = [
        AnySlot(name, mappings=[], influence_conversation=False)
        for name in ("risk_level", "safeguarding_flag")
    ]
    tracker = DialogueStateTracker(sender_id, slots=slots)
    at = start
    highest = RiskLevel.NONE
    for said in messages:
        level = RiskLevel.from_label(said.level)
        intent = said.intent or INTENT_FOR_LEVEL.get(level, "chitchat_greet")
        assessment = {
            "level": level.label,
            "classifier_level": level.label if "classifier" in said.detectors else "none",
            "matcher_level": level.label if "matcher" in said.detectors else "none",
            "detectors": list(said.detectors) if level else [],
            "matched_rules": list(said.matched_rules),
        }
        parse_data = {
            "text": said.text,
            "intent": {"name": intent, "confidence": 0.93},
            "entities": [],
            "safeguarding": assessment,
            HESITATION: said.hesitation,
        }
        events: list[Event] = [
            ActionExecuted("action_listen", timestamp=at),
            UserUttered(said.text, parse_data["intent"], [], parse_data, timestamp=at + 1),
        ]
        if level:
            highest = max(highest, level)
            events += [
                ActionExecuted("action_respond_to_disclosure", timestamp=at + 2),
                BotUttered("Thank you for telling me. You are not in trouble.", timestamp=at + 2),
                SlotSet("risk_level", highest.label, timestamp=at + 2),
                SlotSet("safeguarding_flag", {**assessment, "intent": intent}, timestamp=at + 2),
            ]
        else:
            events += [
                ActionExecuted("utter_greet", timestamp=at + 2),
                BotUttered(
                    "Hi! I can help you stay safe online.",
                    {"buttons": [{"title": "Privacy"}]},
                    timestamp=at + 2,
                ),
            ]
        for event in events:
            tracker.update(event)
        at += 30
    return tracker


def save(store: TrackerStore, trackers: Iterable[DialogueStateTracker]) -> None:
    """Save with a Rasa tracker store, as the Rasa server does."""

    async def save_all() -> None:
        for tracker in trackers:
            await store.save(tracker)

    # In a thread of its own: Playwright's sync API keeps an event loop running in this one.
    with ThreadPoolExecutor(max_workers=1) as worker:
        worker.submit(asyncio.run, save_all()).result()


def save_with_rasa(url: str, trackers: Iterable[DialogueStateTracker]) -> None:
    """Write through Rasa's own SQLTrackerStore, given the tracker store's URL."""
    store = URLTrackerStore(url=url)
    save(store, trackers)
    store.engine.dispose()


def event_rows(tracker: DialogueStateTracker) -> list[dict]:
    """The rows SQLTrackerStore.save writes for a tracker, for a fast bulk insert in the benchmark."""
    rows = []
    for event in tracker.events:
        data = event.as_dict()
        rows.append(
            {
                "sender_id": tracker.sender_id,
                "type_name": event.type_name,
                "timestamp": data.get("timestamp"),
                "intent_name": (data.get("parse_data") or {}).get("intent", {}).get("name"),
                "action_name": data.get("name"),
                "data": json.dumps(data),
            }
        )
    return rows
