"""What the bot says when a child discloses something worrying: the route for each risk level.

Each name is a response in domain.yml. Order matters: for immediate danger, 999 comes first.
Every route names 999: an emergency the detectors read as another disclosure still hears it.
"""

from __future__ import annotations

from safeguarding.levels import RiskLevel

ROUTES: dict[RiskLevel, tuple[str, ...]] = {
    RiskLevel.IMMEDIATE_DANGER: (
        "utter_danger_call_999",
        "utter_danger_get_somewhere_safe",
        "utter_not_your_fault",
        "utter_tell_trusted_adult",
        "utter_report_to_ceop_or_childline",
    ),
    RiskLevel.SELF_HARM: (
        "utter_self_harm_thank_you",
        "utter_self_harm_childline",
        "utter_self_harm_samaritans",
        "utter_self_harm_999",
        "utter_tell_trusted_adult",
    ),
    RiskLevel.SEXUAL_EXPLOITATION: (
        "utter_not_your_fault_not_in_trouble",
        "utter_stop_replying_keep_evidence",
        "utter_tell_trusted_adult",
        "utter_report_to_ceop",
        "utter_childline_number",
        # Of the 45 emergencies both detectors missed on blind sets 1-13, 13 were read as this
        # level and 6 as bullying (docs/safeguarding.md).
        "utter_call_999_if_in_danger",
    ),
    RiskLevel.BULLYING: (
        "utter_bullying_not_your_fault",
        "utter_bullying_block_and_report",
        "utter_bullying_keep_evidence",
        "utter_tell_trusted_adult",
        "utter_childline_number",
        "utter_call_999_if_in_danger",
    ),
    RiskLevel.FRIEND_AT_RISK: (
        "utter_friend_right_to_tell",
        "utter_friend_tell_adult_now",
        "utter_friend_report_to_ceop",
        "utter_friend_in_danger_999",
        "utter_childline_number",
    ),
}

# Disclosures where a picture of the child may already be out there.
IMAGE_SHARED_INTENTS = {"disclose_blackmail"}
IMAGE_SHARED_RULES = {"blackmail"}
REPORT_REMOVE = "utter_report_remove_if_shared"
NEXT_STEPS = "utter_disclosure_next_steps"  # buttons: how to report, who to talk to, I'm safe now


def route_for(level: RiskLevel, intent: str | None = None, matched_rules: tuple[str, ...] = ()) -> list[str]:
    """The responses to send, in order, ending with the buttons that let the child go on."""
    if level is RiskLevel.NONE:
        return []
    responses = list(ROUTES[level])
    if level is RiskLevel.SEXUAL_EXPLOITATION and (
        intent in IMAGE_SHARED_INTENTS or IMAGE_SHARED_RULES.intersection(matched_rules)
    ):
        responses.append(REPORT_REMOVE)
    return [*responses, NEXT_STEPS]
