"""Which of the five safety messages the bot gives at the end of a conversation."""

from __future__ import annotations

import pytest

from actions.safety_messages import SAFETY_MESSAGES, next_safety_message


def test_there_are_five_messages_each_a_response_in_the_domain(domain):
    assert len(SAFETY_MESSAGES) == 5
    assert set(SAFETY_MESSAGES) <= set(domain["responses"])


def test_a_new_conversation_gets_the_first_message():
    assert next_safety_message([]) == "utter_safety_message_personal_info"


@pytest.mark.parametrize("already", range(1, 5))
def test_a_message_already_given_is_not_repeated(already):
    said = list(SAFETY_MESSAGES[:already]) + ["utter_goodbye"]
    assert next_safety_message(said) == SAFETY_MESSAGES[already]


def test_after_all_five_the_one_said_longest_ago_comes_back():
    said = [
        SAFETY_MESSAGES[2],
        SAFETY_MESSAGES[0],
        SAFETY_MESSAGES[1],
        SAFETY_MESSAGES[3],
        SAFETY_MESSAGES[4],
    ]
    assert next_safety_message(said) == SAFETY_MESSAGES[2]
    assert next_safety_message([*said, SAFETY_MESSAGES[2]]) == SAFETY_MESSAGES[0]
