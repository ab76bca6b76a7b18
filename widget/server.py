"""The page's own server: serves the chat page and carries each message to Rasa's REST channel.

The browser talks to this one origin only, so the Rasa server needs no CORS at all.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import ClientError, ClientSession, ClientTimeout, web

from widget.messages import (
    MAX_MESSAGE_CHARACTERS,
    ChatMessage,
    MessageRefusedError,
    parse_chat_message,
    replies_for_page,
)

STATIC = Path(__file__).resolve().parent / "static"
DEFAULT_TIMEOUT_SECONDS = 20.0
# Room for a 10,000-character message even if every character is JSON-escaped (\uXXXX is 6 bytes).
MAX_REQUEST_BYTES = 8 * 1024 + 6 * MAX_MESSAGE_CHARACTERS

RASA_URL = web.AppKey("rasa_url", str)
TIMEOUT = web.AppKey("timeout", ClientTimeout)
UPSTREAM = web.AppKey("upstream", ClientSession)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}

log = logging.getLogger(__name__)


def problem(status: int, code: str, explanation: str) -> web.Response:
    return web.json_response({"error": code, "explanation": explanation}, status=status)


def same_origin(request: web.Request) -> bool:
    """Browsers send Origin on every POST; a page from any other site may not use this API."""
    origin = request.headers.get("Origin")
    return origin is None or urlsplit(origin).netloc == request.host


async def page(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html")


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


class AssistantUnavailableError(Exception):
    """Rasa is down, too slow, or gave no answer: the page should say so and try again."""


async def ask_rasa(app: web.Application, message: ChatMessage) -> list[dict[str, Any]]:
    """One message to Rasa's REST channel; its replies, as the page shows them."""
    url = f"{app[RASA_URL]}/webhooks/rest/webhook"
    try:
        async with app[UPSTREAM].post(
            url, json={"sender": message.sender, "message": message.message}, timeout=app[TIMEOUT]
        ) as upstream:
            if upstream.status != 200:
                raise AssistantUnavailableError(f"Rasa answered {upstream.status}")
            replies = replies_for_page(await upstream.json(content_type=None))
    except (TimeoutError, ClientError, ValueError) as failure:
        raise AssistantUnavailableError(type(failure).__name__) from failure
    if not replies:
        # This bot answers every message; silence means Rasa has no model loaded, and a child
        # must never be left without an answer.
        raise AssistantUnavailableError("Rasa gave no replies")
    return replies


async def chat(request: web.Request) -> web.Response:
    """POST /api/messages {sender, message} -> {replies: [{text, buttons}]}, or a JSON error."""
    if not same_origin(request):
        return problem(403, "other_origin", "This API answers the chat page only.")
    if request.content_type != "application/json":
        return problem(415, "not_json", "Send JSON.")
    try:
        payload = await request.json()
    except web.HTTPRequestEntityTooLarge:
        return problem(413, "too_long", f"The message is longer than {MAX_MESSAGE_CHARACTERS:,} characters.")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return problem(400, "not_json", "Send JSON.")
    try:
        message = parse_chat_message(payload)
    except MessageRefusedError as invalid:
        return problem(invalid.status, invalid.code, invalid.explanation)

    try:
        replies = await ask_rasa(request.app, message)
    except AssistantUnavailableError as failure:
        # Never log the message itself: only why the assistant could not answer.
        log.warning("Rasa could not answer: %s", failure)
        return problem(503, "assistant_unavailable", "The assistant cannot be reached just now.")
    return web.json_response({"replies": replies})


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.update(SECURITY_HEADERS)
    response.headers["Server"] = "stay-safe-widget"  # not which server software, nor its version
    if request.path.startswith("/api/") or request.path in ("/", "/healthz"):
        # Nothing of a conversation, nor the page that shows it, is kept in the browser's cache.
        response.headers["Cache-Control"] = "no-store"
    else:
        response.headers["Cache-Control"] = "no-cache"


async def upstream_session(app: web.Application) -> AsyncIterator[None]:
    async with ClientSession() as session:
        app[UPSTREAM] = session
        yield


def create_app(rasa_url: str, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS) -> web.Application:
    app = web.Application(client_max_size=MAX_REQUEST_BYTES)
    app[RASA_URL] = rasa_url.rstrip("/")
    app[TIMEOUT] = ClientTimeout(total=timeout_seconds)
    app.cleanup_ctx.append(upstream_session)
    app.on_response_prepare.append(add_security_headers)
    app.router.add_get("/", page)
    app.router.add_get("/healthz", health)
    app.router.add_post("/api/messages", chat)
    app.router.add_static("/static/", STATIC, follow_symlinks=False, show_index=False)
    return app
