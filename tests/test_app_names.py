"""App names the exact lookup misses, and apps the bot has no steps for (classifier/app_names.py)."""

from __future__ import annotations

import pytest

from classifier.app_names import app_names_in

NAMES = {
    "roblox": "roblox",
    "snapchat": "snapchat",
    "snap": "snapchat",
    "instagram": "instagram",
    "discord": "discord",
    "tiktok": "tiktok",
    "minecraft": "minecraft",
    "messenger": "facebook",
}
ENGLISH = {
    "discard",
    "block",
    "someone",
    "on",
    "him",
    "it",
    "there",
    "how",
    "do",
    "i",
    "message",
    "instant",
    "my",
    "mum",
}
KNOWN = {"report", "privte", "party", "chat"}


def found(text: str) -> list[tuple[str, str]]:
    return [(entity["entity"], entity["value"]) for entity in app_names_in(text, NAMES, ENGLISH, KNOWN)]


@pytest.mark.parametrize(
    ("text", "app"),
    [
        ("how do i block sum1 on robloks", "roblox"),
        ("roblocks", "roblox"),
        ("snpachat privte", "snapchat"),
        ("instergram", "instagram"),
        ("tikotk", "tiktok"),
        ("tic toc", "tiktok"),
        ("mine craft", "minecraft"),
    ],
)
def test_an_app_name_spelled_by_sound_by_slip_or_in_two_words_is_that_app(text, app):
    assert found(text) == [("app", app)]


@pytest.mark.parametrize(
    "text",
    [
        "how do i block someone on discard",  # an English word, one letter from "discord"
        "he sent me a messege",  # two letters from "messenger", in a word shorter than eight
        "how do i block him on it",
        "my mum",
        "instant",
    ],
)
def test_english_words_and_near_misses_are_no_app(text):
    assert found(text) == []


def test_a_word_after_on_that_is_no_english_word_is_an_app_the_bot_does_not_know():
    assert found("how do i block someone on zepeto") == [("other_app", "zepeto")]
    assert found("how do i stop ppl in party chat") == []
