"""The review app's doors, tried as an attacker would over HTTP (Flask's test client) against a real
SQLite file: where sign-in sends the browser, the Host header, the sign-in throttle, server-side
sessions."""

from __future__ import annotations

import pytest

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
