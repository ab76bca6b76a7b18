"""The training data meets the project's bars, and the held-out set stays apart from it."""

from __future__ import annotations

import pytest
import yaml

from safeguarding.levels import DISCLOSURE_INTENTS
from scripts import check_data
from scripts.check_data import near_copies
from tests.conftest import ROOT, normalised


@pytest.fixture(scope="module")
def examples() -> list[check_data.Example]:
    return check_data.load_examples(ROOT)


def test_every_intent_in_the_domain_has_training_examples(training, domain):
    assert set(domain["intents"]) == set(training)


# These three are `make check-data` checks (scripts/check_data.py), run here too so pytest alone
# catches them; the messages name the file and the intent.
def test_every_intent_has_enough_distinct_examples(examples):
    assert [str(problem) for problem in check_data.too_few_examples(examples)] == []


def test_no_example_is_in_two_intents(examples):
    assert [str(problem) for problem in check_data.examples_in_two_intents(examples)] == []


def test_every_intent_is_answered_by_a_rule_or_story(domain):
    unanswered = check_data.unanswered_intents(
        check_data.domain_intents(domain), check_data.answered_intents(ROOT), "domain.yml"
    )
    assert [str(problem) for problem in unanswered] == []


def test_held_out_messages_are_never_in_the_training_data_even_nearly(training, held_out):
    trained_on = [text for texts in training.values() for text in texts]
    assert near_copies([text for texts in held_out.values() for text in texts], trained_on) == []


def test_a_near_copy_is_a_message_with_most_of_its_words_the_same():
    trained_on = ["a man is outside my house", "how do i make my insta private"]
    assert near_copies(["A man is outside my house rn!!", "how do i make my tiktok private"], trained_on) == [
        "A man is outside my house rn!!"
    ]


def test_held_out_set_covers_every_intent_with_several_messages(training, held_out):
    # Disclosures are measured by level on the safeguarding evaluation set instead.
    asked = [intent for intent in training if intent not in DISCLOSURE_INTENTS]
    assert {
        intent: len(held_out.get(intent, [])) for intent in asked if len(held_out.get(intent, [])) < 8
    } == {}


def test_conversation_tests_use_messages_the_model_never_saw(training):
    stories = yaml.safe_load((ROOT / "tests" / "test_stories.yml").read_text())["stories"]
    said = [step["user"].strip() for story in stories for step in story["steps"] if "user" in step]
    trained_on = {normalised(text) for texts in training.values() for text in texts}
    assert [text for text in said if normalised(text) in trained_on] == []
