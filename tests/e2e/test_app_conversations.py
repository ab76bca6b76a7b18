"""Answers fitted to the app, the conversation so far and the child's age, over the real servers.

The held-out conversations (tests/app_conversations/, written blind, never trained on) are
sent turn by turn as the chat page sends them; the floors below are the figures measured on
2026-12-05 less a conversation or two of noise (docs/apps.md).
"""

from __future__ import annotations

import json
import uuid

import pytest
import yaml

from actions.app_steps import load_guide
from launcher.services import ROOT
from scripts.evaluate_app_conversations import (
    HELD_OUT,
    evaluate,
    print_table,
    rest_sender,
    shares,
    training_texts,
)
from tests.e2e.conftest import texts

pytestmark = pytest.mark.e2e

GUIDE = load_guide()
TRAINED_ON = training_texts()
RESPONSES = yaml.safe_load((ROOT / "domain.yml").read_text())["responses"]


def said(name: str) -> str:
    return RESPONSES[name][0]["text"].lower()


def steps(app: str, topic: str, version: str = "full") -> list[str]:
    """The answer's messages as `texts` gives the replies: lower case."""
    return [line.lower() for line in GUIDE.lines(app, topic, version)]


# (kind, measure, floor) for each set: the worst of three seeds on 2026-12-05 with the final model
# (docs/apps.md, `make eval-apps`) less about two conversations of noise. The model `make train`
# makes is seed 2611.
FLOORS = {
    # chat-box typing: all right 98.7-98.8%, follow-ups 98.4-98.9%, age band 98.3%
    "heldout_1.yml": [
        ("all", "app_right", 0.97),
        ("all", "all_right", 0.96),
        ("follow_up", "all_right", 0.95),
        ("age", "band_right", 0.95),
        ("disclosure_report", "all_right", 0.92),
    ],
    # spelling by sound, dictated run-ons, English as a second language: all right 88.4-89.1%
    "heldout_2.yml": [
        ("all", "app_right", 0.86),
        ("all", "all_right", 0.86),
        ("follow_up", "all_right", 0.90),
        ("age", "band_right", 0.77),
        ("disclosure_report", "all_right", 0.86),
    ],
    # autocorrect, dialect, dyslexic spelling, gaming chat: all right 95.8%
    "heldout_3.yml": [
        ("all", "app_right", 0.94),
        ("all", "all_right", 0.93),
        ("follow_up", "all_right", 0.88),
        ("age", "band_right", 0.93),
        ("disclosure_report", "all_right", 0.91),
    ],
    # upset, formal, Welsh, Irish and West Indian British English: all right 90.1-90.6%, age 75.6%
    "heldout_4.yml": [
        ("all", "app_right", 0.90),
        ("all", "all_right", 0.88),
        ("follow_up", "all_right", 0.89),
        ("age", "band_right", 0.75),
        ("disclosure_report", "all_right", 0.91),
    ],
    # young people's words as quoted in public sources: all right 95.3-95.8%, age 79.1-80.6%
    "heldout_5.yml": [
        ("all", "app_right", 0.93),
        ("all", "all_right", 0.93),
        ("follow_up", "all_right", 0.95),
        ("age", "band_right", 0.86),
        ("disclosure_report", "all_right", 0.92),
    ],
    # children aged 9 to 12 speaking, 71 of 186 about age: all right 81.7-83.3%, age only 59.2-62.0%
    "heldout_6.yml": [
        ("all", "app_right", 0.81),
        ("all", "all_right", 0.79),
        ("follow_up", "all_right", 0.95),
        ("age", "band_right", 0.67),
        ("disclosure_report", "all_right", 0.88),
    ],
}


# How children write each app in a follow-up.
WRITTEN = {
    "tiktok": "what about on tiktok",
    "instagram": "and on insta?",
    "snapchat": "and on snap?",
    "whatsapp": "what about whatsapp",
    "youtube": "how do i do that on yt",
    "roblox": "how do i do that on roblox",
    "minecraft": "what about minecraft",
    "fortnite": "and fortnite?",
    "discord": "same for discord?",
    "xbox": "what about on xbox",
    "playstation": "and on ps5",
    "facebook": "what about messenger",
}


@pytest.mark.parametrize("app", sorted(GUIDE.apps))
def test_what_about_on_another_app_gives_the_same_how_to_for_that_app(say, app):
    say("how do i make my account private")

    replies = texts(say(WRITTEN[app]))

    assert all(line in replies for line in steps(app, "private")), replies


@pytest.mark.parametrize("follow_up", ["snap?", "k and snapchat", "thx, what about snap"])
def test_an_app_named_on_its_own_after_a_how_to_gets_that_how_to_for_it(say, follow_up):
    say("how do i stop strangers messaging me on tiktok")

    replies = texts(say(follow_up))

    assert all(line in replies for line in steps("snapchat", "strangers")), replies


def test_after_a_disclosure_how_do_i_report_him_on_snap_gives_snapchat_s_steps_and_keeps_the_advice(say):
    disclosure = texts(say("a man i met on roblox keeps asking me for pics"))
    assert "not your fault" in disclosure

    replies = texts(say("how do i report him on snap"))

    assert all(line in replies for line in steps("snapchat", "report")), replies
    assert said("utter_block_keep_messages") in replies  # don't delete anything
    assert said("utter_tell_trusted_adult") in replies
    assert "ceop" in replies


def test_after_a_disclosure_about_an_app_how_do_i_report_him_names_no_app_and_gets_that_app_s_steps(say):
    say("someone on insta keeps saying hell share my pics if i dont send more")

    replies = texts(say("how do i report him"))

    assert all(line in replies for line in steps("instagram", "report")), replies
    assert said("utter_tell_trusted_adult") in replies


def test_an_age_told_early_changes_a_later_answer(servers):
    send = rest_sender(servers.rasa_url)

    def say_as(child: str, text: str) -> str:
        return texts(send(child, text))

    younger, unknown = uuid.uuid4().hex, uuid.uuid4().hex
    assert "thanks for telling me" in say_as(younger, "im 10")
    said_to_younger = say_as(younger, "how do i block someone on tiktok")
    said_to_unknown = say_as(unknown, "how do i block someone on tiktok")

    assert all(line in said_to_younger for line in steps("tiktok", "age", "simple"))
    assert said("utter_talk_to_parent_before_joining") in said_to_younger
    assert all(line in said_to_younger for line in steps("tiktok", "block", "simple"))
    assert said("utter_talk_to_parent_before_joining") not in said_to_unknown
    assert all(line in said_to_unknown for line in steps("tiktok", "block", "full"))


def test_an_app_the_bot_does_not_know_gets_the_general_steps_and_says_so(say):
    say("how do i make my tiktok private")

    replies = texts(say("and on bereal?"))

    assert "i don't know the steps for" in replies
    assert not any(line in replies for line in steps("tiktok", "private"))


@pytest.mark.parametrize("mashed", ["asdkjh qwe", "q", "😂😂😂", "?!?"])
def test_keyboard_mashing_gets_i_did_not_get_that_and_the_topics_not_goodbye(say, mashed):
    replies = say(mashed)

    assert "didn't get that" in texts(replies)
    assert "bye" not in texts(replies)
    assert any(reply.get("buttons") for reply in replies)


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_the_held_out_conversations_are_answered_for_the_right_app_how_to_and_age(servers, name):
    results = evaluate(rest_sender(servers.rasa_url), [HELD_OUT / name], trained_on=TRAINED_ON)
    table = shares(results)
    print(f"\n{name}")
    print_table(table)
    out = ROOT / "results" / "app_conversations" / name.replace(".yml", ".json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(table, indent=1))

    assert len(results) >= 150  # a conversation whose last turn was trained on is left out
    for kind, measure, floor in FLOORS[name]:
        assert table[kind][measure] >= floor, (kind, measure, table[kind])


def test_keyboard_mashing_is_read_as_nonsense_and_short_real_messages_are_not(parse):
    sets = yaml.safe_load((HELD_OUT / "nonsense_1.yml").read_text())

    caught = sum(parse(text)["intent"]["name"] == "nlu_fallback" for text in sets["nonsense"])
    false_alarms = [text for text in sets["meaningful"] if parse(text).get("nonsense")]

    print(
        f"nonsense caught {caught}/{len(sets['nonsense'])}, "
        f"meaningful marked nonsense {len(false_alarms)}/{len(sets['meaningful'])}"
    )
    assert caught / len(sets["nonsense"]) >= NONSENSE_CAUGHT
    assert len(false_alarms) / len(sets["meaningful"]) <= NONSENSE_FALSE_ALARMS


# Measured on nonsense_1 on 2026-12-05, three seeds: 47 or 48 of 48 caught; 4 of 58 short real
# messages marked nonsense.
NONSENSE_CAUGHT = 0.9
NONSENSE_FALSE_ALARMS = 0.1
