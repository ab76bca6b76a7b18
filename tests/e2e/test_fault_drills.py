"""Fault drills, as a trusted service runs them: the real servers, a real browser, the real database,
and a fault made as it happens in life (kill -9, a locked database, a service that is not there, a
flood while counsellors read and a purge runs). Each drill ends with every message the child sent
present exactly once in the transcript."""

from __future__ import annotations

import dataclasses
import os
import re
import secrets
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from launcher.services import (
    ROOT,
    RestartLimit,
    Running,
    Settings,
    assistant_services,
    review_service,
    running,
    widget_service,
)
from review.synthetic import Said, conversation, save_with_rasa
from tests.e2e.conftest import database_locked, free_port, stored_messages
from tests.e2e.test_widget import ANSWER_SECONDS, LOGS, ask, bot_messages, new_context, open_chat
from tests.review.conftest import PASSWORD, add_counsellor_by_command

pytestmark = pytest.mark.e2e

DANGER = "theres a man outside my house and im scared"
RETRY_SECONDS = 90  # the page retries after 2, 4, 8, 15, then every 30 s


@pytest.fixture(scope="module")
def without_actions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, Running]]:
    """A Rasa server and a page server of their own, with the action server down (nothing listens on
    its port), under the launcher's watchdog as `make run` runs them."""
    settings = Settings(
        rasa_port=free_port(),
        action_port=free_port(),
        widget_port=free_port(),
        tracker_db=tmp_path_factory.mktemp("drills") / "tracker.db",
        auth_token=secrets.token_urlsafe(24),
        models=ROOT / "models" / "stay-safe.tar.gz",
    )
    rasa = next(service for service in assistant_services(settings) if service.name == "rasa")
    services = [dataclasses.replace(rasa, name="drill-rasa"), widget_service(settings)]
    limit = RestartLimit(times=3, window_seconds=600, first_pause_seconds=0.5)
    with running(services, settings, log_dir=LOGS, restart_limit=limit) as stack:
        yield settings, stack


@pytest.fixture(scope="module")
def widget_for_servers(servers: Settings) -> Iterator[Settings]:
    """A page server in front of the session's Rasa and action servers."""
    settings = dataclasses.replace(servers, widget_port=free_port())
    service = dataclasses.replace(widget_service(settings), name="drill-widget")
    with running([service], settings, log_dir=LOGS):
        yield settings


def sender_of(page: Page) -> str:
    return page.evaluate("JSON.parse(sessionStorage.getItem('stay-safe-chat')).sender")


def write(page: Page, text: str) -> None:
    page.get_by_label("Type your message to the bot").fill(text)
    page.get_by_role("button", name="Send").click()


def all_answered(page: Page) -> None:
    """Wait until nothing the child wrote waits to be sent, and the last message has its answer."""
    page.wait_for_function(
        """() => {
            const stored = JSON.parse(sessionStorage.getItem('stay-safe-chat'));
            const items = document.querySelectorAll('#messages li');
            return stored.outbox.length === 0 && items[items.length - 1].classList.contains('bot');
        }""",
        timeout=RETRY_SECONDS * 1000,
    )


def written(page: Page) -> list[str]:
    return page.locator("#messages li.child .bubble").evaluate_all(
        "items => items.map(item => item.lastChild.textContent)"
    )


def test_rasa_killed_mid_conversation_comes_back_and_nothing_is_lost(browser: Browser, without_actions):
    settings, stack = without_actions
    context = new_context(browser, settings.widget_url)
    page = context.new_page()
    open_chat(page)
    ask(page, "how do i make a strong password")

    killed = stack.process("drill-rasa")
    write(page, "how do i turn off my location")
    killed.kill()  # SIGKILL while that message is on its way
    problem = page.get_by_role("alert")
    expect(problem).to_contain_text("can't be reached", timeout=ANSWER_SECONDS * 1000)
    expect(problem).to_contain_text("999")
    write(page, "what should i not share")  # written while the bot is away
    stack.wait_until_ready("drill-rasa", instead_of=killed)
    page.get_by_role("button", name="Try again now").click()
    all_answered(page)

    sent = ["how do i make a strong password", "how do i turn off my location", "what should i not share"]
    assert written(page) == sent
    stored = [message["text"] for message in stored_messages(settings.tracker_db, sender_of(page))]
    assert stored == ["/chitchat_greet", *sent], "each message stored once, in order"
    expect(problem).to_be_hidden()
    context.close()


def test_with_the_action_server_down_a_danger_message_still_gets_999_first(browser: Browser, without_actions):
    settings, _ = without_actions
    context = new_context(browser, settings.widget_url)
    page = context.new_page()
    open_chat(page)

    replies = ask(page, DANGER)

    assert "999" in replies[0]
    assert any("0800 1111" in reply for reply in replies)
    stored = stored_messages(settings.tracker_db, sender_of(page))
    assert [message["text"] for message in stored] == ["/chitchat_greet", DANGER]
    assert stored[-1]["parse_data"]["safeguarding"]["level"] == "immediate_danger", "flagged for counsellors"
    context.close()


def test_a_disclosure_while_the_database_is_locked_for_10_s_is_stored_once_when_it_is_back(
    browser: Browser, widget_for_servers
):
    context = new_context(browser, widget_for_servers.widget_url)
    page = context.new_page()
    open_chat(page)

    with database_locked(widget_for_servers.tracker_db, seconds=10):
        write(page, DANGER)
        problem = page.get_by_role("alert")
        expect(problem).to_contain_text("can't be reached", timeout=ANSWER_SECONDS * 1000)
        expect(problem).to_contain_text("999")
        expect(page.locator("#messages li.child")).to_contain_text("Not sent yet")
    all_answered(page)

    answer = bot_messages(page).all_inner_texts()
    assert "999" in next(text for text in answer if "Call 999" in text or "999" in text)
    stored = stored_messages(widget_for_servers.tracker_db, sender_of(page))
    assert [message["text"] for message in stored] == ["/chitchat_greet", DANGER]
    expect(problem).to_be_hidden()
    context.close()


# --- a flood while counsellors read, and a purge in the middle of it ---------------------------------


def signed_in(settings: Settings, name: str) -> requests.Session:
    counsellor = requests.Session()
    form = counsellor.get(f"{settings.review_url}/login", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    answer = counsellor.post(
        f"{settings.review_url}/login",
        data={"csrf_token": token, "username": name, "password": PASSWORD, "next": "/"},
        timeout=10,
    )
    answer.raise_for_status()
    return counsellor


def chat(settings: Settings, sender: str, messages: list[str]) -> list[int]:
    """One conversation over the Rasa server's widget channel, as the page's server sends it."""
    statuses = []
    for number, text in enumerate(messages):
        answer = requests.post(
            f"{settings.rasa_url}/webhooks/widget/webhook",
            json={"sender": sender, "id": number, "message": text},
            timeout=120,
        )
        statuses.append(answer.status_code)
    return statuses


def exported(settings: Settings, row: dict[str, Any]) -> str:
    return f"{settings.review_url}{row['url']}/export.json"


class Reading:
    """A counsellor listing the conversations and exporting the top one, over and over, until stopped."""

    def __init__(self, settings: Settings, counsellor: requests.Session) -> None:
        self.settings, self.counsellor = settings, counsellor
        self.statuses: list[int] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        while not self.stop.is_set():
            listing = self.counsellor.get(f"{self.settings.review_url}/api/conversations", timeout=30)
            self.statuses.append(listing.status_code)
            rows = listing.json()["conversations"] if listing.ok else []
            if rows:
                export = self.counsellor.get(exported(self.settings, rows[0]), timeout=30)
                self.statuses.append(export.status_code)

    def __enter__(self) -> Reading:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join()


def test_32_conversations_at_once_while_counsellors_read_and_a_purge_runs(servers: Settings):
    settings = dataclasses.replace(servers, review_port=free_port())
    add_counsellor_by_command(settings, "drill")
    worrying = ["hi", "someone i met online wants to meet me", DANGER, "ok"]
    everyday = ["hi", "how do i make my account private", "what is ceop", "thanks bye"]
    first = {uuid.uuid4().hex: (worrying if n % 4 == 0 else everyday) for n in range(16)}
    second = {uuid.uuid4().hex: (worrying if n % 4 == 0 else everyday) for n in range(16)}
    # Old conversations written after the first flood: the newest event ids, which a purge removes.
    old_start = time.time() - 200 * 86400
    old = [conversation(uuid.uuid4().hex, [Said("hello"), Said("bye")], old_start + n) for n in range(5)]

    with running([review_service(settings)], settings, log_dir=LOGS):
        counsellor = signed_in(settings, "drill")
        with Reading(settings, counsellor) as reading, ThreadPoolExecutor(32) as pool:
            flood = [pool.submit(chat, settings, sender, said) for sender, said in first.items()]
            time.sleep(2)
            save_with_rasa(settings.tracker_store, old)
            counsellor.get(f"{settings.review_url}/api/conversations", timeout=30)  # the list reads them
            purge = subprocess.run(
                [sys.executable, "-m", "review", "purge", "--older-than-days", "90"],
                cwd=ROOT,
                env={**os.environ, "TRACKER_STORE_URL": settings.tracker_store},
                capture_output=True,
                text=True,
                check=True,
            )
            flood += [pool.submit(chat, settings, sender, said) for sender, said in second.items()]
            statuses = [status for turn in flood for status in turn.result()]
        worrying_senders = {sender for sender, said in {**first, **second}.items() if said is worrying}
        top = counsellor.get(f"{settings.review_url}/api/conversations", timeout=30).json()["conversations"]
        top = top[: len(worrying_senders)]
        top_senders = {
            counsellor.get(exported(settings, row), timeout=30).json()["conversation"]["sender_id"]
            for row in top
        }

    assert statuses == [200] * (32 * 4), "no turn failed"
    assert set(reading.statuses) == {200}, "the review app answered every list and export"
    assert "5 conversation(s)" in purge.stdout
    for sender, said in {**first, **second}.items():
        stored = stored_messages(settings.tracker_db, sender)
        assert [message["text"] for message in stored] == said, "every turn stored once, in order"
    assert top_senders == worrying_senders, "the newest danger chats, even after the purge, are listed first"
    assert {row["level"] for row in top} == {"immediate_danger"}
