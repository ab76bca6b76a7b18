"""A short message naming an app is a follow-up for that app (classifier/follow_up.py)."""

from __future__ import annotations

import pytest

from classifier.follow_up import is_app_on_its_own

SNAP = [{"entity": "app", "value": "snapchat"}]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("snap?", "nlu_fallback"),
        ("k and snap", "chitchat_off_topic"),
        ("thx, what about snap", "chitchat_thanks"),
        ("im 12 n what about snap", "inform_age"),
    ],
)
def test_a_short_message_naming_an_app_read_as_chit_chat_is_a_follow_up(text, intent):
    assert is_app_on_its_own(text, intent, SNAP)


@pytest.mark.parametrize(
    ("text", "intent", "entities"),
    [
        ("hi snap", "chitchat_greet", SNAP),  # the welcome says it is a bot
        ("bye going on snap", "chitchat_goodbye", SNAP),
        ("a man on snap wants pics", "disclose_asked_for_pictures", SNAP),
        ("how do i block on snap", "ask_block_and_report", SNAP),
        ("thanks", "chitchat_thanks", []),
        ("thanks so much that really helped me a lot with snap today", "chitchat_thanks", SNAP),
    ],
)
def test_greetings_disclosures_questions_and_longer_messages_keep_their_intent(text, intent, entities):
    assert not is_app_on_its_own(text, intent, entities)
