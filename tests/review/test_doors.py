"""The review app's doors, tried as an attacker would over HTTP (Flask's test client) against a real
SQLite file: where sign-in sends the browser, the Host header, the sign-in throttle, server-side
sessions."""

from __future__ import annotations

import hashlib
import io
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from review.__main__ import main
from review.accounts import add_counsellor
from review.accounts import sign_in as check_password
from review.app import create_app
from review.config import ReviewConfig
from review.schema import sessions, sign_in_throttle
from tests.review.conftest import PASSWORD, csrf_token, sign_in

OFF_SITE = [
    "/%09/evil.example",
    "/%0A/evil.example",
    "/%0D%0ASet-Cookie:%20x=1",
    "//evil.example/",
    "/%5Cevil.example",
    "https://evil.example/",
    "/\\\\evil.example",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_after_sign_in_the_browser_never_leaves_the_site(client, target):
    form = client.get(f"/login?next={target}")
    assert form.status_code == 200 and 'name="next" value="/"' in form.get_data(as_text=True)
    response = client.post(
        f"/login?next={target}",
        data={"csrf_token": csrf_token(client), "username": "alex", "password": PASSWORD},
    )
    assert (response.status_code, response.headers["Location"]) == (303, "/")


def test_after_sign_in_the_browser_returns_to_a_page_with_its_filters(client):
    response = client.post(
        "/login?next=/%3Flevel%3Dflagged%26status%3Dunreviewed",
        data={"csrf_token": csrf_token(client), "username": "alex", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/?level=flagged&status=unreviewed"


@pytest.mark.parametrize(
    "host", ["evil.example:8090", "evil.example", "localhost.evil.example:8090", "127.0.0.1:8091"]
)
def test_a_page_that_rebinds_its_name_to_the_review_app_gets_400_and_nothing_else(signed_in, host):
    for path in ("/healthz", "/login", "/", "/api/conversations", "/static/review.css"):
        response = signed_in.get(path, headers={"Host": host})
        assert (response.status_code, response.get_data()) == (400, b""), path


def test_the_app_answers_where_it_serves_and_the_hosts_configured(sqlite_store, sqlite_url):
    environ = {"TRACKER_STORE_URL": sqlite_url, "REVIEW_SECRET_KEY": "test"}
    served = create_app(ReviewConfig.from_environment(environ, "192.0.2.10", 8190), sqlite_store)
    for host in ("192.0.2.10:8190", "localhost:8190", "127.0.0.1:8190", "LOCALHOST:8190"):
        assert served.test_client().get("/healthz", headers={"Host": host}).status_code == 200, host
    assert served.test_client().get("/healthz", headers={"Host": "localhost:8090"}).status_code == 400
    proxied = {**environ, "REVIEW_ALLOWED_HOSTS": "review.example.org, review.example.org:8443"}
    behind_proxy = create_app(ReviewConfig.from_environment(proxied), sqlite_store)
    for host in ("review.example.org", "review.example.org:8443", "127.0.0.1:8090"):
        assert behind_proxy.test_client().get("/healthz", headers={"Host": host}).status_code == 200, host


# --- the sign-in throttle --------------------------------------------------------------------------

WRONG = "not the password at all"


def from_address(client: FlaskClient, address: str) -> FlaskClient:
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_five_failed_sign_ins_make_the_name_wait_even_for_the_right_password(client, clock):
    for _ in range(5):
        assert sign_in(client, password=WRONG).status_code == 401
    refused = sign_in(client)
    assert (refused.status_code, refused.headers["Retry-After"]) == (429, "30")
    assert "Too many failed sign-ins. Wait 30 seconds, then try again." in refused.get_data(as_text=True)
    clock.now += 30
    assert sign_in(client).status_code == 303


def test_parallel_guesses_get_five_tries_in_all(app):
    """Sixteen guesses at once from one address, against a real SQLite file."""
    clients = [app.test_client() for _ in range(16)]
    tokens = [csrf_token(client) for client in clients]
    start = threading.Barrier(len(clients))

    def guess(client: FlaskClient, token: str) -> int:
        start.wait()
        form = {"csrf_token": token, "username": "alex", "password": WRONG}
        return client.post("/login", data=form).status_code

    with ThreadPoolExecutor(len(clients)) as pool:
        statuses = list(pool.map(guess, clients, tokens))
    assert sorted(statuses) == [401] * 5 + [429] * 11


def test_guessing_across_names_from_one_address_is_throttled_too(app, clock):
    guesser = from_address(app.test_client(), "203.0.113.7")
    for number in range(5):
        assert sign_in(guesser, username=f"guess-{number}", password=WRONG).status_code == 401
    assert sign_in(guesser, username="alex", password=WRONG).status_code == 429
    # The counsellor, elsewhere, is not held up by the guesser.
    assert sign_in(from_address(app.test_client(), "198.51.100.4")).status_code == 303


def test_each_failure_doubles_the_wait_up_to_five_minutes_never_for_good(client, clock):
    waits = []
    for _ in range(12):
        response = sign_in(client, password=WRONG)
        while response.status_code == 429:
            waits.append(int(response.headers["Retry-After"]))
            clock.now += waits[-1]
            response = sign_in(client, password=WRONG)
        assert response.status_code == 401
    assert waits == [30, 60, 120, 240, 300, 300, 300]
    clock.now += 300
    assert sign_in(client).status_code == 303


def test_refused_tries_write_no_audit_line_and_keep_one_counter_per_name_and_address(client, sqlite_store):
    for _ in range(5):
        sign_in(client, password=WRONG)
    lines = sqlite_store.audit_page().total
    for number in range(100):
        assert sign_in(client, username="alex" if number % 2 else f"guess-{number}").status_code == 429
    assert sqlite_store.audit_page().total == lines
    with sqlite_store.engine.connect() as connection:
        counters = connection.execute(sa.select(sign_in_throttle).order_by(sign_in_throttle.c.key)).all()
    assert [(row.key, row.failures, row.refused) for row in counters] == [
        ("address:127.0.0.1", 5, 100),
        ("name:alex", 5, 50),
    ]


def test_parallel_guesses_get_five_tries_on_sqlite_and_postgresql(store):
    add_counsellor(store, "alex", PASSWORD)
    start = threading.Barrier(16)

    def guess(_: int) -> str:
        start.wait()
        return check_password(store, "alex", WRONG, "203.0.113.7").outcome

    with ThreadPoolExecutor(16) as pool:
        outcomes = list(pool.map(guess, range(16)))
    assert sorted(outcomes) == ["failed"] * 5 + ["locked"] * 11


def test_the_unlock_command_lets_a_counsellor_sign_in_at_once(client, sqlite_url, monkeypatch, capsys):
    for _ in range(5):
        sign_in(client, password=WRONG)
    monkeypatch.setenv("TRACKER_STORE_URL", sqlite_url)
    monkeypatch.setenv("REVIEW_SECRET_KEY", "test")
    assert main(["unlock", "alex", "127.0.0.1"]) == 0
    out = capsys.readouterr().out
    assert "name:alex may sign in again (5 tries counted, 0 refused)" in out
    assert "address:127.0.0.1 may sign in again" in out
    assert sign_in(client).status_code == 303


# --- sessions --------------------------------------------------------------------------------------


def copy_of_cookie(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of the counsellor's session cookie, as a thief would."""
    thief = app.test_client()
    thief.set_cookie("review_session", client.get_cookie("review_session").value)
    return thief


def test_the_cookie_carries_only_a_random_id_and_the_database_only_its_hash(app, signed_in, sqlite_store):
    cookie = signed_in.get_cookie("review_session").value
    content = app.session_interface.get_signing_serializer(app).loads(cookie)
    assert set(content) <= {"session_id", "csrf_token", "_permanent", "_flashes"}
    assert "alex" not in json.dumps(content)
    with sqlite_store.engine.connect() as connection:
        [row] = connection.execute(sa.select(sessions)).all()
    assert row.username == "alex" and content["session_id"] not in json.dumps(list(row))
    assert row.id_hash == hashlib.sha256(content["session_id"].encode()).hexdigest()


def test_a_copied_cookie_stops_working_when_the_counsellor_signs_out(app, signed_in):
    thief = copy_of_cookie(app, signed_in)
    assert thief.get("/").status_code == 200
    signed_in.post("/logout", data={"csrf_token": csrf_token(signed_in, "/")})
    assert thief.get("/").status_code == 302
    assert thief.get("/api/conversations").status_code == 401


@pytest.mark.parametrize(
    "command", [["add-counsellor", "alex", "--replace", "--password-stdin"], ["remove-counsellor", "alex"]]
)
def test_a_copied_cookie_stops_working_when_the_password_is_replaced_or_the_account_removed(
    app, signed_in, sqlite_url, monkeypatch, command
):
    thief = copy_of_cookie(app, signed_in)
    monkeypatch.setenv("TRACKER_STORE_URL", sqlite_url)
    monkeypatch.setenv("REVIEW_SECRET_KEY", "test")
    monkeypatch.setattr("sys.stdin", io.StringIO("a brand new long password\n"))
    assert main(command) == 0
    for browser in (thief, signed_in):
        assert browser.get("/api/conversations").status_code == 401
