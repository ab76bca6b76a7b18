"""The chat page's own channel into the Rasa server (credentials.yml: widget.rasa_channel.WidgetInput).

The widget's server posts each message here, and only here. Unlike Rasa's REST channel, a turn that is
not stored fails: the page is answered 503, keeps the text and sends it again. Three rules make that safe:

- A failed read or save raises. Rasa wraps every tracker store in a FailSafeTrackerStore, which only
  logs a failed save (the child's words are then lost at the next restart) and answers a failed read
  with an empty conversation. The wrapper is taken off the agent, so the turn fails instead.
- A message sent again is stored once. Each message carries the page's number for it as Rasa's
  message_id. When the page sends a message again, the stored conversation is read first, under the
  conversation's lock: if the message is there (the first try was stored but its answer was lost on
  the way), its stored replies are sent back and nothing is added.
- Typed text never chooses an intent. Rasa reads a message starting with "/" as an intent name; here
  only a button's payload may, and only a payload of a button in domain.yml.

If the action server is down, a turn can end with no reply at all. Then the Rasa server answers itself,
from domain.yml, 999 first, and stores those replies with the turn.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from widget.messages import ChatMessage, MessageRefusedError, parse_chat_message

log = logging.getLogger(__name__)

# The page asks for the bot's welcome with this payload (widget/static/chat.js).
WELCOME_PAYLOAD = "/chitchat_greet"
# What the Rasa server says itself when a turn ended without a reply (the action server is down).
NO_REPLY_RESPONSES = (
    "utter_call_999_if_in_danger",
    "utter_cannot_answer_fully",
    "utter_talk_to_a_real_person",
)
# Rasa reads text starting with "/" as an intent. A zero-width space in front (invisible to a reader)
# makes typed text like "/disclose_immediate_danger" plain words that the NLU reads like any other.
TYPED_SLASH_GUARD = "\u200b"
# The health check reads this conversation, which never exists (the page's ids are 32 hex digits).
HEALTH_CHECK_SENDER = "health-check"


class TurnNotStoredError(Exception):
    """The conversation could not be read or saved: the page must send the message again."""


def fail_loudly(agent: Agent) -> None:
    """Take Rasa's FailSafeTrackerStore off the agent, so a failed read or save raises."""
    store = agent.tracker_store
    if isinstance(store, FailSafeTrackerStore):
        inner = store._tracker_store  # the configured store; Rasa offers no public way to reach it
        agent.tracker_store = inner
        if agent.processor is not None:
            agent.processor.tracker_store = inner


def button_payloads(domain: Domain) -> frozenset[str]:
    """Every payload a button in domain.yml can send, and the page's request for the welcome."""
    payloads = {WELCOME_PAYLOAD}
    for variations in domain.responses.values():
        for variation in variations:
            for button in variation.get("buttons") or []:
                payloads.add(button.get("payload", ""))
    return frozenset(payloads)


def text_for_rasa(message: ChatMessage) -> str:
    if message.button is not None:
        return message.button
    text = message.text or ""
    return TYPED_SLASH_GUARD + text if text.lstrip().startswith("/") else text


def stored_replies(tracker: DialogueStateTracker | None, message_id: str) -> list[dict[str, Any]] | None:
    """The replies stored after the message with this id, as they were sent; None if it is not stored."""
    if tracker is None:
        return None
    replies: list[dict[str, Any]] | None = None
    for event in tracker.events:
        if isinstance(event, UserUttered):
            if replies is not None:
                break
            if event.message_id == message_id:
                replies = []
        elif isinstance(event, BotUttered) and replies is not None:
            replies.append({"text": event.text, "buttons": event.data.get("buttons")})
    return replies


def no_reply_answer(domain: Domain) -> list[BotUttered]:
    return [
        BotUttered(domain.responses[name][0]["text"], metadata={"utter_action": name})
        for name in NO_REPLY_RESPONSES
        if domain.responses.get(name)
    ]


class WidgetInput(InputChannel):
    def __init__(self) -> None:
        self._offered: tuple[Domain, frozenset[str]] | None = None

    def offered(self, domain: Domain) -> frozenset[str]:
        """button_payloads, worked out once per loaded domain (Rasa's Domain hashes by fingerprint,
        which costs more than the work it would save)."""
        if self._offered is None or self._offered[0] is not domain:
            self._offered = (domain, button_payloads(domain))
        return self._offered[1]

    @classmethod
    def name(cls) -> str:
        return "widget"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint("widget_webhook", __name__)

        @hook.listener("after_server_start")
        async def no_silent_loss(app: Any, _loop: Any) -> None:
            # The agent is loaded before the server starts: from the first message on, on every
            # channel, a failed save fails loudly (the widget channel checks again on each turn).
            agent = getattr(app.ctx, "agent", None)
            if agent is not None:
                fail_loudly(agent)

        @hook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            """Ready to answer and store a turn now: a model is loaded and the database answers."""
            agent: Agent | None = getattr(request.app.ctx, "agent", None)
            if agent is None or not agent.is_ready():
                return response.json({"assistant": "loading", "database": "unknown"}, status=503)
            fail_loudly(agent)
            try:
                await agent.tracker_store.retrieve(HEALTH_CHECK_SENDER)
            except Exception as failure:  # noqa: BLE001 - any failure means a turn could not be stored
                log.error("The tracker store did not answer the health check: %s", type(failure).__name__)
                return response.json({"assistant": "ok", "database": "down"}, status=503)
            return response.json({"assistant": "ok", "database": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                message = parse_chat_message(request.json)
            except MessageRefusedError as refused:
                return response.json({"error": refused.code}, status=refused.status)
            except Exception:  # noqa: BLE001 - Sanic raises its own errors for a body that is not JSON
                return response.json({"error": "not_json"}, status=400)
            agent: Agent | None = getattr(request.app.ctx, "agent", None)
            if agent is None or not agent.is_ready():
                return response.json({"error": "not_ready"}, status=503)
            if message.button is not None and message.button not in self.offered(agent.domain):
                return response.json({"error": "bad_button"}, status=400)
            try:
                replies = await self.answer(agent, message)
            except TurnNotStoredError as failure:
                # Never log what the child wrote, nor an error that may quote it: only what failed.
                log.error("A turn was not stored and will be sent again by the page: %s", failure)
                return response.json({"error": "not_stored"}, status=503)
            return response.json({"replies": replies})

        return hook

    async def answer(self, agent: Agent, message: ChatMessage) -> list[dict[str, Any]]:
        fail_loudly(agent)
        async with agent.lock_store.lock(message.sender):
            try:
                return await self.turn(agent, message)
            except Exception as failure:  # noqa: BLE001 - whatever failed, this turn was not stored whole
                raise TurnNotStoredError(type(failure).__name__) from failure

    async def turn(self, agent: Agent, message: ChatMessage) -> list[dict[str, Any]]:
        """One turn, under the conversation's lock: replies already stored for a message sent again,
        else the NLU, the policies and the actions, stored before the replies go back."""
        message_id = str(message.message_id)
        if message.resend:
            earlier = stored_replies(await agent.processor.tracker_store.retrieve(message.sender), message_id)
            if earlier is not None:
                return earlier or [{"text": said.text} for said in no_reply_answer(agent.domain)]
        collector = CollectingOutputChannel()
        said = UserMessage(
            text_for_rasa(message), collector, message.sender, input_channel="widget", message_id=message_id
        )
        await agent.processor.handle_message(said)
        return collector.messages or await answer_without_actions(agent, message.sender)


async def answer_without_actions(agent: Agent, sender: str) -> list[dict[str, Any]]:
    """The turn ended with no reply: add the Rasa server's own answer to it, and store that too."""
    store = agent.processor.tracker_store
    tracker = await store.retrieve(sender)
    if tracker is None:
        raise LookupError("the turn was not found after it was saved")
    said = no_reply_answer(agent.domain)
    for event in said:
        tracker.update(event)
    await store.save(tracker)
    return [{"text": event.text} for event in said]
