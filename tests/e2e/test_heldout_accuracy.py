"""Intent accuracy on messages written apart from the training data and never trained on."""

from __future__ import annotations

import pytest

from safeguarding.evaluation import TYPING_HABITS
from tests.conftest import HELD_OUT, examples_by_intent

pytestmark = pytest.mark.e2e
# The short held-out questions as written: the target, met by each of the classifier's
# three seeds (96.1-97.0%, docs/classifier.md). Typed with a child's habits they were held to 90%
# before the classifier changed, and still are.
TARGET_ACCURACY = 0.95
TYPED_FLOOR = 0.90
# The letter-like questions (two to six sentences, the question inside): one message below the
# worst of three seeds, 89.5% and 87.5% (the target is 90%, not met by every seed yet).
LETTER_FLOORS = {"advice_column.yml": 0.88, "advice_column_2.yml": 0.86}


def accuracy(parse, cases: list[tuple[str, str]]) -> tuple[float, list[tuple[str, str, str]]]:
    wrong = [
        (text, intent, predicted)
        for text, intent in cases
        if (predicted := parse(text)["intent"]["name"]) != intent
    ]
    return 1 - len(wrong) / len(cases), wrong


# As written, and typed the way children often type (a stretched word, "hi" first, a mistyped
# word): each is read by safeguarding.normalising.
@pytest.mark.parametrize("habit", ["as written", *TYPING_HABITS])
def test_held_out_intent_accuracy_meets_the_target(parse, habit):
    typed = TYPING_HABITS.get(habit, str)
    cases = [
        (typed(text), intent)
        for intent, texts in examples_by_intent(HELD_OUT / "heldout.yml").items()
        for text in texts
    ]

    right, wrong = accuracy(parse, cases)

    floor = TARGET_ACCURACY if habit == "as written" else TYPED_FLOOR
    assert right >= floor, f"{right:.1%} on {len(cases)} messages; misread: {wrong}"


@pytest.mark.parametrize("name", list(LETTER_FLOORS))
def test_a_question_inside_a_letter_is_understood_at_least_as_well_as_measured(parse, name):
    cases = [
        (text, intent) for intent, texts in examples_by_intent(HELD_OUT / name).items() for text in texts
    ]

    right, wrong = accuracy(parse, cases)

    # Only the figure: these sets measure, and reading their misses would make them less honest.
    assert right >= LETTER_FLOORS[name], f"{right:.1%} on {len(cases)} messages ({len(wrong)} misread)"


# The app intents' own held-out messages (tests/nlu_heldout/apps.yml, 60, written blind on 2026-12-05):
# 60 of 60 with seed 2611 (docs/apps.md); held three messages below.
APP_FLOOR = 0.95


def test_the_app_questions_and_a_child_telling_their_age_are_understood(parse):
    cases = [
        (text, intent)
        for intent, texts in examples_by_intent(HELD_OUT / "apps.yml").items()
        for text in texts
    ]

    right, wrong = accuracy(parse, cases)

    print(f"{right:.1%} of {len(cases)} app messages understood")
    assert right >= APP_FLOOR, f"{right:.1%} on {len(cases)} messages ({len(wrong)} misread)"
