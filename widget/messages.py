"""What the page may send and what it gets back: plain checks, kept apart from the servers so they
can be tested without one. The Rasa channel (widget/rasa_channel.py) checks the same things again."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# The page makes its sender id from 16 bytes of crypto.getRandomValues: 32 hex digits, unguessable.
SENDER_PATTERN = re.compile(r"[0-9a-f]{32}")
# Rasa answers 10,000-character messages well. Longer ones are refused with a clear reason and the
# page keeps the text, so nothing a child wrote is ever cut or dropped without them knowing.
MAX_MESSAGE_CHARACTERS = 10_000
# The page numbers its messages 0, 1, 2 ... within a conversation and keeps each number until the
# message is answered, so a message sent again is known as the same message and stored once.
MAX_MESSAGE_ID = 2**53 - 1  # the largest whole number JavaScript counts exactly
# A button's payload names an intent ("/ask_safety_tips"); what may be sent is checked by the channel.
BUTTON_PATTERN = re.compile(r"/[a-z_]{1,64}")


@dataclass(frozen=True)
class ChatMessage:
    """One message: typed `text`, or the payload of a `button` the bot offered; never both."""

    sender: str
    message_id: int
    text: str | None = None
    button: str | None = None
    resend: bool = False

    def as_json(self) -> dict[str, Any]:
        said = {"message": self.text} if self.text is not None else {"button": self.button}
        return {"sender": self.sender, "id": self.message_id, **said, "resend": self.resend}


class MessageRefusedError(ValueError):
    """A request the server refuses, with the HTTP status and a code the page can explain."""

    def __init__(self, status: int, code: str, explanation: str) -> None:
        super().__init__(explanation)
        self.status = status
        self.code = code
        self.explanation = explanation


def parse_chat_message(payload: Any) -> ChatMessage:
    """Check one message from the page: a JSON object with a well-formed sender id, the page's
    number for the message, and either some typed text or a button's payload."""
    if not isinstance(payload, dict):
        raise MessageRefusedError(400, "not_an_object", "Send a JSON object with a sender and a message.")
    sender = payload.get("sender")
    if not isinstance(sender, str) or not SENDER_PATTERN.fullmatch(sender):
        raise MessageRefusedError(400, "bad_sender", "The sender must be 32 lower-case hex digits.")
    message_id = payload.get("id")
    if type(message_id) is not int or not 0 <= message_id <= MAX_MESSAGE_ID:
        raise MessageRefusedError(400, "bad_id", "Each message needs the page's number for it.")
    resend = payload.get("resend", False) is True
    if "button" in payload:
        button = payload["button"]
        if "message" in payload or not isinstance(button, str) or not BUTTON_PATTERN.fullmatch(button):
            raise MessageRefusedError(400, "bad_button", "That is not a button the bot offers.")
        return ChatMessage(sender, message_id, button=button, resend=resend)
    text = payload.get("message")
    if not isinstance(text, str) or not text.strip():
        raise MessageRefusedError(400, "empty_message", "The message is empty.")
    if len(text) > MAX_MESSAGE_CHARACTERS:
        raise MessageRefusedError(
            413, "too_long", f"The message is longer than {MAX_MESSAGE_CHARACTERS:,} characters."
        )
    return ChatMessage(sender, message_id, text=text, resend=resend)


def replies_for_page(rasa_replies: Any) -> list[dict[str, Any]]:
    """Keep only what the page shows from Rasa's replies: text and buttons, all as strings."""
    if not isinstance(rasa_replies, list):
        raise ValueError("Rasa's channel answers with a list")
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
