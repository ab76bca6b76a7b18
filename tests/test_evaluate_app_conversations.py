"""The held-out measure reads an answer as a child would (scripts/evaluate_app_conversations.py):
it must call a wrong app, a wrong how-to or a wrong age band wrong."""

from __future__ import annotations

import pytest

from actions.app_steps import load_guide
from scripts.evaluate_app_conversations import domain_text, judge, read_answer, shares, step_index

GUIDE = load_guide()
INDEX = step_index(GUIDE)
PARENT = domain_text("utter_talk_to_parent_before_joining")
TRUSTED_ADULT = domain_text("utter_tell_trusted_adult")


def answered(*lines: str):
    return read_answer(["Here is how to do it on the app.", *lines], INDEX, PARENT, TRUSTED_ADULT)


def conversation(app: str, topic: str, age_band: str = "none", kind: str = "app") -> dict:
    return {"kind": kind, "turns": ["..."], "expect": {"app": app, "topic": topic, "age_band": age_band}}


steps = GUIDE.lines


def test_the_right_app_how_to_and_version_is_all_right():
    result = judge(conversation("tiktok", "block"), answered(*steps("tiktok", "block")))

    assert (result.app_right, result.topic_right, result.band_right, result.all_right) == (
        True,
        True,
        True,
        True,
    )


@pytest.mark.parametrize(
    ("expected", "lines", "wrong"),
    [
        (conversation("tiktok", "block"), steps("instagram", "block"), "app_right"),
        (conversation("tiktok", "block"), steps("tiktok", "private"), "topic_right"),
        (conversation("tiktok", "block"), steps("none", "block"), "app_right"),
        (conversation("tiktok", "block", "under_13"), steps("tiktok", "block"), "band_right"),
        (
            conversation("tiktok", "block"),
            [*steps("tiktok", "age", "simple"), PARENT, *steps("tiktok", "block", "simple")],
            "band_right",
        ),
        (conversation("tiktok", "report", kind="disclosure_report"), steps("tiktok", "report"), "all_right"),
        (conversation("tiktok", "block"), ["Sorry, I didn't get that."], "app_right"),
    ],
)
def test_a_wrong_answer_is_counted_wrong(expected, lines, wrong):
    assert getattr(judge(expected, answered(*lines)), wrong) is False


def test_a_child_under_13_answered_with_the_age_and_the_simple_steps_is_right():
    lines = [*steps("snapchat", "age", "simple"), PARENT, *steps("snapchat", "private", "simple")]

    result = judge(conversation("snapchat", "private", "under_13"), answered(*lines))

    assert result.all_right


def test_shares_are_counted_per_kind_and_in_all():
    right = judge(conversation("tiktok", "block"), answered(*steps("tiktok", "block")))
    wrong = judge(conversation("tiktok", "block", kind="follow_up"), answered(*steps("discord", "block")))

    table = shares([right, wrong])

    assert table["app"]["all_right"] == 1.0
    assert table["follow_up"]["app_right"] == 0.0
    assert table["all"] == {
        "conversations": 2,
        "app_right": 0.5,
        "topic_right": 1.0,
        "band_right": 1.0,
        "all_right": 0.5,
    }
