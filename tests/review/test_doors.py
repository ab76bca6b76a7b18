"""The review app's doors, tried as an attacker would over HTTP (Flask's test client) against a real
SQLite file: where sign-in sends the browser, the Host header, the sign-in throttle, server-side
sessions."""

from __future__ import annotations

import pytest

from review.app import create_app
from review.config import ReviewConfig
from tests.review.conftest import PASSWORD, csrf_token

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
