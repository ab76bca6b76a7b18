"""The safety net under a missed emergency: whatever the bot reads a first message as, a child who
may be in danger hears 999, unless it was read as a plain question about staying safe."""

from __future__ import annotations

import pytest

from safeguarding.decision import decide
from safeguarding.levels import DISCLOSURE_INTENTS, RiskLevel
from scripts.evaluate_safeguarding import names_999, reply_responses, rule_replies

NOTHING_FOUND = decide(RiskLevel.NONE, RiskLevel.NONE)


@pytest.fixture(scope="module")
def rules():
    return rule_replies()


@pytest.mark.parametrize(
    "intent",
    [
        "chitchat_off_topic",  # where most missed emergencies land
        "nlu_fallback",  # not understood, or a child who hesitates
        "chitchat_greet",
        "chitchat_ask_what_you_can_do",  # "help" on its own
    ],
)
def test_a_message_read_as_chat_or_not_understood_still_hears_999(intent, rules, domain):
    assert names_999(reply_responses(intent, NOTHING_FOUND, rules), domain)


@pytest.mark.parametrize("intent", sorted(DISCLOSURE_INTENTS))
def test_every_disclosure_hears_999_whichever_kind_it_was_read_as(intent, rules, domain):
    read_as = decide(DISCLOSURE_INTENTS[intent], RiskLevel.NONE)

    assert names_999(reply_responses(intent, read_as, rules), domain)


def test_a_plain_question_is_answered_without_999(rules, domain):
    responses = reply_responses("ask_strong_password", NOTHING_FOUND, rules)

    assert responses, "the question has a rule"
    assert not names_999(responses, domain)


def test_a_disclosure_raised_by_the_phrase_rules_is_answered_by_its_level(rules):
    # Read as chat by the classifier, raised to danger by the phrase rules: the NLU then sets the
    # danger intent, and the reply starts with 999.
    raised = decide(RiskLevel.NONE, RiskLevel.IMMEDIATE_DANGER, ["someone_at_my_home"])

    assert reply_responses("disclose_immediate_danger", raised, rules)[0] == "utter_danger_call_999"
