"""Which risk level wins when the classifier and the phrase detector disagree."""

from __future__ import annotations

import pytest
import yaml

from safeguarding.decision import (
    CLOSE_CANDIDATE_MARGIN,
    Assessment,
    classifier_level,
    decide,
    risk_head_level,
)
from safeguarding.levels import DISCLOSURE_INTENTS, INTENT_FOR_LEVEL, RiskLevel, level_of_intent
from tests.conftest import ROOT

DANGER, EXPLOITATION, NONE = RiskLevel.IMMEDIATE_DANGER, RiskLevel.SEXUAL_EXPLOITATION, RiskLevel.NONE


@pytest.mark.parametrize(
    ("classifier", "matcher", "level", "detectors"),
    [
        (NONE, NONE, NONE, []),
        (EXPLOITATION, NONE, EXPLOITATION, ["classifier"]),
        (NONE, DANGER, DANGER, ["matcher"]),
        (EXPLOITATION, DANGER, DANGER, ["matcher"]),
        (DANGER, EXPLOITATION, DANGER, ["classifier"]),
        (DANGER, DANGER, DANGER, ["classifier", "matcher"]),
    ],
)
def test_the_higher_level_wins_and_names_who_saw_it(classifier, matcher, level, detectors):
    assessment = decide(classifier, matcher)

    assert assessment.level == level
    assert assessment.detectors == detectors


@pytest.mark.parametrize("matcher", list(RiskLevel))
def test_the_phrase_detector_never_lowers_the_classifiers_level(matcher):
    assert decide(RiskLevel.SELF_HARM, matcher).level >= RiskLevel.SELF_HARM


def test_a_disclosure_ranked_second_with_enough_confidence_still_counts():
    ranking = [
        {"name": "ask_meet_online_friend", "confidence": 0.55},
        {"name": "disclose_meetup_planned", "confidence": 0.30},
    ]
    assert classifier_level(ranking) == EXPLOITATION


@pytest.mark.parametrize(
    ("danger_confidence", "level"),
    [(0.04, NONE), (0.06, DANGER)],
    ids=["danger-too-low", "danger-counts-from-0.05"],
)
def test_immediate_danger_counts_from_a_much_lower_confidence_than_other_disclosures(
    danger_confidence, level
):
    ranking = [
        {"name": "ask_meet_online_friend", "confidence": 0.7},
        {"name": "disclose_meetup_planned", "confidence": 0.2},  # below 0.3: never counts
        {"name": "disclose_immediate_danger", "confidence": danger_confidence},
    ]
    assert classifier_level(ranking) == level


def test_fallback_on_top_does_not_hide_a_disclosure_below_it():
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "disclose_immediate_danger", "confidence": 0.4},
    ]
    assert classifier_level(ranking) == DANGER


def test_an_assessment_survives_the_trip_through_the_tracker():
    assessment = decide(EXPLOITATION, DANGER, ["being_followed"])
    assert Assessment.from_dict(assessment.as_dict()) == assessment


def test_every_level_has_a_disclosure_intent_and_every_disclosure_intent_a_level():
    assert set(INTENT_FOR_LEVEL) == set(RiskLevel) - {NONE}
    assert all(level_of_intent(intent) == level for level, intent in INTENT_FOR_LEVEL.items())
    assert all(level is not NONE for level in DISCLOSURE_INTENTS.values())


def test_a_disclosure_close_behind_a_question_counts_even_below_the_usual_confidence():
    # "he'll post my address if i dont do what he says, what do i do": the FallbackClassifier finds
    # the two intents too close to choose, and the disclosure must win rather than "I didn't get that".
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "ask_block_and_report", "confidence": 0.27},
        {"name": "disclose_blackmail", "confidence": 0.24},
    ]
    assert classifier_level(ranking) == EXPLOITATION


def test_a_disclosure_far_behind_a_question_below_the_usual_confidence_does_not_count():
    ranking = [
        {"name": "ask_block_and_report", "confidence": 0.6},
        {"name": "disclose_blackmail", "confidence": 0.2},
    ]
    assert classifier_level(ranking) == NONE


@pytest.mark.parametrize(
    ("risk", "level"),
    [
        ({"none": 0.9, "sexual_exploitation": 0.1}, NONE),
        ({"none": 0.3, "sexual_exploitation": 0.7}, EXPLOITATION),
        ({"none": 0.6, "sexual_exploitation": 0.15, "immediate_danger": 0.25}, DANGER),
        ({"none": 0.85, "immediate_danger": 0.15}, NONE),
        (None, NONE),
    ],
    ids=["harmless", "most-likely-level", "danger-likely-enough", "danger-too-unlikely", "no-risk-head"],
)
def test_the_risk_head_gives_its_most_likely_level_or_danger_when_likely_enough(risk, level):
    assert risk_head_level(risk, danger_min=0.2) == level


def test_a_close_candidate_is_as_close_as_the_fallback_classifiers_ambiguity_rule_says():
    pipeline = yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]
    [fallback] = [component for component in pipeline if component["name"] == "FallbackClassifier"]

    assert fallback["ambiguity_threshold"] == CLOSE_CANDIDATE_MARGIN
