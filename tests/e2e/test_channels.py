"""Conversations over the real REST and socket.io channels, against the real Rasa and action servers."""

from __future__ import annotations

import queue
import sqlite3
import uuid
from pathlib import Path

import pytest
import requests
import socketio

from tests.e2e.conftest import texts

pytestmark = pytest.mark.e2e


def test_welcome_says_it_is_a_bot_and_to_call_999_in_an_emergency(say):
    replies = say("hiya")
    said = texts(replies)

    assert "not a real person" in said
    assert "999" in said
    assert any(reply.get("buttons") for reply in replies), "the welcome offers topics as buttons"


@pytest.mark.parametrize("question", ["r u a real person or a bot", "am i talkin to a human rn"])
def test_asked_if_it_is_a_person_it_says_it_is_a_bot(say, question):
    said = texts(say(question))

    assert "not a real person" in said
    assert "bot" in said


@pytest.mark.parametrize(
    ("question", "must_say"),
    [
        ("how do i make my tiktok private so randoms cant see", "private"),
        ("is it illegal to send nudes if ur under 18", "against the law"),
        ("wats ceop", "police"),
        ("what number is childline", "0800 1111"),
        ("give me some tips for staying safe online pls", "personal information"),
    ],
)
def test_questions_get_their_answer(say, question, must_say):
    assert must_say in texts(say(question))


def test_goodbye_leaves_a_safety_message_not_already_given(say):
    say("what should i do if i get a friend request from someone i dont know")
    said = texts(say("ok thanks bye"))

    assert "keep your personal information private" in said


def test_a_button_payload_gets_that_topics_answer(say):
    assert "three random words" in texts(say("/ask_strong_password"))


@pytest.mark.parametrize(
    "message",
    [
        "",
        "   ",
        "a" * 10_000,
        "help me " * 1_250,
        "😭😭😭🙏",
        "<script>alert('hi')</script><b>hello</b>",
        "\x00\x07\x1b[31mhello\x1b[0m\u202e",
        "¿Puedes ayudarme? No hablo inglés",
        "مرحبا كيف حالك",
        "/not_an_intent",
        '{"json": true}',
    ],
    ids=[
        "empty",
        "spaces",
        "10k-letters",
        "10k-words",
        "emoji",
        "markup",
        "control",
        "spanish",
        "arabic",
        "slash",
        "json",
    ],
)
def test_bad_input_gets_a_calm_answer_and_the_server_keeps_running(servers, say, message):
    replies = say(message)

    assert replies, "the child always gets an answer"
    assert all(reply.get("text") for reply in replies)
    assert requests.get(f"{servers.rasa_url}/", timeout=5).ok


def test_what_a_child_wrote_is_kept_in_the_tracker_store(servers, say, sender):
    message = "how do i turn off snap map " + "x" * 9_000
    say(message)

    with sqlite3.connect(servers.tracker_db) as database:
        stored = database.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user'", (sender,)
        ).fetchall()
    assert any(message in row[0] for row in stored)


def test_the_http_api_refuses_requests_without_the_token(servers, sender):
    without = requests.get(f"{servers.rasa_url}/conversations/{sender}/tracker", timeout=5)
    wrong = requests.get(f"{servers.rasa_url}/status", params={"token": "guess"}, timeout=5)
    right = requests.get(f"{servers.rasa_url}/status", params={"token": servers.auth_token}, timeout=5)

    assert without.status_code == 401
    assert wrong.status_code == 401
    assert right.status_code == 200


def listening_addresses(port: int) -> set[str]:
    """The local addresses with a socket listening on this TCP port, read from the kernel's table."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.rsplit(":", 1)
            if state == "0A" and int(port_hex, 16) == port:
                found.add(address)
    return found


def test_servers_listen_on_loopback_only(servers):
    loopback_ipv4 = "0100007F"  # 127.0.0.1 as the kernel writes it
    for port in (servers.rasa_port, servers.action_port):
        assert listening_addresses(port) == {loopback_ipv4}


def test_the_socketio_channel_answers_over_long_polling(servers):
    """socket.io works on this stack only over polling (shared/rasa-on-python311.md); prove it does."""
    replies: queue.Queue = queue.Queue()
    client = socketio.Client()
    client.on("bot_uttered", replies.put)
    client.connect(servers.rasa_url, transports=["polling"], wait_timeout=20)
    try:
        session_id = uuid.uuid4().hex
        client.emit("session_request", {"session_id": session_id})
        client.emit("user_uttered", {"message": "hello", "session_id": session_id})
        first = replies.get(timeout=30)
    finally:
        client.disconnect()

    assert "not a real person" in first["text"].lower()
