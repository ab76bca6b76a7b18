"""The answer to a disclosure, run with rasa-sdk's real Tracker and CollectingDispatcher."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet

from actions.disclosure_routes import ROUTES, route_for
from actions.disclosures import ActionRespondToDisclosure
from safeguarding.decision import decide
from safeguarding.levels import RiskLevel
from tests.conftest import tracker_with

SECRET_PROMISES = ("i won't tell", "i will not tell", "our secret", "between us", "keep it secret")


def disclosure(text: str, intent: str, classifier: RiskLevel, matcher: RiskLevel, rules=()):
    tracker = tracker_with([], text=text, intent=intent)
    tracker.latest_message["safeguarding"] = decide(classifier, matcher, rules).as_dict()
    return tracker


async def test_immediate_danger_says_999_first(dispatcher, domain):
    tracker = disclosure(
        "hes outside my house",
        "disclose_immediate_danger",
        RiskLevel.IMMEDIATE_DANGER,
        RiskLevel.IMMEDIATE_DANGER,
        ["someone_at_my_home"],
    )

    await ActionRespondToDisclosure().run(dispatcher, tracker, domain)

    first = dispatcher.messages[0]["response"]
    assert first == "utter_danger_call_999"
    assert "999" in domain["responses"][first][0]["text"]


async def test_the_matcher_raises_the_level_and_the_flag_says_so(dispatcher, domain):
    tracker = disclosure(
        "im in his car rn",
        "disclose_immediate_danger",
        RiskLevel.NONE,
        RiskLevel.IMMEDIATE_DANGER,
        ["in_a_car_with_someone"],
    )

    events = await ActionRespondToDisclosure().run(dispatcher, tracker, domain)

    assert events == [
        SlotSet("risk_level", "immediate_danger"),
        SlotSet(
            "safeguarding_flag",
            {
                "level": "immediate_danger",
                "classifier_level": "none",
                "matcher_level": "immediate_danger",
                "detectors": ["matcher"],
                "matched_rules": ["in_a_car_with_someone"],
                "intent": "disclose_immediate_danger",
            },
        ),
    ]


async def test_the_conversation_keeps_its_highest_level(dispatcher, domain):
    tracker = disclosure(
        "they keep calling me names", "disclose_bullying_threats", RiskLevel.BULLYING, RiskLevel.NONE
    )
    tracker.slots["risk_level"] = "sexual_exploitation"

    events = await ActionRespondToDisclosure().run(dispatcher, tracker, domain)

    assert events[0] == SlotSet("risk_level", "sexual_exploitation")
    assert events[1]["value"]["level"] == "bullying"


async def test_a_button_payload_without_nlu_still_gets_its_route(dispatcher, domain):
    tracker = tracker_with([], text="/disclose_self_harm", intent="disclose_self_harm")

    await ActionRespondToDisclosure().run(dispatcher, tracker, domain)

    assert [m["response"] for m in dispatcher.messages] == route_for(RiskLevel.SELF_HARM)


def test_report_remove_is_offered_only_where_an_image_may_be_shared():
    assert "utter_report_remove_if_shared" in route_for(RiskLevel.SEXUAL_EXPLOITATION, "disclose_blackmail")
    assert "utter_report_remove_if_shared" in route_for(RiskLevel.SEXUAL_EXPLOITATION, "x", ("blackmail",))
    assert "utter_report_remove_if_shared" not in route_for(
        RiskLevel.SEXUAL_EXPLOITATION, "disclose_secret_with_adult"
    )


@pytest.mark.parametrize("level", list(ROUTES))
def test_every_route_ends_with_buttons_to_go_on(level, domain):
    last = route_for(level)[-1]
    titles = [button["title"] for button in domain["responses"][last][0]["buttons"]]
    assert titles == ["How do I report?", "Who can I talk to?", "I'm safe now"]


@pytest.mark.parametrize("level", list(ROUTES))
def test_every_route_names_a_trusted_adult_or_childline_and_never_promises_secrecy(level, domain):
    texts = " ".join(domain["responses"][name][0]["text"] for name in route_for(level)).lower()
    assert "trusted adult" in texts or "0800 1111" in texts
    assert not any(promise in texts for promise in SECRET_PROMISES)
    assert "?" not in texts.replace("what would help now?", ""), "never ask the child for details"


@pytest.mark.parametrize("level", [RiskLevel.SEXUAL_EXPLOITATION, RiskLevel.IMMEDIATE_DANGER])
def test_exploitation_and_danger_say_it_is_not_their_fault_and_give_ceop_and_childline(level, domain):
    texts = " ".join(domain["responses"][name][0]["text"] for name in route_for(level)).lower()
    assert "not your fault" in texts
    assert "ceop" in texts
    assert "0800 1111" in texts


@pytest.mark.parametrize("level", list(ROUTES))
def test_every_route_says_to_call_999_in_danger(level, domain):
    # An emergency the detectors read as blackmail or a threat must still hear 999.
    texts = " ".join(domain["responses"][name][0]["text"] for name in route_for(level))
    assert "999" in texts


def test_self_harm_gives_childline_samaritans_and_999(domain):
    texts = " ".join(domain["responses"][name][0]["text"] for name in route_for(RiskLevel.SELF_HARM))
    assert "0800 1111" in texts and "116 123" in texts and "999" in texts
