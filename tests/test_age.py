"""The child's own age band, read only when the child says it (classifier/age.py)."""

from __future__ import annotations

import pytest

from classifier.age import THIRTEEN_PLUS, UNDER_13, age_mention


@pytest.mark.parametrize(
    ("text", "band"),
    [
        ("im 10", UNDER_13),
        ("i'm 12 years old", UNDER_13),
        ("I am eleven", UNDER_13),
        ("im only 9", UNDER_13),
        ("i'm in year 6", UNDER_13),
        ("yr 8", UNDER_13),
        ("y7 btw", UNDER_13),
        ("13 next month", UNDER_13),
        ("im 13 next month", UNDER_13),
        ("i turn 13 in may", UNDER_13),
        ("nearly 13", UNDER_13),
        ("i'm almost 13 lol", UNDER_13),
        ("im in 6th grade", UNDER_13),
        ("im 10 how do i make my tiktok private", UNDER_13),
        ("hi im 11 and i want snapchat", UNDER_13),
        ("age 12", UNDER_13),
        ("just turned 13", THIRTEEN_PLUS),
        ("im 14 btw", THIRTEEN_PLUS),
        ("i'm fifteen", THIRTEEN_PLUS),
        ("im in year 10", THIRTEEN_PLUS),
        ("16 years old and my insta is public", THIRTEEN_PLUS),
        ("im 13", THIRTEEN_PLUS),
        ("I have 11 years", UNDER_13),
        ("am 12 n my mam says no", UNDER_13),
        ("ah'm fourteen", THIRTEEN_PLUS),
        ("im in P7", UNDER_13),
        ("am in s1", UNDER_13),
        ("im in S3 btw", THIRTEEN_PLUS),
        ("im 10 yeers old", UNDER_13),
        ("i am elevin", UNDER_13),
        ("im twelv", UNDER_13),
        ("im thurteen", THIRTEEN_PLUS),
    ],
)
def test_a_child_saying_their_age_or_school_year_gets_its_band(text, band):
    mention = age_mention(text)

    assert mention is not None and mention.band == band


@pytest.mark.parametrize(
    "text",
    [
        "my brother is 9",
        "a 30 year old man keeps messaging me",
        "he said he was 14 but i think hes older",
        "my sister is in year 9",
        "im 5 minutes away from school",
        "im 2 scared to tell my mum",
        "i have 12 followers",
        "how old do you have to be for tiktok",
        "is 13 the age for snapchat",
        "he is 13 next month",
        "how do i make my account private",
        "my cousin has 9 years",
        "how do i block someone on ps5",
        "he is in s4",
        "im fine",
        "im tired of it",
        "im thirsty",
        "im seventh in the league",
    ],
)
def test_someone_elses_age_or_any_other_number_sets_nothing(text):
    assert age_mention(text) is None


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("im 10", False),
        ("hi im 12 btw", False),
        ("Dear bot, I am eleven years old.", False),
        ("13 next month", False),
        ("I am eleven years old. Am I allowed WhatsApp?", True),
        ("im 11 how do i make my insta private", True),
        ("im 9 and someone keeps adding me on roblox", True),
    ],
)
def test_a_message_asking_more_than_the_age_is_told_apart_from_the_age_alone(text, asks):
    from classifier.age import asks_more_than_age

    assert asks_more_than_age(text, age_mention(text)) is asks
