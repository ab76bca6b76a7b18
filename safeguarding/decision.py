"""Which risk level a message gets, from the two independent detectors.

The classifier reads intents; the phrase detector reads words. The phrase detector can only
raise the level, never lower it, and a disclosure the classifier ranks just below its top
intent still counts: for a child in danger, a false alarm costs far less than a miss.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from safeguarding.levels import RiskLevel, level_of_intent

# A disclosure intent anywhere in the classifier's ranking at this confidence or more raises the
# level, so a disclosure ranked just below a question or the fallback is still answered.
# Measured with `make eval` (docs/safeguarding.md): at 0.25 it raised more false alarms on benign
# look-alikes than the disclosures it rescued.
DISCLOSURE_MIN_CONFIDENCE = 0.3
# Immediate danger counts from a much lower confidence: a missed emergency costs far more than a
# 999 answer to a harmless message. Measured 2026-11-25 (docs/safeguarding.md): on the first
# evaluation set, 0.05 catches 59 of 60 danger messages (57 at 0.3) with no more false alarms on
# its 90 benign messages or the 254 benign held-out and nonsense messages; 0.02 starts to raise
# false alarms on both. Re-checked 2026-12-02 over two seeds on the first set and blind sets 1
# and 2: 0.1 misses 7 and 3 more of 165 emergencies; 0.02 catches 2 and 3 more for 2 and 8 more
# false alarms on 222 benign messages.
DANGER_MIN_CONFIDENCE = 0.05

# A disclosure this close to the top intent is one of the "close candidates" for which the
# FallbackClassifier's ambiguity rule (config.yml, ambiguity_threshold) would answer "I didn't get
# that". A message that is both a question and a disclosure ("he'll post my address if i dont do
# what he says, what do i do") must get the disclosure route, so such a disclosure always counts.
CLOSE_CANDIDATE_MARGIN = 0.05

# The risk head of the transformer classifier (classifier.component) gives each level a probability.
# Its most likely level counts, and immediate danger also counts from this probability: a missed
# emergency costs far more than a 999 answer to a harmless message. Chosen on the development set
# (docs/classifier.md).
RISK_HEAD_DANGER_MIN = 0.2

CLASSIFIER = "classifier"
FALLBACK_INTENT = "nlu_fallback"
MATCHER = "matcher"


@dataclass(frozen=True)
class Assessment:
    level: RiskLevel
    classifier_level: RiskLevel
    matcher_level: RiskLevel
    matched_rules: tuple[str, ...] = ()

    @property
    def detectors(self) -> list[str]:
        """The detectors that reported the winning level (empty when there is no concern)."""
        if self.level is RiskLevel.NONE:
            return []
        return [
            name
            for name, level in ((CLASSIFIER, self.classifier_level), (MATCHER, self.matcher_level))
            if level == self.level
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "level": self.level.label,
            "classifier_level": self.classifier_level.label,
            "matcher_level": self.matcher_level.label,
            "detectors": self.detectors,
            "matched_rules": list(self.matched_rules),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Assessment:
        return cls(
            level=RiskLevel.from_label(data.get("level")),
            classifier_level=RiskLevel.from_label(data.get("classifier_level")),
            matcher_level=RiskLevel.from_label(data.get("matcher_level")),
            matched_rules=tuple(data.get("matched_rules", ())),
        )


def classifier_level(
    intent_ranking: Iterable[Mapping[str, Any]],
    min_confidence: float = DISCLOSURE_MIN_CONFIDENCE,
    danger_min_confidence: float = DANGER_MIN_CONFIDENCE,
) -> RiskLevel:
    """The highest level among the top intent, every intent ranked with enough confidence, and
    every intent close to the top one."""
    intent_ranking = list(intent_ranking)
    top = max(
        (entry.get("confidence") or 0.0 for entry in intent_ranking if entry.get("name") != FALLBACK_INTENT),
        default=0.0,
    )
    levels = []
    for position, entry in enumerate(intent_ranking):
        level = level_of_intent(entry.get("name"))
        needed = danger_min_confidence if level is RiskLevel.IMMEDIATE_DANGER else min_confidence
        confidence = entry.get("confidence") or 0.0
        if position == 0 or confidence >= min(needed, top - CLOSE_CANDIDATE_MARGIN):
            levels.append(level)
    return max(levels, default=RiskLevel.NONE)


def risk_head_level(risk: Mapping[str, float] | None, danger_min: float = RISK_HEAD_DANGER_MIN) -> RiskLevel:
    """The level the classifier's risk head reads: its most likely level, or immediate danger when
    that is likely enough."""
    if not risk:
        return RiskLevel.NONE
    probabilities = {RiskLevel.from_label(label): p for label, p in risk.items()}
    most_likely = max(probabilities, key=lambda level: probabilities[level])
    if probabilities.get(RiskLevel.IMMEDIATE_DANGER, 0.0) >= danger_min:
        return RiskLevel.IMMEDIATE_DANGER
    return most_likely


def decide(classifier: RiskLevel, matcher: RiskLevel, matched_rules: Iterable[str] = ()) -> Assessment:
    """The higher of the two levels wins, so the phrase detector can only ever raise it."""
    return Assessment(
        level=max(classifier, matcher),
        classifier_level=classifier,
        matcher_level=matcher,
        matched_rules=tuple(matched_rules),
    )
