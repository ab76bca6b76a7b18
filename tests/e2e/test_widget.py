"""The chat page young people use, driven in a real headless Chromium against the real servers,
and the page server's own checks with aiohttp's test client."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
import socket
import socketserver
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from axe_playwright_python.sync_playwright import Axe
from multidict import CIMultiDict
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Request, expect

from launcher.services import ROOT, Settings, running, widget_service
from tests.e2e.conftest import free_port
from widget.messages import MAX_MESSAGE_CHARACTERS, MessageRefusedError, parse_chat_message, replies_for_page
from widget.server import WidgetSettings, create_app, hosts_for

NEUTRAL_URL = "https://www.bbc.co.uk/weather"
START_URL = "https://search.example/results"  # where a child might have come from
SENDER = "0123456789abcdef0123456789abcdef"
HI = {"sender": SENDER, "id": 1, "message": "hi"}
LOGS = ROOT / "results" / "e2e-logs"
SCREENSHOTS = ROOT / "results" / "screenshots"
ANSWER_SECONDS = 30


class Relay:
    """A TCP relay on a fixed port to the real Rasa server. Until start() the port is closed, so a
    widget pointed at it finds Rasa down; after start() Rasa is back. `delay` makes it slow."""

    def __init__(self, port: int, target_port: int) -> None:
        self.port = port
        self.target_port = target_port
        self.delay = 0.0
        self.server: socketserver.ThreadingTCPServer | None = None

    def start(self) -> None:
        relay = self

        class Connection(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                with socket.create_connection(("127.0.0.1", relay.target_port)) as upstream:
                    back = threading.Thread(target=copy, args=(upstream, self.request, 0.0), daemon=True)
                    back.start()
                    copy(self.request, upstream, relay.delay)
                    back.join(timeout=5)

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", self.port), Connection)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


def copy(source: socket.socket, destination: socket.socket, delay: float) -> None:
    try:
        while chunk := source.recv(65536):
            time.sleep(delay)
            destination.sendall(chunk)
        destination.shutdown(socket.SHUT_WR)
    except OSError:
        pass


# --- fixtures: the widget's server in front of the real Rasa server, and one in front of a relay ---


@pytest.fixture(scope="module")
def widget(servers: Settings) -> Iterator[Settings]:
    settings = dataclasses.replace(servers, widget_port=free_port())
    with running([widget_service(settings)], settings, log_dir=LOGS):
        yield settings


@pytest.fixture(scope="module")
def relay(servers: Settings) -> Iterator[Relay]:
    relay = Relay(free_port(), servers.rasa_port)
    yield relay
    relay.stop()


@pytest.fixture(scope="module")
def widget_behind_relay(servers: Settings, relay: Relay) -> Iterator[Settings]:
    """A second page server whose Rasa URL is the relay's port: closed until the relay starts."""
    settings = dataclasses.replace(servers, widget_port=free_port(), rasa_port=relay.port)
    # Ready when it serves the page: its health check says Rasa is down, as it is until the relay starts.
    service = dataclasses.replace(
        widget_service(settings), name="widget-behind-relay", ready_url=f"{settings.widget_url}/"
    )
    with running([service], settings, log_dir=LOGS):
        yield settings


def new_context(browser: Browser, base_url: str, **options: Any) -> BrowserContext:
    """A fresh browser profile in which the neutral site and a search page answer from the test
    (the network is closed here), so quick exit can be followed."""
    context = browser.new_context(base_url=base_url, **options)
    context.route(
        f"{NEUTRAL_URL}**",
        lambda route: route.fulfill(content_type="text/html", body="<title>Weather</title><h1>Weather</h1>"),
    )
    context.route(
        f"{START_URL}**",
        lambda route: route.fulfill(content_type="text/html", body="<title>Search</title><h1>Results</h1>"),
    )
    return context


@pytest.fixture
def context(browser: Browser, widget: Settings) -> Iterator[BrowserContext]:
    context = new_context(browser, widget.widget_url)
    yield context
    context.close()


@pytest.fixture
def requests_made(context: BrowserContext) -> list[Request]:
    made: list[Request] = []
    context.on("request", lambda request: made.append(request))
    return made


@pytest.fixture
def page(context: BrowserContext) -> Page:
    page = context.new_page()
    open_chat(page)
    return page


# --- what a child sees ---


def open_chat(page: Page, url: str = "/") -> None:
    page.goto(url)
    expect(bot_messages(page).first).to_contain_text("not a real person", timeout=ANSWER_SECONDS * 1000)


def bot_messages(page: Page) -> Locator:
    return page.locator("#messages li.bot")


def conversation(page: Page) -> list[tuple[str, str]]:
    """Who said what, in order, as the page shows it (without the words only screen readers hear)."""
    said = page.eval_on_selector_all(
        "#messages li",
        """items => items.map(item => {
            const bubble = item.querySelector('.bubble');
            const shown = bubble ? bubble.cloneNode(true) : document.createElement('p');
            shown.querySelectorAll('.visually-hidden').forEach(hidden => hidden.remove());
            return [item.classList.contains('bot') ? 'bot' : 'child', shown.textContent];
        })""",
    )
    return [(who, text) for who, text in said]


def answers_to(page: Page, send: Callable[[], None]) -> list[str]:
    """Do something that sends a message, wait for the bot, and return the bot's new messages."""
    before = bot_messages(page).count()
    send()
    page.wait_for_function(
        "count => document.querySelectorAll('#messages li.bot').length > count",
        arg=before,
        timeout=ANSWER_SECONDS * 1000,
    )
    return bot_messages(page).all_inner_texts()[before:]


def ask(page: Page, text: str) -> list[str]:
    def type_and_send() -> None:
        page.get_by_label("Type your message to the bot").fill(text)
        page.get_by_role("button", name="Send").click()

    return answers_to(page, type_and_send)


def stored(page: Page) -> dict[str, Any]:
    return page.evaluate(
        "() => ({session: {...sessionStorage}, local: localStorage.length, cookie: document.cookie})"
    )


e2e = pytest.mark.e2e  # the browser tests; the page server's own checks at the end need no servers


@e2e
def test_the_welcome_says_it_is_a_bot_and_offers_topics_as_buttons(page):
    expect(page.locator("header")).to_contain_text("This is a bot, not a person")
    welcome = " ".join(bot_messages(page).all_inner_texts())

    assert "not a real person" in welcome
    assert "999" in welcome
    expect(page.locator("#messages .choices button").first).to_be_visible()
    log = page.get_by_role("log", name="Conversation with the Stay Safe bot")
    expect(log).to_have_attribute("aria-live", "polite")  # screen readers read each new message
    expect(log).to_contain_text("not a real person")
    assert [who for who, _ in conversation(page)] == ["bot"] * bot_messages(page).count(), "no /greet bubble"
    assert "/" not in page.locator("#messages").inner_text().replace("https://", "")


@e2e
def test_a_question_gets_its_answer(page):
    answer = " ".join(ask(page, "how do i make my tiktok private so randoms cant see")).lower()

    assert "private" in answer
    assert ("child", "how do i make my tiktok private so randoms cant see") in conversation(page)


@e2e
def test_immediate_danger_is_answered_first_with_999(page):
    replies = ask(page, "theres a man outside my house and im scared")

    assert "999" in replies[0]


@e2e
def test_a_button_sends_its_payload_and_shows_its_title(page):
    def click_topic() -> None:
        page.locator("#messages .choices").get_by_role("button", name="Blocking and reporting").click()

    replies = answers_to(page, click_topic)

    assert "block" in " ".join(replies).lower()
    children = [text for who, text in conversation(page) if who == "child"]
    assert children == ["Blocking and reporting"]


@e2e
def test_links_and_phone_numbers_are_made_into_links_and_markup_stays_text(page):
    ask(page, "how do i contact childline")  # Childline's number and web address

    expect(page.locator('#messages a[href="tel:08001111"]').first).to_be_visible()
    web_link = page.locator('#messages a[href="https://www.childline.org.uk/"]').first
    expect(web_link).to_have_attribute("rel", "noopener noreferrer")

    markup = "<img src=x onerror=\"document.title='owned'\"><b>hi</b>"
    ask(page, markup)
    assert page.locator("#messages img, #messages b").count() == 0
    assert ("child", f"{markup}") in conversation(page)
    assert page.title() == "Stay Safe bot"


@e2e
def test_the_conversation_survives_a_reload_in_the_same_tab(page, requests_made):
    ask(page, "what is grooming")
    before = conversation(page)
    sender = json.loads(stored(page)["session"]["stay-safe-chat"])["sender"]
    posts_before = len([request for request in requests_made if request.method == "POST"])

    page.reload()

    expect(bot_messages(page)).to_have_count(len([who for who, _ in before if who == "bot"]))
    assert conversation(page) == before
    assert json.loads(stored(page)["session"]["stay-safe-chat"])["sender"] == sender
    posts_after = len([request for request in requests_made if request.method == "POST"])
    assert posts_after == posts_before, "a reload does not send the welcome again"


@e2e
@pytest.mark.parametrize("how", ["button", "escape"])
def test_quick_exit_leaves_at_once_for_a_neutral_site_and_leaves_nothing_behind(context, how):
    page = context.new_page()
    page.goto(START_URL)
    open_chat(page)
    ask(page, "someone online keeps asking me for pics")
    page.get_by_label("Type your message to the bot").fill("half a message I was writing")
    assert stored(page)["session"], "the conversation is kept in the tab while it is open"

    if how == "button":
        page.get_by_role("button", name="Quick exit").click()
    else:
        page.keyboard.press("Escape")
    page.wait_for_url(f"{NEUTRAL_URL}**")

    page.go_back()
    assert page.url == START_URL, "the chat is not in the tab's back history"
    page.goto("/healthz")  # the widget's origin, in the same tab, without the chat page's script
    assert stored(page) == {"session": {}, "local": 0, "cookie": ""}
    assert context.cookies() == []
    open_chat(page)
    assert "pics" not in page.locator("#messages").inner_text()
    assert page.get_by_label("Type your message to the bot").input_value() == ""


@e2e
def test_start_again_clears_the_conversation(page):
    ask(page, "how do i spot a fake profile")
    old_sender = json.loads(stored(page)["session"]["stay-safe-chat"])["sender"]

    page.get_by_role("button", name="Start again").click()
    expect(bot_messages(page).first).to_contain_text("not a real person", timeout=ANSWER_SECONDS * 1000)

    assert all(who == "bot" for who, _ in conversation(page))
    kept = stored(page)["session"]["stay-safe-chat"]
    assert "fake profile" not in kept
    assert json.loads(kept)["sender"] != old_sender


@e2e
def test_a_keyboard_alone_can_write_and_send(page):
    for _ in range(30):
        if page.evaluate("document.activeElement.id") == "message":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "message"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused box is visibly marked"

    page.keyboard.type("how do i block")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("someone on snapchat")
    replies = answers_to(page, lambda: page.keyboard.press("Enter"))

    assert replies
    assert ("child", "how do i block\nsomeone on snapchat") in conversation(page)
    assert page.evaluate("document.activeElement.id") == "message"


@e2e
def test_the_page_talks_only_to_its_own_origin_over_the_rest_path(browser, widget):
    context = new_context(browser, widget.widget_url)
    made: list[Request] = []
    context.on("request", lambda request: made.append(request))
    first, second = context.new_page(), context.new_page()
    open_chat(first)
    open_chat(second)
    ask(first, "whats a strong password")
    senders = [
        json.loads(tab.evaluate("sessionStorage.getItem('stay-safe-chat')"))["sender"]
        for tab in (first, second)
    ]
    context.close()

    assert {request.url.split("/")[2] for request in made} == {widget.widget_url.split("/")[2]}
    posts = [request for request in made if request.method == "POST"]
    assert {request.url for request in posts} == {f"{widget.widget_url}/api/messages"}
    assert not any("socket.io" in request.url for request in made)
    assert all(re.fullmatch(r"[0-9a-f]{32}", sender) for sender in senders)
    assert senders[0] != senders[1], "each tab is its own conversation with its own random id"
    assert {json.loads(request.post_data)["sender"] for request in posts} == set(senders)


@e2e
def test_when_rasa_is_down_the_child_is_told_and_nothing_written_is_lost(browser, widget_behind_relay, relay):
    context = new_context(browser, widget_behind_relay.widget_url)
    page = context.new_page()
    page.goto("/")
    problem = page.get_by_role("alert")
    expect(problem).to_contain_text("can't be reached")
    expect(problem).to_contain_text("999")

    question = "how do i make my insta private"
    page.get_by_label("Type your message to the bot").fill(question)
    page.keyboard.press("Enter")
    written = page.locator("#messages li.child")
    expect(written).to_contain_text(question)
    expect(written).to_contain_text("Not sent yet")
    page.reload()  # still there after a reload while the bot is away
    expect(page.locator("#messages li.child")).to_contain_text(question)

    relay.start()
    relay.delay = 1.5  # a slow link, so the typing indicator can be seen
    page.get_by_role("button", name="Try again now").click()
    expect(page.locator("#typing")).to_be_visible()
    expect(page.locator("#typing")).to_contain_text("typing")
    expect(bot_messages(page).first).to_contain_text("not a real person", timeout=ANSWER_SECONDS * 1000)
    page.wait_for_function(
        "() => document.querySelector('#messages li.child').nextElementSibling !== null",
        timeout=ANSWER_SECONDS * 1000,
    )  # the answer, after the question
    relay.delay = 0.0

    said = conversation(page)
    asked_at = said.index(("child", f"{question}"))
    assert all(who == "bot" for who, _ in said[:asked_at]), "the welcome came first, as it was asked first"
    assert "private" in " ".join(text for _, text in said[asked_at + 1 :]).lower()
    expect(problem).to_be_hidden()
    expect(page.locator("#messages li.child .delivery")).to_be_hidden()
    expect(page.locator("#typing")).to_be_hidden()
    context.close()


@e2e
def test_on_a_phone_it_fits_the_screen_and_quick_exit_stays_in_view(browser, widget):
    context = new_context(
        browser, widget.widget_url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    open_chat(page)
    ask(page, "is it safe to meet someone i met online")
    ask(page, "what number is childline")

    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], "no sideways scrolling"
    expect(page.get_by_role("button", name="Quick exit")).to_be_in_viewport()
    expect(page.get_by_label("Type your message to the bot")).to_be_in_viewport()
    font_size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.bubble')).fontSize)")
    assert font_size >= 16
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)  # the README's picture: docs/images/
    page.screenshot(path=str(SCREENSHOTS / "widget-phone.png"), type="png")
    context.close()


@e2e
@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 800}])
def test_axe_finds_no_wcag_a_or_aa_problem_on_a_phone_or_a_desktop(browser, widget, viewport):
    context = new_context(browser, widget.widget_url, viewport=viewport)
    page = context.new_page()
    open_chat(page)
    ask(page, "what number is childline")  # a reply with links and a phone number

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}},
    )
    context.close()

    problems = [(rule["id"], rule["help"]) for rule in results.response["violations"]]
    assert problems == []


# --- the page server's own checks, without a browser: aiohttp's test client, Rasa really down ---


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ([], 400, "not_an_object"),
        ({"id": 1, "message": "hi"}, 400, "bad_sender"),
        ({"sender": "child-1", "id": 1, "message": "hi"}, 400, "bad_sender"),
        ({"sender": SENDER.upper(), "id": 1, "message": "hi"}, 400, "bad_sender"),
        ({"sender": SENDER + "0", "id": 1, "message": "hi"}, 400, "bad_sender"),
        ({"sender": SENDER, "message": "hi"}, 400, "bad_id"),
        ({"sender": SENDER, "id": "1", "message": "hi"}, 400, "bad_id"),
        ({"sender": SENDER, "id": -1, "message": "hi"}, 400, "bad_id"),
        ({"sender": SENDER, "id": True, "message": "hi"}, 400, "bad_id"),
        ({"sender": SENDER, "id": 1, "message": "   "}, 400, "empty_message"),
        ({"sender": SENDER, "id": 1, "message": 42}, 400, "empty_message"),
        ({"sender": SENDER, "id": 1, "message": "x" * (MAX_MESSAGE_CHARACTERS + 1)}, 413, "too_long"),
        ({"sender": SENDER, "id": 1, "button": "ask_safety_tips"}, 400, "bad_button"),
        ({"sender": SENDER, "id": 1, "button": '/ask_tips{"x": 1}'}, 400, "bad_button"),
        ({"sender": SENDER, "id": 1, "button": "/ask_safety_tips", "message": "hi"}, 400, "bad_button"),
    ],
)
def test_a_bad_request_is_refused_with_a_reason(payload, status, code):
    with pytest.raises(MessageRefusedError) as refused:
        parse_chat_message(payload)

    assert (refused.value.status, refused.value.code) == (status, code)


def test_a_message_of_the_largest_size_is_kept_whole():
    message = "help " * (MAX_MESSAGE_CHARACTERS // 5)

    assert parse_chat_message({"sender": SENDER, "id": 7, "message": message}).text == message


def test_only_text_and_buttons_reach_the_page():
    rasa_replies = [
        {"recipient_id": SENDER, "text": "Hi", "image": "https://tracker.example/pixel.gif"},
        {"recipient_id": SENDER, "buttons": [{"title": "Tips", "payload": "/ask_safety_tips"}, {"title": 3}]},
        {"recipient_id": SENDER, "custom": {"anything": True}},
    ]

    assert replies_for_page(rasa_replies) == [
        {"text": "Hi"},
        {"buttons": [{"title": "Tips", "payload": "/ask_safety_tips"}]},
    ]


@dataclasses.dataclass
class Answer:
    status: int
    headers: CIMultiDict[str]
    body: Any


def in_own_thread(scenario: Coroutine[Any, Any, Answer]) -> Answer:
    """Run on an event loop of its own: Playwright's sync API keeps one running on this thread
    while the session's browser is open, and asyncio allows one loop a thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, scenario).result()


async def ask_page_server(
    rasa_url: str,
    method: str,
    path: str,
    settings: WidgetSettings | None = None,
    times: int = 1,
    **options: Any,
) -> Answer:
    """Requests to the page's server (create_app, under aiohttp's test server); the last one's answer."""
    async with TestClient(TestServer(create_app(rasa_url, 0.5, settings))) as client:
        for _ in range(times):
            response = await client.request(method, path, **options)
        is_json = response.content_type == "application/json"
        body = await response.json() if is_json else await response.text()
        return Answer(response.status, CIMultiDict(response.headers), body)


def call_without_rasa(method: str, path: str, **options: Any) -> Answer:
    """The page's server with its Rasa URL on a closed port: Rasa really down."""
    return in_own_thread(ask_page_server(f"http://127.0.0.1:{free_port()}", method, path, **options))


@dataclasses.dataclass
class FakeRasa:
    """Stands in for Rasa's widget channel where the real one cannot show a case (no replies, slowness)."""

    replies: list[dict[str, Any]]
    delay: float = 0.0
    received: list[dict[str, Any]] = dataclasses.field(default_factory=list)

    async def webhook(self, request: web.Request) -> web.Response:
        self.received.append(await request.json())
        await asyncio.sleep(self.delay)
        return web.json_response({"replies": self.replies})

    def call(self, method: str, path: str, **options: Any) -> Answer:
        async def scenario() -> Answer:
            rasa = web.Application()
            rasa.router.add_post("/webhooks/widget/webhook", self.webhook)
            async with TestServer(rasa) as server:
                return await ask_page_server(str(server.make_url("")), method, path, **options)

        return in_own_thread(scenario())


def no_cors(headers: CIMultiDict[str]) -> bool:
    return not [name for name in headers if name.lower().startswith("access-control-")]


def test_when_rasa_is_down_the_api_answers_503_in_json_and_nothing_is_cached():
    answer = call_without_rasa("POST", "/api/messages", json=HI)

    assert answer.status == 503
    assert answer.body["error"] == "assistant_unavailable"
    assert answer.headers["Cache-Control"] == "no-store"
    assert no_cors(answer.headers)


def test_a_message_is_carried_whole_and_only_text_and_buttons_come_back():
    rasa = FakeRasa(replies=[{"recipient_id": SENDER, "text": "Hi! I'm a bot.", "custom": {"x": 1}}])
    message = "help " * (MAX_MESSAGE_CHARACTERS // 5)

    answer = rasa.call("POST", "/api/messages", json={"sender": SENDER, "id": 3, "message": message})

    assert answer.status == 200
    assert answer.body == {"replies": [{"text": "Hi! I'm a bot."}]}
    assert rasa.received == [{"sender": SENDER, "id": 3, "message": message, "resend": False}]


@pytest.mark.parametrize(
    ("replies", "delay"), [([], 0.0), ([{"text": "too late"}], 2.0)], ids=["silent", "slow"]
)
def test_a_silent_or_slow_assistant_is_reported_as_unavailable(replies, delay):
    answer = FakeRasa(replies, delay).call("POST", "/api/messages", json=HI)

    assert answer.status == 503
    assert answer.body["error"] == "assistant_unavailable"


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        ({"Origin": "http://evil.example"}, json.dumps(HI), 403),
        ({"Content-Type": "text/plain"}, json.dumps(HI), 415),
        ({"Content-Type": "application/json"}, "{not json", 400),
        ({"Content-Type": "application/json"}, json.dumps({**HI, "sender": "x"}), 400),
        ({"Content-Type": "application/json"}, "x" * 200_000, 413),
    ],
    ids=["other-origin", "not-json-type", "broken-json", "bad-sender", "huge-body"],
)
def test_the_api_refuses_what_the_page_would_never_send(headers, body, status):
    headers = {"Content-Type": "application/json", **headers}
    answer = call_without_rasa("POST", "/api/messages", data=body, headers=headers)

    assert answer.status == status
    assert "error" in answer.body


def test_the_page_is_served_with_a_strict_policy_and_no_cors():
    answer = call_without_rasa("GET", "/", headers={"Origin": "http://evil.example"})
    policy = answer.headers["Content-Security-Policy"]

    assert answer.status == 200
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    assert no_cors(answer.headers)
    assert call_without_rasa("GET", "/static/../server.py").status == 404


def test_typed_text_is_carried_as_text_even_when_it_looks_like_an_intent():
    rasa = FakeRasa(replies=[{"text": "Sorry, I didn't get that."}])

    rasa.call("POST", "/api/messages", json={**HI, "message": "/disclose_immediate_danger"})

    assert rasa.received[0]["message"] == "/disclose_immediate_danger"
    assert "button" not in rasa.received[0]


def test_a_flood_from_one_address_is_answered_429_and_a_child_s_pace_is_not():
    rasa = FakeRasa(replies=[{"text": "ok"}])
    settings = WidgetSettings(burst=5, per_minute=30)

    paced = rasa.call("POST", "/api/messages", json=HI, settings=settings, times=5)
    flooded = rasa.call("POST", "/api/messages", json=HI, settings=settings, times=6)

    assert paced.status == 200
    assert flooded.status == 429
    assert flooded.body["error"] == "too_many"
    assert int(flooded.headers["Retry-After"]) > 0


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("localhost:8080", 200),
        ("127.0.0.1:8080", 200),
        ("rebound.evil.example:8080", 400),
        ("localhost:9999", 400),
    ],
)
def test_a_loopback_page_server_answers_only_loopback_host_names(host, status):
    settings = WidgetSettings(allowed_hosts=hosts_for("127.0.0.1", 8080))

    answer = call_without_rasa("GET", "/", settings=settings, headers={"Host": host})

    assert answer.status == status


def test_behind_a_proxy_the_public_origin_is_the_one_answered():
    public = "https://chat.example.org"
    settings = WidgetSettings(public_origin=public, allowed_hosts=hosts_for("0.0.0.0", 8080, public))
    rasa = FakeRasa(replies=[{"text": "Hi! I'm a bot."}])
    headers = {"Host": "chat.example.org", "Origin": public}

    from_the_page = rasa.call("POST", "/api/messages", json=HI, settings=settings, headers=headers)
    other_site = rasa.call(
        "POST",
        "/api/messages",
        json=HI,
        settings=settings,
        headers={**headers, "Origin": "https://evil.example"},
    )

    assert from_the_page.status == 200
    assert other_site.status == 403


def test_the_health_check_fails_when_the_assistant_cannot_be_reached():
    answer = call_without_rasa("GET", "/healthz")

    assert answer.status == 503
    assert answer.body["assistant"] == "down"


@e2e
def test_the_health_check_answers_ok_when_a_turn_could_be_answered_and_stored(widget):
    answer = requests.get(f"{widget.widget_url}/healthz", timeout=10)

    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "assistant": "ok", "database": "ok"}
