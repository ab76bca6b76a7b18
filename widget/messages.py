"""What the page may send and what it gets back: plain checks, kept apart from the server so they
can be tested without one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# The page makes its sender id from 16 bytes of crypto.getRandomValues: 32 hex digits, unguessable.
SENDER_PATTERN = re.compile(r"[0-9a-f]{32}")
# Rasa answers 10,000-character messages well. Longer ones are refused with a clear reason and the
# page keeps the text, so nothing a child wrote is ever cut or dropped without them knowing.
MAX_MESSAGE_CHARACTERS = 10_000


@dataclass(frozen=True)
class ChatMessage:
    sender: str
    message: str


class MessageRefusedError(ValueError):
    """A request the server refuses, with the HTTP status and a code the page can explain."""

    def __init__(self, status: int, code: str, explanation: str) -> None:
        super().__init__(explanation)
        self.status = status
        self.code = code
        self.explanation = explanation


def parse_chat_message(payload: Any) -> ChatMessage:
    """Check one message from the page: a JSON object with a well-formed sender id and some text."""
    if not isinstance(payload, dict):
        raise MessageRefusedError(400, "not_an_object", "Send a JSON object with a sender and a message.")
    sender = payload.get("sender")
    message = payload.get("message")
    if not isinstance(sender, str) or not SENDER_PATTERN.fullmatch(sender):
        raise MessageRefusedError(400, "bad_sender", "The sender must be 32 lower-case hex digits.")
    if not isinstance(message, str) or not message.strip():
        raise MessageRefusedError(400, "empty_message", "The message is empty.")
    if len(message) > MAX_MESSAGE_CHARACTERS:
        raise MessageRefusedError(
            413, "too_long", f"The message is longer than {MAX_MESSAGE_CHARACTERS:,} characters."
        )
    return ChatMessage(sender=sender, message=message)


def replies_for_page(rasa_replies: Any) -> list[dict[str, Any]]:
    """Keep only what the page shows from Rasa's REST replies: text and buttons, all as strings."""
    if not isinstance(rasa_replies, list):
        raise ValueError("Rasa's REST channel answers with a list")
    replies = []
    for reply in rasa_replies:
        if not isinstance(reply, dict):
            continue
        shown: dict[str, Any] = {}
        if isinstance(reply.get("text"), str) and reply["text"]:
            shown["text"] = reply["text"]
        buttons = [
            {"title": button["title"], "payload": button["payload"]}
            for button in reply.get("buttons") or []
            if isinstance(button, dict)
            and isinstance(button.get("title"), str)
            and isinstance(button.get("payload"), str)
        ]
        if buttons:
            shown["buttons"] = buttons
        if shown:
            replies.append(shown)
    return replies
