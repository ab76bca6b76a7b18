"""Risk levels, from no concern to immediate danger, and which intent means which level.

Also the labels for a child who hesitates, which the NLU writes into the parse data beside the
risk level. Only labels live here, so the action server and the review app need no spaCy.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class RiskLevel(IntEnum):
    """Ordered by urgency: when two detectors disagree, the higher level wins."""

    NONE = 0
    FRIEND_AT_RISK = 1
    BULLYING = 2
    SEXUAL_EXPLOITATION = 3
    SELF_HARM = 4
    IMMEDIATE_DANGER = 5

    @property
    def label(self) -> str:
        """The name used in slots, events, the evaluation set and the review app."""
        return self.name.lower()

    @classmethod
    def from_label(cls, label: str | None) -> RiskLevel:
        return cls[label.upper()] if label else cls.NONE


# Every disclosure intent in domain.yml and the level it means.
DISCLOSURE_INTENTS: dict[str, RiskLevel] = {
    "disclose_immediate_danger": RiskLevel.IMMEDIATE_DANGER,
    "disclose_self_harm": RiskLevel.SELF_HARM,
    "disclose_asked_for_pictures": RiskLevel.SEXUAL_EXPLOITATION,
    "disclose_received_sexual_content": RiskLevel.SEXUAL_EXPLOITATION,
    "disclose_blackmail": RiskLevel.SEXUAL_EXPLOITATION,
    "disclose_secret_with_adult": RiskLevel.SEXUAL_EXPLOITATION,
    "disclose_gifts_for_favours": RiskLevel.SEXUAL_EXPLOITATION,
    "disclose_adult_pretending_younger": RiskLevel.SEXUAL_EXPLOITATION,
    "disclose_moved_to_private_app": RiskLevel.SEXUAL_EXPLOITATION,
    "disclose_asked_where_they_live": RiskLevel.SEXUAL_EXPLOITATION,
    "disclose_meetup_planned": RiskLevel.SEXUAL_EXPLOITATION,
    "disclose_bullying_threats": RiskLevel.BULLYING,
    "report_friend_at_risk": RiskLevel.FRIEND_AT_RISK,
}

# The intent the NLU sets when only the phrase detector saw a disclosure, so the rule for
# that level answers. Each is also in DISCLOSURE_INTENTS.
INTENT_FOR_LEVEL: dict[RiskLevel, str] = {
    RiskLevel.IMMEDIATE_DANGER: "disclose_immediate_danger",
    RiskLevel.SELF_HARM: "disclose_self_harm",
    RiskLevel.SEXUAL_EXPLOITATION: "disclose_asked_for_pictures",
    RiskLevel.BULLYING: "disclose_bullying_threats",
    RiskLevel.FRIEND_AT_RISK: "report_friend_at_risk",
}


def level_of_intent(intent: str | None) -> RiskLevel:
    return DISCLOSURE_INTENTS.get(intent or "", RiskLevel.NONE)


# The parse-data key for the classifier's risk head: {level label: probability} (classifier.component).
RISK = "risk"


# The parse-data key under which the NLU says a child with no risk shown was hesitating
# (safeguarding/hesitation.py); the "not understood" reply and the review app read it.
HESITATION = "hesitation"


class Hesitation(StrEnum):
    SECRECY = "secrecy"  # asks the bot to keep a secret, or who will see the chat
    HESITATING = "hesitating"  # about to tell, or backing off
