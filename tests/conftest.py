"""Shared fixtures: real rasa-sdk Trackers and Dispatchers, as Rasa's example bots build them."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa.shared.nlu.training_data.loading import load_data
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from scripts.check_data import normalised  # noqa: F401 - one rule for what counts as the same example

ROOT = Path(__file__).resolve().parent.parent
HELD_OUT = ROOT / "tests" / "nlu_heldout"


def examples_by_intent(path: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for message in load_data(str(path)).intent_examples:
        found[message.get("intent")].append(message.get("text"))
    return found


@pytest.fixture(scope="session")
def training() -> dict[str, list[str]]:
    return examples_by_intent(ROOT / "data" / "nlu")


@pytest.fixture(scope="session")
def held_out() -> dict[str, list[str]]:
    return examples_by_intent(HELD_OUT)


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text())


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def bot_said(response: str) -> dict[str, Any]:
    """A BotUttered event as the Rasa server records it for a response from the domain."""
    return {"event": "bot", "text": "...", "metadata": {"utter_action": response}}


def tracker_with(
    events: list[dict[str, Any]], text: str = "bye", intent: str = "chitchat_goodbye"
) -> Tracker:
    latest_message = {"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": []}
    return Tracker(
        sender_id="test-child",
        slots={},
        latest_message=latest_message,
        events=[{"event": "user", "text": text, "parse_data": latest_message}, *events],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


# A headless Chromium for tests/e2e (the widget) and tests/review (the review app).
from tests.browser import browser  # noqa: E402, F401
