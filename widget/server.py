"""The page's own server: serves the chat page and carries each message to the Rasa server's widget
channel (widget/rasa_channel.py).

The browser talks to this one origin only, so the Rasa server needs no CORS at all, and stays on
loopback. This server checks what arrives before Rasa sees it: the origin and Host, the shape of the
message, and how fast one address sends (a flood is answered 429, which the page waits out and retries).
"""

from __future__ import annotations

import ipaddress
import json
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
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

# One address may send this many messages at once, then one every 60/PER_MINUTE seconds. A whole
# class behind one school router shares an address: raise WIDGET_MESSAGES_PER_MINUTE there.
DEFAULT_BURST = 20
DEFAULT_PER_MINUTE = 30
DEFAULT_AT_ONCE = 4  # messages from one address waiting on Rasa at the same time
CHANNEL_PATH = "/webhooks/widget/webhook"

RASA_URL = web.AppKey("rasa_url", str)
TIMEOUT = web.AppKey("timeout", ClientTimeout)
UPSTREAM = web.AppKey("upstream", ClientSession)
SETTINGS = web.AppKey("settings", "WidgetSettings")
LIMITER = web.AppKey("limiter", "Limiter")

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


@dataclass(frozen=True)
class WidgetSettings:
    """Who may reach this server, and how fast. widget/__main__.py reads them from the environment."""

    # Where children open the chat, as the browser sees it ("https://chat.example.org"), when a proxy
    # in front rewrites Host. Unset: the page is where this server listens.
    public_origin: str = ""
    # Host headers answered; empty means: the public origin's, or any for a server on a wildcard address.
    allowed_hosts: frozenset[str] = frozenset()
    burst: int = DEFAULT_BURST
    per_minute: int = DEFAULT_PER_MINUTE
    at_once: int = DEFAULT_AT_ONCE
    # Behind a proxy every request comes from the proxy: then the last X-Forwarded-For address counts.
    behind_proxy: bool = False


def is_loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def hosts_for(bind_host: str, port: int, public_origin: str = "") -> frozenset[str]:
    """The Host headers a page at this address sends; empty (any) for a wildcard address with no origin.

    A loopback server answers only loopback names, so a web page cannot reach it by pointing a name
    of its own at 127.0.0.1 (DNS rebinding).
    """
    if public_origin:
        return frozenset({urlsplit(public_origin).netloc})
    if bind_host in ("", "0.0.0.0", "::"):
        return frozenset()
    names = {"localhost", "127.0.0.1", "[::1]"} if is_loopback(bind_host) else {bind_host}
    return frozenset(names | {f"{name}:{port}" for name in names})


def expected_origin(request: web.Request) -> str:
    settings = request.app[SETTINGS]
    return urlsplit(settings.public_origin).netloc if settings.public_origin else request.host


def same_origin(request: web.Request) -> bool:
    """Browsers send Origin on every POST; a page from any other site may not use this API."""
    origin = request.headers.get("Origin")
    return origin is None or urlsplit(origin).netloc == expected_origin(request)


@web.middleware
async def known_hosts_only(request: web.Request, handler: Any) -> web.StreamResponse:
    allowed = request.app[SETTINGS].allowed_hosts
    if allowed and request.host not in allowed:
        return web.Response(status=400)
    return await handler(request)


@dataclass
class Limiter:
    """A token bucket and a count of waiting requests per address. Written here because the maintained
    library for this (`limits`) needs packaging>=21, and Rasa 3.6 pins packaging below 21."""

    burst: int
    per_minute: int
    at_once: int
    clock: Any = time.monotonic
    buckets: dict[str, tuple[float, float]] = field(default_factory=dict)  # address -> (tokens, when)
    waiting: dict[str, int] = field(default_factory=dict)

    def take(self, address: str) -> bool:
        now = self.clock()
        tokens, then = self.buckets.get(address, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - then) * self.per_minute / 60)
        if tokens < 1 or self.waiting.get(address, 0) >= self.at_once:
            self.buckets[address] = (tokens, now)
            return False
        self.buckets[address] = (tokens - 1, now)
        if len(self.buckets) > 10_000:  # forget addresses whose bucket has filled up again
            full = [key for key, (left, when) in self.buckets.items() if left + (now - when) >= self.burst]
            for key in full:
                del self.buckets[key]
        return True


def client_address(request: web.Request) -> str:
    if request.app[SETTINGS].behind_proxy and request.headers.get("X-Forwarded-For"):
        return request.headers["X-Forwarded-For"].split(",")[-1].strip()
    return request.remote or ""


async def page(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html")


async def health(request: web.Request) -> web.Response:
    """200 when a message could be answered and stored now: Rasa's widget channel is up, and it has
    just read from the tracker store's database."""
    try:
        async with request.app[UPSTREAM].get(
            f"{request.app[RASA_URL]}/webhooks/widget/", timeout=ClientTimeout(total=5)
        ) as upstream:
            checks = await upstream.json(content_type=None) if upstream.status in (200, 503) else {}
    except (TimeoutError, ClientError, ValueError):
        checks = {}
    ok = checks.get("assistant") == "ok" and checks.get("database") == "ok"
    body = {
        "status": "ok" if ok else "unavailable",
        "assistant": checks.get("assistant", "down"),
        "database": checks.get("database", "unknown"),
    }
    return web.json_response(body, status=200 if ok else 503)


class AssistantUnavailableError(Exception):
    """Rasa is down, too slow, gave no answer, or could not store the turn: the page should say so
    and send the message again."""


async def ask_rasa(app: web.Application, message: ChatMessage) -> list[dict[str, Any]]:
    """One message to Rasa's widget channel; its replies, as the page shows them."""
    url = f"{app[RASA_URL]}{CHANNEL_PATH}"
    try:
        async with app[UPSTREAM].post(url, json=message.as_json(), timeout=app[TIMEOUT]) as upstream:
            answer = await upstream.json(content_type=None)
            if upstream.status == 400 and isinstance(answer, dict) and answer.get("error") == "bad_button":
                raise MessageRefusedError(400, "bad_button", "That is not a button the bot offers.")
            if upstream.status != 200 or not isinstance(answer, dict):
                raise AssistantUnavailableError(f"Rasa answered {upstream.status}")
            replies = replies_for_page(answer.get("replies"))
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

    limiter, address = request.app[LIMITER], client_address(request)
    if not limiter.take(address):
        response = problem(429, "too_many", "Too many messages at once. The page will send it again soon.")
        response.headers["Retry-After"] = "5"
        return response
    limiter.waiting[address] = limiter.waiting.get(address, 0) + 1
    try:
        replies = await ask_rasa(request.app, message)
    except MessageRefusedError as invalid:
        return problem(invalid.status, invalid.code, invalid.explanation)
    except AssistantUnavailableError as failure:
        # Never log the message itself: only why the assistant could not answer.
        log.warning("Rasa could not answer: %s", failure)
        return problem(503, "assistant_unavailable", "The assistant cannot be reached just now.")
    finally:
        limiter.waiting[address] -= 1
        if not limiter.waiting[address]:
            del limiter.waiting[address]
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


def create_app(
    rasa_url: str,
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    settings: WidgetSettings | None = None,
) -> web.Application:
    settings = settings or WidgetSettings()
    app = web.Application(client_max_size=MAX_REQUEST_BYTES, middlewares=[known_hosts_only])
    app[RASA_URL] = rasa_url.rstrip("/")
    app[TIMEOUT] = ClientTimeout(total=timeout_seconds)
    app[SETTINGS] = settings
    app[LIMITER] = Limiter(settings.burst, settings.per_minute, settings.at_once)
    app.cleanup_ctx.append(upstream_session)
    app.on_response_prepare.append(add_security_headers)
    app.router.add_get("/", page)
    app.router.add_get("/healthz", health)
    app.router.add_post("/api/messages", chat)
    app.router.add_static("/static/", STATIC, follow_symlinks=False, show_index=False)
    return app
