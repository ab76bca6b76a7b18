"""Each turn is stored whole and once, or fails so the page sends it again: the real Rasa server's
widget channel (widget/rasa_channel.py) with its real SQLite tracker store, held locked by the test
as a busy or failing database would hold it."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from launcher.services import Settings
from tests.e2e.conftest import database_locked, stored_messages

pytestmark = pytest.mark.e2e

DANGER = "theres a man outside my house and im scared"


def post(
    servers: Settings, sender: str, message_id: int, resend: bool = False, **said: str
) -> requests.Response:
    """One message as the widget's server sends it: typed text as `message`, or a `button` payload."""
    body = {"sender": sender, "id": message_id, "resend": resend, **said}
    return requests.post(f"{servers.rasa_url}/webhooks/widget/webhook", json=body, timeout=60)


def test_a_message_sent_again_is_stored_once_and_gets_the_same_answer(servers, sender):
    first = post(servers, sender, 1, message="how do i block someone on snapchat")
    again = post(servers, sender, 1, resend=True, message="how do i block someone on snapchat")

    assert first.status_code == again.status_code == 200
    assert again.json()["replies"] == [
        {"text": reply["text"], "buttons": reply.get("buttons")} for reply in first.json()["replies"]
    ]
    stored = stored_messages(servers.tracker_db, sender)
    assert [message["message_id"] for message in stored] == ["1"]


def test_a_message_sent_again_while_its_first_try_waits_is_stored_once(servers, sender):
    with database_locked(servers.tracker_db, seconds=3), ThreadPoolExecutor(2) as pool:
        first = pool.submit(post, servers, sender, 1, message=DANGER)
        time.sleep(0.5)
        again = pool.submit(post, servers, sender, 1, resend=True, message=DANGER)
        answers = [first.result(), again.result()]

    assert [answer.status_code for answer in answers] == [200, 200]
    assert all("999" in answer.json()["replies"][0]["text"] for answer in answers)
    assert len(stored_messages(servers.tracker_db, sender)) == 1


def test_when_the_database_stays_locked_the_turn_fails_and_is_stored_once_when_it_is_back(servers, sender):
    post(servers, sender, 0, button="/chitchat_greet")
    with database_locked(servers.tracker_db, seconds=10):
        failed = post(servers, sender, 1, message=DANGER)
    again = post(servers, sender, 1, resend=True, message=DANGER)

    assert failed.status_code == 503
    assert failed.json() == {"error": "not_stored"}
    assert again.status_code == 200
    assert "999" in again.json()["replies"][0]["text"]
    stored = stored_messages(servers.tracker_db, sender)
    assert [message["text"] for message in stored] == ["/chitchat_greet", DANGER]


def test_while_one_conversation_waits_on_the_database_the_server_answers_others(servers, sender):
    with database_locked(servers.tracker_db, seconds=4), ThreadPoolExecutor(1) as pool:
        waiting = pool.submit(post, servers, sender, 1, message="how do i make my account private")
        time.sleep(0.5)
        health = requests.get(f"{servers.rasa_url}/webhooks/widget/", timeout=10)
        health_answered_while_waiting = not waiting.done()
        assert waiting.result().status_code == 200

    assert health.json() == {"assistant": "ok", "database": "ok"}
    assert health_answered_while_waiting, "the server's event loop was free while a save waited on the lock"


def test_typed_text_never_chooses_an_intent(servers, sender):
    answer = post(servers, sender, 1, message="/disclose_immediate_danger")

    assert answer.status_code == 200
    assert not answer.json()["replies"][0]["text"].startswith("Call 999 now")
    (stored,) = stored_messages(servers.tracker_db, sender)
    assert stored["parse_data"]["intent"]["name"] != "disclose_immediate_danger"
    assert stored["text"].lstrip("\u200b") == "/disclose_immediate_danger", "the words are kept as written"


def test_a_button_the_bot_offers_is_answered_and_any_other_payload_is_refused(servers, sender):
    offered = post(servers, sender, 1, button="/ask_block_and_report")
    made_up = post(servers, sender, 2, button="/disclose_immediate_danger")

    assert offered.status_code == 200
    assert "block" in " ".join(reply.get("text", "") for reply in offered.json()["replies"]).lower()
    assert made_up.status_code == 400
    assert [message["text"] for message in stored_messages(servers.tracker_db, sender)] == [
        "/ask_block_and_report"
    ]
