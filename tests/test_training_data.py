"""The training data meets the project's bars, and the held-out set stays apart from it."""

from __future__ import annotations

from collections import defaultdict

import yaml

from safeguarding.levels import DISCLOSURE_INTENTS
from tests.conftest import ROOT, normalised

MIN_EXAMPLES = 25


def test_every_intent_in_the_domain_has_training_examples(training, domain):
    assert set(domain["intents"]) == set(training)


def test_every_intent_has_enough_distinct_examples(training):
    too_few = {
        intent: len({normalised(text) for text in texts})
        for intent, texts in training.items()
        if len({normalised(text) for text in texts}) < MIN_EXAMPLES
    }
    assert too_few == {}, f"intents with fewer than {MIN_EXAMPLES} distinct examples"


def test_no_example_is_in_two_intents(training):
    intents_of: dict[str, set[str]] = defaultdict(set)
    for intent, texts in training.items():
        for text in texts:
            intents_of[normalised(text)].add(intent)
    clashes = {text: sorted(intents) for text, intents in intents_of.items() if len(intents) > 1}
    assert clashes == {}


def test_every_intent_is_answered_by_a_rule_or_story(domain):
    answered = set()
    for path in (ROOT / "data").glob("*/*.yml"):
        content = yaml.safe_load(path.read_text()) or {}
        for flow in content.get("rules", []) + content.get("stories", []):
            answered |= {step["intent"] for step in flow["steps"] if "intent" in step}
    assert set(domain["intents"]) - answered == set()


def test_held_out_messages_are_never_in_the_training_data(training, held_out):
    trained_on = {normalised(text) for texts in training.values() for text in texts}
    leaked = [text for texts in held_out.values() for text in texts if normalised(text) in trained_on]
    assert leaked == []


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
