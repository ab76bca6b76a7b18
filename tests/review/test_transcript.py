"""What a counsellor reads, from stored events: pure functions, no database."""

from __future__ import annotations

from review.transcript import summarise, turns_from_events
from safeguarding.levels import RiskLevel


def user(text: str, level: str = "none", intent: str = "chitchat_greet") -> dict:
    assessment = {"level": level, "detectors": ["matcher"] if level != "none" else [], "matched_rules": []}
    return {
        "event": "user",
        "text": text,
        "parse_data": {"intent": {"name": intent}, "safeguarding": assessment},
    }


def test_the_nlu_assessment_flags_a_message_the_action_did_not_record():
    [turn] = turns_from_events([(1, user("hes outside", "immediate_danger"))])
    assert (
        turn.flagged
        and turn.flag.reason == "Flagged immediate danger by the phrase detector (intent chitchat_greet)."
    )


def test_the_flag_slot_belongs_to_the_message_before_it():
    events = [
        (1, user("hi")),
        (2, user("they said they will hurt me")),
        (
            3,
            {
                "event": "slot",
                "name": "safeguarding_flag",
                "value": {"level": "bullying", "detectors": ["classifier"]},
            },
        ),
        (4, user("ok")),
    ]
    assert [turn.flagged for turn in turns_from_events(events)] == [False, True, False]


def test_the_preview_is_the_most_worrying_message_on_one_line_and_skips_button_presses():
    worrying = summarise(
        turns_from_events([(1, user("hi")), (2, user("i want to\nhurt myself", "self_harm"))])
    )
    assert (worrying.level, worrying.preview, worrying.detectors) == (
        RiskLevel.SELF_HARM,
        "i want to hurt myself",
        ("matcher",),
    )
    pressed = summarise(turns_from_events([(1, user("/ask_report")), (2, user("x" * 300))]))
    assert pressed.preview == "x" * 119 + "…" and pressed.level is RiskLevel.NONE


def test_a_hesitation_the_nlu_saw_is_kept_for_the_counsellor():
    event = user("never mind")
    event["parse_data"]["hesitation"] = "hesitating"
    [turn] = turns_from_events([(1, event)])
    assert not turn.flagged
    assert turn.hesitation_note.startswith("Hesitated")
    assert turn.as_dict()["hesitation"] == "hesitating"
    assert turns_from_events([(1, user("hi"))])[0].hesitation_note is None
