"""The tracker store the Rasa server uses (tracker_store.py), on a real SQLite file: a long
conversation is read in its latest turns only, yet every message is stored once, in order, and the
slots set long ago are still known."""

from __future__ import annotations

import asyncio
import copy
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from tracker_store import RECENT_TURNS, URLTrackerStore

ROOT = Path(__file__).resolve().parent.parent
TURNS = RECENT_TURNS * 2 + 5


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(ROOT / "domain.yml")


def one_turn(tracker: DialogueStateTracker, number: int) -> None:
    tracker.update(UserUttered(f"message {number}", {"name": "ask_safety_tips", "confidence": 0.9}))
    tracker.update(ActionExecuted("utter_safety_tips_intro"))
    tracker.update(BotUttered(f"answer {number}"))
    if number == 0:
        tracker.update(SlotSet("risk_level", "immediate_danger"))
    tracker.update(ActionExecuted("action_listen"))


async def converse(store: URLTrackerStore, sender: str, turns: int) -> DialogueStateTracker:
    for number in range(turns):
        tracker = await store.retrieve(sender) or DialogueStateTracker(sender, store.domain.slots)
        one_turn(tracker, number)
        await store.save(tracker)
    return await store.retrieve(sender)


def test_a_long_conversation_is_stored_whole_and_read_in_its_latest_turns(tmp_path, domain):
    store = URLTrackerStore(domain, url=f"sqlite:///{tmp_path / 'tracker.db'}")

    latest = asyncio.run(converse(store, "child", TURNS))
    everything = asyncio.run(store.retrieve_full_tracker("child"))

    said = [event.text for event in everything.events if isinstance(event, UserUttered)]
    assert said == [f"message {number}" for number in range(TURNS)], "each message once, in order"
    read = [event.text for event in latest.events if isinstance(event, UserUttered)]
    assert read == [f"message {number}" for number in range(TURNS - RECENT_TURNS, TURNS)]
    assert latest.get_slot("risk_level") == "immediate_danger", "a slot set in the first turn is kept"


def test_a_short_conversation_is_read_whole(tmp_path, domain):
    store = URLTrackerStore(domain, url=f"sqlite:///{tmp_path / 'tracker.db'}")

    latest = asyncio.run(converse(store, "child", 3))

    assert [event.text for event in latest.events if isinstance(event, UserUttered)] == [
        "message 0",
        "message 1",
        "message 2",
    ]


def test_a_copy_of_a_shortened_conversation_is_refused_rather_than_saved_wrong(tmp_path, domain):
    store = URLTrackerStore(domain, url=f"sqlite:///{tmp_path / 'tracker.db'}")
    latest = asyncio.run(converse(store, "child", RECENT_TURNS + 3))
    unmarked = DialogueStateTracker.from_events("child", list(copy.deepcopy(latest.events)), domain.slots)
    one_turn(unmarked, 99)

    with pytest.raises(RuntimeError, match="new"):
        asyncio.run(store.save(unmarked))
