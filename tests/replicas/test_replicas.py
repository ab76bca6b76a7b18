"""Two Rasa servers behind HAProxy, sharing PostgreSQL and the Redis lock store, as a deployment past one
machine runs them (deploy/). 32 conversations at once; each conversation's messages go two at a time,
posted together, one to each replica, then two together through HAProxy. Every turn must be stored
exactly once, whole (no other turn of the conversation inside it), and in the order it was sent. Then
one replica is killed (SIGKILL) while conversations go through HAProxy, the messages it cut are sent
again as the chat page does, and the same holds; once the watchdog has started it again, the pairs sent
at once to both replicas pass again."""

from __future__ import annotations

import itertools
import json
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any

import pytest
import requests
import sqlalchemy as sa

from deploy.replicas import ReplicaSet
from launcher.services import ROOT

pytestmark = pytest.mark.e2e

CONVERSATIONS = 32
AT_ONCE = 16  # conversations in flight together (each with two messages in flight)
MESSAGES = [
    "hi",
    "how do i make my account private",
    "some1 online keeps asking me for pics",
    "what should i do",
    "how do i block someone",
    "thanks bye",
]
TURN_SECONDS = 120
RESEND_SECONDS = 150  # the killed replica's ticket holds its conversation until it expires (60 s)
FIGURES = ROOT / "results" / "replicas"


@dataclass
class Figures:
    conversations: int = 0
    turns_sent: int = 0
    answered: int = 0
    stored: int = 0
    duplicated: int = 0
    missing: int = 0
    out_of_order: int = 0
    not_whole: int = 0
    resent: int = 0
    seconds: float = 0.0

    def record(self, name: str) -> None:
        FIGURES.mkdir(parents=True, exist_ok=True)
        (FIGURES / f"{name}.json").write_text(json.dumps(asdict(self), indent=2) + "\n")
        print(f"\n{name}: {self}")

    def assert_every_turn_stored_once_in_order(self) -> None:
        assert self.answered == self.turns_sent
        assert (self.stored, self.duplicated, self.missing) == (self.turns_sent, 0, 0)
        assert (self.out_of_order, self.not_whole) == (0, 0)


def post(url: str, sender: str, message_id: int, together: threading.Barrier) -> int:
    together.wait(timeout=30)  # both messages of a pair leave at the same moment
    response = requests.post(
        f"{url}/webhooks/widget/webhook",
        json={"sender": sender, "id": message_id, "message": MESSAGES[message_id]},
        timeout=TURN_SECONDS,
    )
    assert response.status_code == 200, response.text
    assert response.json()["replies"], f"message {message_id} got no reply"
    return message_id


def converse(stack: ReplicaSet, sender: str) -> int:
    """Messages 0 and 1 together to replicas 1 and 2, 2 and 3 to replicas 2 and 1, 4 and 5 through
    HAProxy; each pair once the one before is answered. Returns how many were answered."""
    first, second = stack.replica_urls
    pairs = [(first, second), (second, first), (stack.url, stack.url)]
    answered = 0
    with ThreadPoolExecutor(max_workers=2) as senders:
        for pair_number, urls in enumerate(pairs):
            together = threading.Barrier(2)
            sent = [
                senders.submit(post, url, sender, 2 * pair_number + offset, together)
                for offset, url in enumerate(urls)
            ]
            answered += sum(1 for message in sent if message.result() is not None)
    return answered


def stored_events(tracker_store_url: str, senders: list[str]) -> dict[str, list[dict[str, Any]]]:
    engine = sa.create_engine(tracker_store_url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT sender_id, data FROM events WHERE sender_id IN :senders ORDER BY id").bindparams(
                sa.bindparam("senders", expanding=True)
            ),
            {"senders": senders},
        ).fetchall()
    engine.dispose()
    events: dict[str, list[dict[str, Any]]] = {sender: [] for sender in senders}
    for sender, data in rows:
        events[sender].append(json.loads(data))
    return events


def check(events: list[dict[str, Any]], figures: Figures, sent_together: int = 2) -> None:
    """Count, for one conversation: each message stored once; in the order sent (the messages of a group
    `sent_together` may be either way round, they left together); each turn whole, i.e. every user event
    comes after the previous turn ended (action_listen) and has a reply before the next."""
    said = [event for event in events if event["event"] == "user"]
    ids = [int(event["message_id"]) for event in said]
    figures.stored += len(set(ids))
    figures.duplicated += len(ids) - len(set(ids))
    figures.missing += len(set(range(len(MESSAGES))) - set(ids))
    figures.out_of_order += sum(
        1 for before, after in itertools.pairwise(ids) if before // sent_together > after // sent_together
    )
    for position, event in enumerate(events):
        if event["event"] != "user":
            continue
        previous = events[position - 1] if position else {}
        rest = events[position + 1 :]
        next_user = next((index for index, later in enumerate(rest) if later["event"] == "user"), len(rest))
        replied = any(later["event"] == "bot" for later in rest[:next_user])
        if previous.get("name") != "action_listen" or not replied:
            figures.not_whole += 1


def run_conversations(stack: ReplicaSet, count: int) -> Figures:
    senders = [uuid.uuid4().hex for _ in range(count)]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=AT_ONCE) as conversations:
        answered = list(conversations.map(lambda sender: converse(stack, sender), senders))
    figures = Figures(
        conversations=count,
        turns_sent=count * len(MESSAGES),
        answered=sum(answered),
        seconds=round(time.monotonic() - started, 1),
    )
    for events in stored_events(stack.tracker_store_url, senders).values():
        check(events, figures)
    return figures


def test_turns_sent_to_both_replicas_at_once_are_stored_once_and_in_order(two_replicas: ReplicaSet) -> None:
    figures = run_conversations(two_replicas, CONVERSATIONS)
    figures.record("two-replicas")
    figures.assert_every_turn_stored_once_in_order()


def send_until_answered(url: str, sender: str, message_id: int) -> int:
    """Send one message through HAProxy as the chat page does: again (marked a re-send) after a failure,
    until it is answered. Returns how many times it was sent again."""
    deadline = time.monotonic() + RESEND_SECONDS
    message = {"sender": sender, "id": message_id, "message": MESSAGES[message_id]}
    for resent in itertools.count():
        try:
            response = requests.post(
                f"{url}/webhooks/widget/webhook", json={**message, "resend": resent > 0}, timeout=TURN_SECONDS
            )
            if response.status_code == 200 and response.json()["replies"]:
                return resent
        except requests.RequestException:
            pass  # the connection was cut: the replica died with the request
        assert time.monotonic() < deadline, f"message {message_id} was not answered in {RESEND_SECONDS} s"
        time.sleep(1)
    raise AssertionError("unreachable")


def test_a_replica_killed_mid_conversation_loses_nothing_and_comes_back(two_replicas: ReplicaSet) -> None:
    senders = [uuid.uuid4().hex for _ in range(AT_ONCE)]
    killed = two_replicas.services.process("rasa-1")
    started = time.monotonic()

    def converse_through_haproxy(sender: str) -> int:
        return sum(send_until_answered(two_replicas.url, sender, number) for number in range(len(MESSAGES)))

    with ThreadPoolExecutor(max_workers=AT_ONCE) as conversations:
        resent = conversations.map(converse_through_haproxy, senders)
        time.sleep(1)  # conversations under way on both replicas
        killed.kill()
        resent = list(resent)
    figures = Figures(
        conversations=len(senders),
        turns_sent=len(senders) * len(MESSAGES),
        answered=len(senders) * len(MESSAGES),
        resent=sum(resent),
        seconds=round(time.monotonic() - started, 1),
    )
    for events in stored_events(two_replicas.tracker_store_url, senders).values():
        check(events, figures, sent_together=1)
    figures.record("one-replica-killed")
    figures.assert_every_turn_stored_once_in_order()

    # The launcher's watchdog starts it again; HAProxy's health check puts it back in service.
    two_replicas.services.wait_until_ready("rasa-1", instead_of=killed)
    back = run_conversations(two_replicas, AT_ONCE)
    back.record("after-the-restart")
    back.assert_every_turn_stored_once_in_order()
