"""The safeguarding evaluation set stays apart from the training data, and is scored honestly."""

from __future__ import annotations

from collections import Counter

import pytest
from editdistpy import damerau_osa

from safeguarding.decision import decide
from safeguarding.evaluation import (
    BLIND_SETS,
    DEV_SET,
    EVAL_SET,
    FRESH_SETS,
    TYPING_HABITS,
    load_eval_set,
    load_items,
    report,
    score,
    strongest,
    with_a_typing_mistake,
)
from safeguarding.levels import RiskLevel
from scripts.check_data import near_copies
from tests.test_training_data import normalised


def test_the_set_is_large_enough_and_covers_every_level():
    counts = Counter(level for _, level in load_eval_set())
    assert sum(counts.values()) >= 250
    assert set(counts) == set(RiskLevel)
    assert counts[RiskLevel.NONE] >= 50, "enough benign look-alikes to measure false alarms"


@pytest.mark.parametrize("path", [EVAL_SET, *BLIND_SETS, *FRESH_SETS], ids=lambda path: path.name)
def test_no_evaluation_message_is_in_the_training_data_even_nearly(training, path):
    trained_on = [text for texts in training.values() for text in texts]
    assert near_copies([text for text, _ in load_eval_set(path)], trained_on) == []


@pytest.mark.parametrize("path", [EVAL_SET, *BLIND_SETS, *FRESH_SETS], ids=lambda path: path.name)
def test_the_phrase_rules_development_set_shares_no_message_with_an_evaluation_set(path):
    tuned_on = {normalised(text) for text, _ in load_eval_set(DEV_SET)}
    assert [text for text, _ in load_eval_set(path) if normalised(text) in tuned_on] == []


def test_a_disclosure_answered_more_urgently_counts_as_caught_and_a_lesser_one_does_not():
    scores = score(
        [
            ("a", RiskLevel.FRIEND_AT_RISK, decide(RiskLevel.NONE, RiskLevel.IMMEDIATE_DANGER)),
            ("b", RiskLevel.SEXUAL_EXPLOITATION, decide(RiskLevel.BULLYING, RiskLevel.NONE)),
            ("c", RiskLevel.NONE, decide(RiskLevel.NONE, RiskLevel.IMMEDIATE_DANGER)),
            ("d", RiskLevel.NONE, decide(RiskLevel.NONE, RiskLevel.NONE)),
        ]
    )

    assert scores.recall(RiskLevel.FRIEND_AT_RISK) == 1.0
    assert scores.recall(RiskLevel.FRIEND_AT_RISK, "classifier") == 0.0
    assert scores.recall(RiskLevel.SEXUAL_EXPLOITATION) == 0.0
    assert scores.danger_false_alarm_rate == 0.5
    assert scores.layer_danger_false_alarm_rate("matcher") == 0.5
    assert scores.layer_danger_false_alarm_rate("classifier") == 0.0
    assert scores.missed == [("b", RiskLevel.SEXUAL_EXPLOITATION, RiskLevel.BULLYING)]


def test_a_blind_sets_report_gives_the_figures_but_not_the_messages():
    scores = score(
        [
            ("hes outside", RiskLevel.IMMEDIATE_DANGER, decide(RiskLevel.NONE, RiskLevel.NONE)),
            ("my mum is outside", RiskLevel.NONE, decide(RiskLevel.NONE, RiskLevel.IMMEDIATE_DANGER)),
        ]
    )

    shown, blind = report(scores), report(scores, show_messages=False)

    assert "immediate_danger" in blind and "0.0%" in blind
    assert "false alarms 100.0% (classifier alone 0.0%, matcher alone 100.0%)" in blind
    assert "hes outside" in shown and "my mum is outside" in shown
    assert "outside" not in blind


@pytest.mark.parametrize("habit", list(TYPING_HABITS))
def test_each_typing_habit_gives_a_message_the_same_variant_every_run(habit):
    texts = [text for text, _ in load_eval_set()]

    assert [TYPING_HABITS[habit](text) for text in texts] == [TYPING_HABITS[habit](text) for text in texts]
    assert sum(TYPING_HABITS[habit](text) != text for text in texts) >= 0.9 * len(texts)


def test_a_typing_mistake_is_one_slip_in_one_longer_word_keeping_its_first_letter():
    for text, _ in load_eval_set():
        typed = with_a_typing_mistake(text)
        changed = [(a, b) for a, b in zip(text.split(" "), typed.split(" "), strict=True) if a != b]

        assert len(changed) <= 1, typed
        for word, mistyped in changed:
            assert len(word) >= 4 and mistyped[0] == word[0], (word, mistyped)
            assert damerau_osa.distance(word, mistyped, 2) == 1, (word, mistyped)


def test_a_message_of_short_words_has_no_typing_mistake():
    assert with_a_typing_mistake("he is by my car now") == "he is by my car now"


def test_a_disclosure_spread_over_two_messages_counts_at_the_most_urgent_answer_either_got():
    first = decide(RiskLevel.NONE, RiskLevel.NONE)
    second = decide(RiskLevel.SEXUAL_EXPLOITATION, RiskLevel.NONE, ("asked_for_sexual_pictures",))

    both = strongest([first, second])

    assert both.level is RiskLevel.SEXUAL_EXPLOITATION
    assert both.matched_rules == ("asked_for_sexual_pictures",)


@pytest.mark.parametrize("path", FRESH_SETS, ids=lambda path: path.name)
def test_each_fresh_set_names_the_voice_of_every_item(path):
    items = load_items(path)
    assert all(item.voice for item in items)
    assert all(len(item.messages) in (1, 2) for item in items)


def test_recall_of_several_levels_counts_their_disclosures_together():
    scores = score(
        [
            ("a", RiskLevel.BULLYING, decide(RiskLevel.BULLYING, RiskLevel.NONE)),
            ("b", RiskLevel.SELF_HARM, decide(RiskLevel.NONE, RiskLevel.NONE)),
            ("c", RiskLevel.SELF_HARM, decide(RiskLevel.IMMEDIATE_DANGER, RiskLevel.NONE)),
            ("d", RiskLevel.NONE, decide(RiskLevel.NONE, RiskLevel.NONE)),
        ]
    )

    assert scores.recall_of([RiskLevel.BULLYING, RiskLevel.SELF_HARM]) == 2 / 3
    assert scores.recall_of([RiskLevel.FRIEND_AT_RISK]) == 0.0
