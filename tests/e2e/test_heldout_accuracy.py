"""Intent accuracy on messages written apart from the training data and never trained on."""

from __future__ import annotations

import pytest

from safeguarding.evaluation import with_a_greeting_first, with_a_stretched_word
from tests.conftest import HELD_OUT, examples_by_intent

pytestmark = pytest.mark.e2e
TARGET_ACCURACY = 0.90


@pytest.mark.parametrize(
    "typed",
    [str, with_a_stretched_word, with_a_greeting_first],
    ids=["as written", "one stretched word", "a greeting first"],
)
def test_held_out_intent_accuracy_meets_the_target(parse, typed):
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
