"""Turns Rasa's stored events into what a counsellor reads: messages, flagged turns and why.

Pure functions over event dictionaries, so they are tested without a database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from safeguarding.levels import HESITATION, Hesitation, RiskLevel

FLAG_SLOT = "safeguarding_flag"  # set by action_respond_to_disclosure (actions/disclosures.py)
HESITATION_NOTES = {
    Hesitation.HESITATING: "Hesitated: seemed about to tell something, or backed off.",
    Hesitation.SECRECY: "Asked the bot to keep a secret, or who will see the chat.",
}
PREVIEW_CHARACTERS = 120
DETECTOR_NAMES = {"classifier": "intent classifier", "matcher": "phrase detector"}


def level_name(level: RiskLevel | int) -> str:
    """How a level reads on a page: "immediate danger"."""
    return RiskLevel(level).label.replace("_", " ")


@dataclass(frozen=True)
class Flag:
    """Why a child's message was flagged, as the safeguarding action recorded it."""

    level: RiskLevel
    detectors: tuple[str, ...] = ()
    matched_rules: tuple[str, ...] = ()
    intent: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Flag:
        return cls(
            level=RiskLevel.from_label(data.get("level")),
            detectors=tuple(data.get("detectors") or ()),
            matched_rules=tuple(data.get("matched_rules") or ()),
            intent=data.get("intent"),
        )

    @property
    def reason(self) -> str:
        """One sentence for the transcript, the export and the printable page."""
        parts = [f"Flagged {level_name(self.level)}"]
        if self.detectors:
            names = " and ".join(DETECTOR_NAMES.get(name, name) for name in self.detectors)
            parts.append(f"by the {names}")
        if self.intent:
            parts.append(f"(intent {self.intent})")
        sentence = " ".join(parts)
        if self.matched_rules:
            sentence += f"; phrase rules matched: {', '.join(self.matched_rules)}"
        return sentence + "."

    def as_dict(self) -> dict[str, Any]:
        return {
            "level": self.level.label,
            "detectors": list(self.detectors),
            "matched_rules": list(self.matched_rules),
            "intent": self.intent,
            "reason": self.reason,
        }


@dataclass
class Turn:
    """One message in the conversation, from the child ("user") or the assistant ("bot")."""

    event_id: int
    sender: str
    text: str
    timestamp: float | None
    intent: str | None = None
    confidence: float | None = None
    buttons: list[str] = field(default_factory=list)
    flag: Flag | None = None
    hesitation: str | None = None  # "hesitating" or "secrecy" (safeguarding/hesitation.py)

    @property
    def hesitation_note(self) -> str | None:
        """What the NLU saw in a child who had not yet said what was wrong."""
        return HESITATION_NOTES.get(self.hesitation or "")

    @property
    def flagged(self) -> bool:
        return self.flag is not None and self.flag.level > RiskLevel.NONE

    def as_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "sender": self.sender,
            "text": self.text,
            "timestamp": self.timestamp,
            "intent": self.intent,
            "confidence": self.confidence,
            "buttons": self.buttons,
            "flag": self.flag.as_dict() if self.flagged else None,
            "hesitation": self.hesitation,
        }


@dataclass(frozen=True)
class Summary:
    """One line of the review list, derived from a conversation's events."""

    level: RiskLevel
    detectors: tuple[str, ...]
    preview: str
    message_count: int


def _assessment_flag(parse_data: dict[str, Any]) -> Flag | None:
    """The NLU's own assessment, for a turn the action did not record (it did not run, or failed)."""
    assessment = parse_data.get("safeguarding") or {}
    if RiskLevel.from_label(assessment.get("level")) is RiskLevel.NONE:
        return None
    return Flag.from_dict({**assessment, "intent": (parse_data.get("intent") or {}).get("name")})


def turns_from_events(events: Iterable[tuple[int, dict[str, Any]]]) -> list[Turn]:
    """Messages in order. A `safeguarding_flag` slot event flags the child's message before it."""
    turns: list[Turn] = []
    last_user: Turn | None = None
    for event_id, event in events:
        kind = event.get("event")
        if kind == "user":
            parse_data = event.get("parse_data") or {}
            intent = parse_data.get("intent") or {}
            last_user = Turn(
                event_id=event_id,
                sender="user",
                text=event.get("text") or "",
                timestamp=event.get("timestamp"),
                intent=intent.get("name"),
                confidence=intent.get("confidence"),
                flag=_assessment_flag(parse_data),
                hesitation=parse_data.get(HESITATION),
            )
            turns.append(last_user)
        elif kind == "bot":
            buttons = (event.get("data") or {}).get("buttons") or []
            turns.append(
                Turn(
                    event_id=event_id,
                    sender="bot",
                    text=event.get("text") or "",
                    timestamp=event.get("timestamp"),
                    buttons=[str(button.get("title", "")) for button in buttons if isinstance(button, dict)],
                )
            )
        elif kind == "slot" and event.get("name") == FLAG_SLOT and isinstance(event.get("value"), dict):
            recorded = Flag.from_dict(event["value"])
            if last_user is not None and (last_user.flag is None or recorded.level >= last_user.flag.level):
                last_user.flag = recorded
    return turns


def one_line(text: str, limit: int = PREVIEW_CHARACTERS) -> str:
    words = " ".join(text.split())
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"


def summarise(turns: list[Turn]) -> Summary:
    """Highest level, the detectors behind it, and a preview: the most worrying message, else the first."""
    child = [turn for turn in turns if turn.sender == "user"]
    flagged = [turn for turn in child if turn.flagged]
    level = max((turn.flag.level for turn in flagged), default=RiskLevel.NONE)
    detectors: list[str] = []
    for turn in flagged:
        if turn.flag.level == level:
            detectors += [name for name in turn.flag.detectors if name not in detectors]
    worst = next((turn for turn in flagged if turn.flag.level == level), None)
    typed = [turn for turn in child if not turn.text.startswith("/")]  # "/intent" is a button press
    first = worst or next(iter(typed or child), None)
    return Summary(
        level=level,
        detectors=tuple(detectors),
        preview=one_line(first.text) if first else "",
        message_count=len(child),
    )
