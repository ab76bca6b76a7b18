"""The database down in the middle of a conversation: a Rasa server of its own on a real PostgreSQL,
which then refuses every connection and drops the open ones, as a database restarting or
unreachable does. The turn fails (so the page sends it again); it is never answered from an empty
conversation, and once the database is back it is stored once, after what came before."""

from __future__ import annotations

import dataclasses
import json
import secrets
import uuid
from collections.abc import Iterator

import pytest
import requests
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from deploy.local_servers import Postgres, local_postgres
from launcher.services import ROOT, Settings, assistant_services, running
from tests.e2e.conftest import free_port

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def on_postgres() -> Iterator[tuple[Settings, Postgres]]:
    with local_postgres() as server:
        settings = Settings(
            rasa_port=free_port(),
            action_port=free_port(),
            tracker_store_url=server.create_database("drill"),
            auth_token=secrets.token_urlsafe(24),
            models=ROOT / "models" / "stay-safe.tar.gz",
        )
        rasa = next(service for service in assistant_services(settings) if service.name == "rasa")
        service = dataclasses.replace(rasa, name="rasa-on-postgres")
        with running([service], settings, log_dir=ROOT / "results" / "e2e-logs"):
            yield settings, server


def connections(settings: Settings, server: Postgres, allowed: bool) -> None:
    """Let the database take connections again, or refuse them and drop the Rasa server's."""
    name = make_url(settings.tracker_store).database
    engine = sa.create_engine(server.url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS {str(allowed).lower()}"))
        if not allowed:
            connection.execute(
                sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
                {"name": name},
            )
    engine.dispose()


def post(settings: Settings, sender: str, number: int, text: str, resend: bool = False) -> requests.Response:
    body = {"sender": sender, "id": number, "message": text, "resend": resend}
    return requests.post(f"{settings.rasa_url}/webhooks/widget/webhook", json=body, timeout=60)


def test_with_the_database_down_the_turn_fails_and_is_stored_once_when_it_is_back(on_postgres):
    settings, server = on_postgres
    sender = uuid.uuid4().hex
    assert post(settings, sender, 1, "how do i make my account private").status_code == 200

    connections(settings, server, allowed=False)
    try:
        down = post(settings, sender, 2, "someone i met online wants to meet me")
        health = requests.get(f"{settings.rasa_url}/webhooks/widget/", timeout=30)
    finally:
        connections(settings, server, allowed=True)
    back = post(settings, sender, 2, "someone i met online wants to meet me", resend=True)

    assert down.status_code == 503
    assert down.json() == {"error": "not_stored"}
    assert health.status_code == 503 and health.json()["database"] == "down"
    assert back.status_code == 200
    engine = sa.create_engine(settings.tracker_store)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT data FROM events WHERE sender_id = :sender AND type_name = 'user' ORDER BY id"),
            {"sender": sender},
        ).scalars()
        stored = [json.loads(row)["text"] for row in rows]
    engine.dispose()
    assert stored == ["how do i make my account private", "someone i met online wants to meet me"]
