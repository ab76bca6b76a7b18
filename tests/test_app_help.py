"""Steps for the app the child names, fitted to the conversation and their age (actions/app_help.py),
run with rasa-sdk's real Tracker and CollectingDispatcher on the real data/app_steps.yml."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions.app_help import ActionGiveAppSteps
from actions.app_steps import BLOCK, BLOCK_AND_REPORT, REPORT, block_or_report, load_guide

GUIDE = load_guide()


def conversation(
    text: str,
    intent: str,
    apps: tuple[str, ...] = (),
    other_apps: tuple[str, ...] = (),
    slots: dict[str, Any] | None = None,
    said: tuple[str, ...] = (),
) -> Tracker:
    entities = [{"entity": "app", "value": app} for app in apps]
    entities += [{"entity": "other_app", "value": app} for app in other_apps]
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities}
    slots = {"app": apps[0] if apps else None, **(slots or {})}
    return Tracker(
        sender_id="test-child",
        slots=slots,
        latest_message=latest,
        events=[
            *({"event": "bot", "text": line} for line in said),
            {"event": "user", "text": text, "parse_data": latest},
        ],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


async def answer(dispatcher, domain, tracker: Tracker) -> tuple[list[dict[str, Any]], list[str]]:
    events = await ActionGiveAppSteps().run(dispatcher, tracker, domain)
    sent = [message.get("text") or message.get("response") for message in dispatcher.messages]
    return events, sent


steps = GUIDE.lines


def contains_in_order(sent: list[str], lines: list[str]) -> bool:
    positions = [sent.index(line) for line in lines if line in sent]
    return len(positions) == len(lines) and positions == sorted(positions)


async def test_a_how_to_naming_an_app_gets_that_app_s_steps_and_remembers_both(dispatcher, domain):
    events, sent = await answer(
        dispatcher,
        domain,
        conversation("how do i make my tiktok private", "ask_make_account_private", apps=("tiktok",)),
    )

    assert sent[0] == "utter_private_account_why"
    assert contains_in_order(sent, steps("tiktok", "private"))
    assert dispatcher.messages[1]["response"] == "utter_app_steps_intro"
    assert dispatcher.messages[1]["app_name"] == "TikTok"
    assert events == [SlotSet("app", "tiktok"), SlotSet("howto_topic", "private")]


async def test_what_about_another_app_gives_the_last_how_to_for_it(dispatcher, domain):
    tracker = conversation(
        "and on snap?", "ask_same_for_app", apps=("snapchat",), slots={"howto_topic": "strangers"}
    )

    events, sent = await answer(dispatcher, domain, tracker)

    assert contains_in_order(sent, steps("snapchat", "strangers"))
    assert not any(line in sent for line in steps("tiktok", "strangers"))
    assert events == [SlotSet("app", "snapchat"), SlotSet("howto_topic", "strangers")]


async def test_a_question_without_an_app_uses_the_app_named_earlier(dispatcher, domain):
    tracker = conversation("how do i block someone", "ask_block_and_report", slots={"app": "roblox"})

    _, sent = await answer(dispatcher, domain, tracker)

    assert contains_in_order(sent, steps("roblox", "block"))


@pytest.mark.parametrize(
    ("tracker", "says_not_known"),
    [
        (
            conversation(
                "and on bereal?", "ask_same_for_app", slots={"app": "tiktok", "howto_topic": "private"}
            ),
            True,
        ),
        (
            conversation(
                "how do i make my bereal private",
                "ask_make_account_private",
                other_apps=("bereal",),
                slots={"app": "tiktok"},
            ),
            True,
        ),
        (conversation("how do i make my account private", "ask_make_account_private"), False),
    ],
)
async def test_an_app_without_steps_gets_the_general_steps_and_the_earlier_app_is_forgotten(
    dispatcher, domain, tracker, says_not_known
):
    events, sent = await answer(dispatcher, domain, tracker)

    assert ("utter_app_not_known" in sent) == says_not_known
    assert contains_in_order(sent, list(GUIDE.general["private"].full))
    assert not any(line in sent for line in steps("tiktok", "private"))
    assert SlotSet("app", None) in events
    if not says_not_known:
        assert sent[-1] == "utter_name_your_app"


async def test_a_child_under_13_hears_the_minimum_age_and_to_talk_to_a_parent_then_the_simplest_steps(
    dispatcher, domain
):
    tracker = conversation(
        "how do i block someone on insta",
        "ask_block_and_report",
        apps=("instagram",),
        slots={"age_band": "under_13"},
    )

    _, sent = await answer(dispatcher, domain, tracker)

    assert contains_in_order(
        sent, [*steps("instagram", "age", "simple"), "utter_talk_to_parent_before_joining"]
    )
    assert contains_in_order(sent, steps("instagram", "block", "simple"))
    assert sent.index("utter_talk_to_parent_before_joining") < sent.index(
        steps("instagram", "block", "simple")[0]
    )
    assert not any(
        line in sent
        for line in steps("instagram", "block")
        if line not in steps("instagram", "block", "simple")
    )


async def test_the_minimum_age_is_said_once_per_app_not_before_every_answer(dispatcher, domain):
    tracker = conversation(
        "how do i report someone on insta",
        "ask_block_and_report",
        apps=("instagram",),
        slots={"age_band": "under_13"},
        said=tuple(steps("instagram", "age", "simple")),
    )

    _, sent = await answer(dispatcher, domain, tracker)

    assert "utter_talk_to_parent_before_joining" not in sent
    assert contains_in_order(sent, steps("instagram", "report", "simple"))


@pytest.mark.parametrize("age_band", [None, "13_plus"])
async def test_thirteen_and_over_or_an_age_not_told_hears_the_fuller_steps(dispatcher, domain, age_band):
    tracker = conversation(
        "how old for discord", "ask_app_minimum_age", apps=("discord",), slots={"age_band": age_band}
    )

    _, sent = await answer(dispatcher, domain, tracker)

    assert sent == steps("discord", "age")


async def test_reporting_after_a_disclosure_keeps_the_disclosure_advice(dispatcher, domain):
    tracker = conversation(
        "how do i report him on snap",
        "ask_block_and_report",
        apps=("snapchat",),
        slots={"risk_level": "sexual_exploitation"},
    )

    _, sent = await answer(dispatcher, domain, tracker)

    assert contains_in_order(sent, steps("snapchat", "report"))
    assert not any(
        line in sent for line in steps("snapchat", "block") if line not in steps("snapchat", "report")
    )
    assert contains_in_order(
        sent, ["utter_block_keep_messages", "utter_tell_trusted_adult", "utter_ceop_how_to_report"]
    )


async def test_a_follow_up_before_any_how_to_offers_the_how_tos_for_that_app(dispatcher, domain):
    _, sent = await answer(
        dispatcher, domain, conversation("what about fortnite", "ask_same_for_app", apps=("fortnite",))
    )

    assert sent == ["utter_ask_what_about_app"]
    assert dispatcher.messages[0]["app_name"] == "Fortnite"


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("how do i report him", REPORT),
        ("how do i block them on xbox", BLOCK),
        ("how do i block and report someone", BLOCK_AND_REPORT),
        ("how do i get rid of this person", BLOCK_AND_REPORT),
    ],
)
def test_the_words_say_whether_blocking_or_reporting_is_asked(text, topic):
    assert block_or_report(text) == topic


def test_every_answer_the_action_can_send_is_a_response_in_the_domain(domain):
    from actions.app_steps import RESPONSES

    assert set(RESPONSES) <= set(domain["responses"])


async def test_telling_the_age_right_after_asking_how_old_gives_that_answer_for_the_age(dispatcher, domain):
    tracker = conversation(
        "im 12", "inform_age", slots={"app": "discord", "howto_topic": "age", "age_band": "under_13"}
    )

    _, sent = await answer(dispatcher, domain, tracker)

    assert sent == [*steps("discord", "age", "simple"), "utter_talk_to_parent_before_joining"]


async def test_telling_the_age_otherwise_is_thanked_and_the_topics_offered(dispatcher, domain):
    tracker = conversation(
        "im 12", "inform_age", slots={"app": "discord", "howto_topic": "block", "age_band": "under_13"}
    )

    events, sent = await answer(dispatcher, domain, tracker)

    assert sent == ["utter_age_noted", "utter_topic_menu"]
    assert SlotSet("howto_topic", "block") not in events  # nothing new was asked
