"""Intent accuracy on messages written apart from the training data and never trained on."""

from __future__ import annotations

import pytest

from safeguarding.evaluation import TYPING_HABITS
from tests.conftest import HELD_OUT, examples_by_intent

pytestmark = pytest.mark.e2e
TARGET_ACCURACY = 0.90


# As written, and typed the way children often type (a stretched word, "hi" first, a mistyped
# word): each is read by safeguarding.normalising and must reach the same accuracy.
@pytest.mark.parametrize("habit", ["as written", *TYPING_HABITS])
def test_held_out_intent_accuracy_meets_the_target(parse, habit):
    typed = TYPING_HABITS.get(habit, str)
    cases = [
        (typed(text), intent) for intent, texts in examples_by_intent(HELD_OUT).items() for text in texts
    ]
    wrong = [
        (text, intent, predicted)
        for text, intent in cases
        if (predicted := parse(text)["intent"]["name"]) != intent
    ]

    accuracy = 1 - len(wrong) / len(cases)
    assert accuracy >= TARGET_ACCURACY, f"{accuracy:.1%} on {len(cases)} messages; misread: {wrong}"
