"""The review app over HTTP (Flask's test client): sign-in, lock-out, CSRF, cookies, the list,
the transcript, the counsellors' actions, the audit log and the exports."""

from __future__ import annotations

import io
import json
import re

import pytest
import sqlalchemy as sa

from review.__main__ import main
from review.retention import purge
from review.schema import audit_log
from review.store import ReviewStore
from review.synthetic import Said
from safeguarding.levels import RiskLevel
from tests.review.conftest import DAY, NOW, PASSWORD, csrf_token, id_of, sign_in, write

PUBLIC = {"views.login", "views.healthz", "static"}


def example_url(rule) -> str:
    return rule.rule.replace("<int:conversation_id>", "1").replace("<path:filename>", "review.css")


def test_no_page_or_api_answers_without_a_session(app, client):
    """Every route but sign-in, /healthz and static: pages send the browser to sign in, the API,
    the exports and every form post answer 401."""
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(example_url(rule), method=method)
            checked += 1
            if method == "GET" and not rule.rule.startswith("/api/") and "export" not in rule.rule:
                assert response.status_code == 302, rule.rule
                assert response.headers["Location"].startswith("/login?next="), rule.rule
            else:
                assert response.status_code == 401, (method, rule.rule)
                assert response.json == {"error": "sign in required"}
                assert "danger" not in response.get_data(as_text=True)
    assert checked >= 12


def test_healthz_answers_without_a_session_and_says_nothing_else(client):
    response = client.get("/healthz")
    assert (response.status_code, response.get_data(as_text=True)) == (200, "ok")
    assert "Set-Cookie" not in response.headers


def test_signing_in_sets_an_httponly_samesite_session_cookie(client):
    response = sign_in(client)
    assert response.status_code == 303
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("review_session=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Expires=" in cookie
    assert client.get("/").status_code == 200


def test_secure_cookies_when_served_over_https(app, client):
    app.config["SESSION_COOKIE_SECURE"] = True
    assert "Secure" in sign_in(client).headers["Set-Cookie"]


def test_wrong_password_and_unknown_name_get_the_same_answer(client):
    wrong, unknown = sign_in(client, password="not the password"), sign_in(client, username="nobody")
    assert wrong.status_code == unknown.status_code == 401
    message = "That name and password do not match an account."
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)


def test_a_form_without_the_csrf_token_is_refused(signed_in, sqlite_store):
    conversation_id = id_of(sqlite_store, "danger")
    response = signed_in.post(f"/conversations/{conversation_id}/reviewed", data={"reviewed": "1"})
    assert response.status_code == 400
    assert sqlite_store.conversation(conversation_id)["reviewed_at"] is None


def test_sign_in_without_the_csrf_token_is_refused(client):
    response = client.post("/login", data={"username": "alex", "password": PASSWORD})
    assert response.status_code == 400


def test_after_sign_in_the_counsellor_returns_to_the_page_asked_for_but_never_off_site(client):
    token = csrf_token(client)
    back = client.post(
        "/login", data={"csrf_token": token, "username": "alex", "password": PASSWORD, "next": "/audit"}
    )
    assert back.headers["Location"] == "/audit"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/audit")})
    token = csrf_token(client)
    away = client.post(
        "/login",
        data={"csrf_token": token, "username": "alex", "password": PASSWORD, "next": "//evil.example/"},
    )
    assert away.headers["Location"] == "/"


def test_signing_out_ends_the_session(signed_in):
    signed_in.post("/logout", data={"csrf_token": csrf_token(signed_in, "/")})
    assert signed_in.get("/").status_code == 302


def test_pages_carry_the_security_headers(signed_in, sqlite_store):
    response = signed_in.get(f"/conversations/{id_of(sqlite_store, 'danger')}")
    assert response.headers["Cache-Control"] == "no-store"
    policy = response.headers["Content-Security-Policy"]
    assert (
        "frame-ancestors 'none'" in policy and "script-src 'self'" in policy and "unsafe-inline" not in policy
    )
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "<script>" not in response.get_data(as_text=True)  # no inline script anywhere


def test_the_list_shows_the_danger_conversation_first_with_level_detectors_and_preview(signed_in):
    page = signed_in.get("/").get_data(as_text=True)
    rows = re.findall(r'<tr class="level-(\d)">', page)
    assert rows == ["5", "3", "2", "1", "0"]
    first = page[page.index('<tr class="level-5">') :]
    first = first[: first.index("</tr>")]
    assert "immediate danger" in first and "classifier, matcher" in first and "unreviewed" in first
    assert "theres a man outside my house" in first and "UTC" in first


def test_the_list_filters_and_the_api_pages(signed_in):
    bullying = signed_in.get("/?level=bullying&status=unreviewed").get_data(as_text=True)
    assert re.findall(r'<tr class="level-(\d)">', bullying) == ["2"]
    listing = signed_in.get("/api/conversations?page=2&level=flagged").json
    assert (listing["total"], listing["pages"], listing["page"]) == (4, 1, 2)
    assert signed_in.get("/api/conversations").json["conversations"][0]["level"] == "immediate_danger"


def test_the_transcript_highlights_the_flagged_message_and_says_why(signed_in, sqlite_store):
    page = signed_in.get(f"/conversations/{id_of(sqlite_store, 'danger')}").get_data(as_text=True)
    [flagged] = re.findall(r'<li class="turn user flagged level-5".*?</li>', page, re.S)
    assert "theres a man outside my house" in flagged
    assert "Flagged immediate danger by the intent classifier and phrase detector" in flagged
    assert "followed_home" in flagged
    assert page.count('class="turn user') == 3 and page.count('class="turn bot') == 3


def test_a_childs_words_are_never_rendered_as_html(signed_in, sqlite_store, sqlite_url):
    write(
        sqlite_url, {"script": [Said('<script>alert("x")</script><img src=x onerror=alert(1)>', "bullying")]}
    )
    conversation_id = id_of(sqlite_store, "script")
    for path in ("/", f"/conversations/{conversation_id}", f"/conversations/{conversation_id}/export.html"):
        page = signed_in.get(path).get_data(as_text=True)
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page


def test_the_transcript_says_where_a_child_hesitated_or_asked_for_a_secret(
    signed_in, sqlite_store, sqlite_url
):
    write(
        sqlite_url,
        {
            "hesitant": [
                Said("umm can i tell u something", hesitation="hesitating"),
                Said("swear u wont tell", hesitation="secrecy"),
            ]
        },
    )
    base = f"/conversations/{id_of(sqlite_store, 'hesitant')}"
    for path in (base, f"{base}/export.html"):
        turns = re.findall(r'<li class="turn user".*?</li>', signed_in.get(path).get_data(as_text=True), re.S)
        assert "umm can i tell u something" in turns[0] and "Hesitated" in turns[0]
        assert "swear u wont tell" in turns[1] and "Asked the bot to keep a secret" in turns[1]


def test_mark_reviewed_correct_level_and_add_a_note_are_all_in_the_audit_log(signed_in, post, sqlite_store):
    conversation_id = id_of(sqlite_store, "bullying")
    base = f"/conversations/{conversation_id}"
    assert post(f"{base}/reviewed", {"reviewed": "1"}).status_code == 303
    assert (
        post(f"{base}/level", {"level": "self_harm", "reason": "she said she hurts herself"}).status_code
        == 303
    )
    assert post(f"{base}/notes", {"text": "Rang the school's safeguarding lead."}).status_code == 303
    conversation = sqlite_store.conversation(conversation_id)
    assert conversation["reviewed_by"] == "alex"
    assert (
        conversation["effective_level"] == RiskLevel.SELF_HARM and conversation["level"] == RiskLevel.BULLYING
    )
    page = signed_in.get(base).get_data(as_text=True)
    assert "Rang the school&#39;s safeguarding lead." in page
    assert "bullying → self harm (she said she hurts herself)" in page
    actions = [row["action"] for row in sqlite_store.audit_of("bullying")]
    assert actions == ["marked reviewed", "corrected level", "added note", "viewed transcript"]
    assert all(row["counsellor"] == "alex" for row in sqlite_store.audit_of("bullying"))


def test_a_level_correction_needs_a_reason(signed_in, post, sqlite_store):
    conversation_id = id_of(sqlite_store, "bullying")
    post(f"/conversations/{conversation_id}/level", {"level": "none", "reason": "  "})
    assert sqlite_store.conversation(conversation_id)["corrected_level"] is None
    assert "Say why the level should change" in signed_in.get(f"/conversations/{conversation_id}").get_data(
        as_text=True
    )


def test_keep_and_misunderstood_marks(post, sqlite_store):
    conversation_id = id_of(sqlite_store, "danger")
    post(f"/conversations/{conversation_id}/keep", {"keep": "1"})
    assert sqlite_store.conversation(conversation_id)["keep"] is True
    message = next(turn for turn in sqlite_store.turns("danger") if turn.text == "hello")
    post(
        f"/conversations/{conversation_id}/misunderstood",
        {"event_id": str(message.event_id), "suggested_intent": "no_such"},
    )
    assert sqlite_store.misunderstood_of("danger") == {}
    post(
        f"/conversations/{conversation_id}/misunderstood",
        {"event_id": str(message.event_id), "suggested_intent": ""},
    )
    assert sqlite_store.misunderstood_of("danger")[message.event_id]["counsellor"] == "alex"


def test_no_route_can_edit_or_delete_the_audit_log(app, signed_in, post, sqlite_store):
    """Only GET routes read it; every POST route, tried with a valid token, only adds lines."""
    signed_in.get(f"/conversations/{id_of(sqlite_store, 'danger')}")
    with sqlite_store.engine.connect() as connection:
        before = [tuple(row) for row in connection.execute(sa.select(audit_log).order_by(audit_log.c.id))]
    for rule in app.url_map.iter_rules():
        assert not rule.methods & {"PUT", "PATCH", "DELETE"}, rule.rule
        if "POST" in rule.methods and rule.endpoint not in {"views.logout", "views.login"}:
            post(
                rule.rule.replace("<int:conversation_id>", str(id_of(sqlite_store, "danger"))),
                {"level": "none", "reason": "x", "text": "x"},
            )
    with sqlite_store.engine.connect() as connection:
        after = [tuple(row) for row in connection.execute(sa.select(audit_log).order_by(audit_log.c.id))]
    assert after[: len(before)] == before and len(after) > len(before)
    assert not any("audit" in rule.rule and "POST" in rule.methods for rule in app.url_map.iter_rules())


def test_export_json_has_the_whole_conversation_with_flags_notes_and_corrections(
    signed_in, post, sqlite_store
):
    conversation_id = id_of(sqlite_store, "danger")
    post(f"/conversations/{conversation_id}/notes", {"text": "referred to police"})
    response = signed_in.get(f"/conversations/{conversation_id}/export.json")
    assert (
        response.headers["Content-Disposition"]
        == f'attachment; filename="conversation-{conversation_id}.json"'
    )
    document = json.loads(response.get_data(as_text=True))
    assert document["conversation"]["level"] == "immediate_danger"
    assert document["conversation"]["sender_id"] == "danger"
    assert [message["sender"] for message in document["messages"]] == ["user", "bot"] * 3
    flagged = [message for message in document["messages"] if message["flag"]]
    assert flagged[0]["flag"]["matched_rules"] == ["followed_home"]
    assert [note["text"] for note in document["notes"]] == ["referred to police"]
    assert document["exported_by"] == "alex"
    assert "exported JSON" in [row["action"] for row in sqlite_store.audit_of("danger")]


def test_the_printable_page_has_every_message_and_no_forms(signed_in, sqlite_store):
    page = signed_in.get(f"/conversations/{id_of(sqlite_store, 'danger')}/export.html").get_data(as_text=True)
    assert "referral copy" in page and "<form" not in page
    assert page.count('class="turn ') == 6 and "Flagged immediate danger" in page


def test_an_unknown_conversation_is_not_found(signed_in):
    assert signed_in.get("/conversations/9999").status_code == 404


def test_the_command_line_adds_a_counsellor_and_refuses_short_passwords(
    sqlite_url, sqlite_store, monkeypatch, capsys
):
    monkeypatch.setenv("TRACKER_STORE_URL", sqlite_url)
    monkeypatch.setenv("REVIEW_SECRET_KEY", "test")
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["add-counsellor", "sam", "--password-stdin"]) == 1
    assert "at least 12 characters" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert main(["add-counsellor", "Sam", "--password-stdin"]) == 0
    from review.accounts import sign_in as check

    assert check(ReviewStore(sqlite_url), "sam", "a long enough password", "127.0.0.1").ok
    with sqlite_store.engine.connect() as connection:
        stored = connection.execute(
            sa.text("select password_hash from review_counsellors where username='sam'")
        ).scalar()
    assert stored.startswith("$argon2id$")


@pytest.mark.parametrize("days", ["--older-than-days=1", None])
def test_the_purge_command_prints_what_it_deleted(sqlite_url, sqlite_store, monkeypatch, capsys, days):
    monkeypatch.setenv("TRACKER_STORE_URL", sqlite_url)
    monkeypatch.setenv("REVIEW_SECRET_KEY", "test")
    monkeypatch.setenv("RETENTION_DAYS", "1")
    monkeypatch.setattr(
        "review.__main__.ReviewStore", lambda url: ReviewStore(url, clock=lambda: NOW + 2 * DAY)
    )
    assert main(["purge", *([days] if days else [])]) == 0
    out = capsys.readouterr().out
    assert "5 conversation(s) older than 1 days deleted" in out and "deleted danger:" in out


def test_a_session_ends_after_30_idle_minutes(signed_in, clock):
    clock.now += 29 * 60
    assert signed_in.get("/").status_code == 200
    clock.now += 31 * 60
    assert signed_in.get("/api/conversations").status_code == 401


def test_a_session_ends_after_the_longest_session_allowed(signed_in, clock):
    for _ in range(10 * 3):  # a request every 20 minutes for ten hours
        assert signed_in.get("/api/conversations").status_code == 200
        clock.now += 20 * 60
    assert signed_in.get("/").status_code == 302
    assert signed_in.get("/api/conversations").status_code == 401


def test_only_an_admin_lifts_keep_and_the_audit_lines_outlive_the_purge(
    signed_in, post, sqlite_store, sqlite_url, clock, monkeypatch
):
    base = f"/conversations/{id_of(sqlite_store, 'danger')}"
    post(f"{base}/keep", {"keep": "1"})
    signed_in.get(f"{base}/export.json")
    page = signed_in.get(base).get_data(as_text=True)
    assert "Only an admin can allow the purge again" in page and "Allow the retention purge" not in page
    assert post(f"{base}/keep", {"keep": "0"}).status_code == 303  # a counsellor tries anyway
    assert "Only an admin can allow the purge again" in signed_in.get(base).get_data(as_text=True)
    clock.now += 2 * DAY
    assert purge(sqlite_store, older_than_days=1) and sqlite_store.events_of("danger")  # still kept
    assert sign_in(signed_in).status_code == 303  # two days later

    monkeypatch.setenv("TRACKER_STORE_URL", sqlite_url)
    monkeypatch.setenv("REVIEW_SECRET_KEY", "test")
    assert main(["set-role", "alex", "admin"]) == 0
    assert "Allow the retention purge (admin)" in signed_in.get(base).get_data(as_text=True)
    post(f"{base}/keep", {"keep": "0"})
    assert [purged.sender_id for purged in purge(sqlite_store, older_than_days=1)] == ["danger"]
    audit = signed_in.get("/audit").get_data(as_text=True)
    for line in ("marked keep", "exported JSON", "set role: alex: admin", "removed keep: by an admin"):
        assert line in audit
    actions = [row["action"] for row in sqlite_store.audit_of("danger")]
    assert actions[:2] == ["marked keep", "exported JSON"] and actions[-2:] == ["removed keep", "purged"]
