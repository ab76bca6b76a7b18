"""Which risk level wins when the classifier and the phrase detector disagree."""

from __future__ import annotations

import pytest

from safeguarding.decision import Assessment, classifier_level, decide
from safeguarding.levels import DISCLOSURE_INTENTS, INTENT_FOR_LEVEL, RiskLevel, level_of_intent

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
