"""The review app's fixtures: tracker stores written by Rasa's own SQLTrackerStore, in SQLite and in a
real PostgreSQL server started once per session, and Flask test clients signed in or not."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from deploy.local_servers import Postgres, local_postgres
from review.accounts import add_counsellor
from review.app import create_app
from review.config import ReviewConfig
from review.store import ReviewStore
from review.synthetic import Said, conversation, save_with_rasa
from settings import ROOT, Settings

PASSWORD = "correct horse battery staple"
NOW = 1_790_000_000.0  # a fixed "now" (2026-09-21), so ages and retention are exact
DAY = 86400


# --- PostgreSQL ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """Debian's PostgreSQL of the test session's own, set up like the production instructions in
    docs/review-app.md (deploy/local_servers.py)."""
    try:
        with local_postgres() as server:
            yield server
    except FileNotFoundError as missing:
        pytest.fail(str(missing))


# --- tracker stores ------------------------------------------------------------------------------


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'tracker.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same test against both tracker stores the assistant supports."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tracker.db'}"
    return request.getfixturevalue("postgres").create_database()


class Clock:
    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


# The conversations most tests read: one of each kind a counsellor meets, at known times.
CONVERSATIONS = {
    "greeting": [Said("hi")],
    "bullying": [Said("hi"), Said("ppl at school keep sending me horrible msgs", "bullying")],
    "danger": [
        Said("hello"),
        Said(
            "theres a man outside my house and hes following me im scared",
            "immediate_danger",
            detectors=("classifier", "matcher"),
            matched_rules=("followed_home",),
        ),  # fmt: skip
        Said("what do i do"),
    ],
    "pictures": [Said("some1 online keeps asking me for pics", "sexual_exploitation")],
    "friend": [Said("my friend said she wants to meet a guy from online", "friend_at_risk")],
}


def write(url: str, conversations: dict[str, list[Said]], start: float = NOW - DAY) -> None:
    """Each conversation an hour after the one before, through Rasa's own tracker store."""
    trackers = [
        conversation(sender_id, messages, start + position * 3600)
        for position, (sender_id, messages) in enumerate(conversations.items())
    ]
    save_with_rasa(url, trackers)


@pytest.fixture
def store(database_url: str, clock: Clock) -> Iterator[ReviewStore]:
    write(database_url, CONVERSATIONS)
    review_store = ReviewStore(database_url, clock=clock)
    yield review_store
    review_store.dispose()


@pytest.fixture
def sqlite_store(sqlite_url: str, clock: Clock) -> Iterator[ReviewStore]:
    write(sqlite_url, CONVERSATIONS)
    review_store = ReviewStore(sqlite_url, clock=clock)
    yield review_store
    review_store.dispose()


def id_of(store: ReviewStore, sender_id: str) -> int:
    return next(
        row["id"] for row in store.list_conversations(per_page=1000).rows if row["sender_id"] == sender_id
    )


# --- the app -------------------------------------------------------------------------------------


@pytest.fixture
def app(sqlite_store: ReviewStore, sqlite_url: str) -> Flask:
    add_counsellor(sqlite_store, "alex", PASSWORD)
    application = create_app(
        ReviewConfig(tracker_store_url=sqlite_url, secret_key=secrets.token_hex(16)), sqlite_store
    )
    application.config["TESTING"] = True
    return application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """The token a page's forms carry, as a browser would read it."""
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_in(client: FlaskClient, username: str = "alex", password: str = PASSWORD):
    return client.post(
        "/login", data={"csrf_token": csrf_token(client), "username": username, "password": password}
    )


@pytest.fixture
def signed_in(client: FlaskClient) -> FlaskClient:
    assert sign_in(client).status_code == 303
    return client


@pytest.fixture
def post(signed_in: FlaskClient) -> Callable[..., object]:
    """POST a form as the signed-in counsellor, with the CSRF token from the page."""

    def send(path: str, data: dict[str, str] | None = None):
        return signed_in.post(path, data={"csrf_token": csrf_token(signed_in, "/"), **(data or {})})

    return send


def add_counsellor_by_command(settings: Settings, name: str) -> None:
    """Create an account with the command a deployment uses, on the settings' tracker store."""
    subprocess.run(
        [sys.executable, "-m", "review", "add-counsellor", name, "--password-stdin"],
        input=PASSWORD + "\n",
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "TRACKER_STORE_URL": settings.tracker_store},
    )
