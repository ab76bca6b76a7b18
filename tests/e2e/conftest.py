"""Starts the real action server and Rasa server once per test session, on their own ports,
with their own tracker database, exactly as `make run` does (both use launcher/)."""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests

from deploy.local_servers import free_port  # a port nothing listens on now, so tests never meet make run
from launcher.services import ROOT, Settings, assistant_services, running

Reply = dict[str, Any]


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    settings = Settings(
        rasa_port=free_port(),
        action_port=free_port(),
        tracker_db=tmp_path_factory.mktemp("transcripts") / "tracker.db",
        auth_token=secrets.token_urlsafe(24),
        models=ROOT / "models" / "stay-safe.tar.gz",
    )
    if not settings.models.exists():
        pytest.fail("no trained model: run `make train` (make test does it for you)")
    with running(assistant_services(settings), settings, log_dir=ROOT / "results" / "e2e-logs"):
        yield settings


@pytest.fixture
def sender() -> str:
    """A new conversation for each test, with an unguessable id like the widget's."""
    return uuid.uuid4().hex


@pytest.fixture
def say(servers: Settings, sender: str) -> Callable[[str], list[Reply]]:
    """Send one message over the REST channel, as a child's device would, and return the replies."""

    def send(text: str) -> list[Reply]:
        response = requests.post(
            f"{servers.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60
        )
        assert response.status_code == 200, response.text
        return response.json()

    return send


def texts(replies: list[Reply]) -> str:
    """All reply texts as one lower-case string, for checking what a child would read."""
    return " ".join(reply.get("text", "") for reply in replies).lower()


@pytest.fixture(scope="session")
def parse(servers: Settings) -> Callable[[str], dict[str, Any]]:
    """What the NLU makes of a message, from the HTTP API (which needs the token)."""

    def run(text: str) -> dict[str, Any]:
        url = f"{servers.rasa_url}/model/parse"
        response = requests.post(url, params={"token": servers.auth_token}, json={"text": text}, timeout=30)
        response.raise_for_status()
        return response.json()

    return run


def stored_messages(database: Path, sender: str) -> list[dict[str, Any]]:
    with closing(sqlite3.connect(database)) as connection:  # closed, not only committed: no lock is left
        rows = connection.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id", (sender,)
        ).fetchall()
    return [json.loads(data) for (data,) in rows]


@contextmanager
def database_locked(database: Path, seconds: float) -> Iterator[None]:
    """Hold the SQLite file's write lock for `seconds` (let go in the background), as a long writer in
    another process would: every save waits, and fails after its 5 s busy timeout. Reads go on (WAL)."""
    connection = sqlite3.connect(database, timeout=30, isolation_level=None, check_same_thread=False)
    connection.execute("BEGIN IMMEDIATE")
    release = threading.Timer(seconds, lambda: (connection.rollback(), connection.close()))
    release.start()
    try:
        yield
    finally:
        release.join()
