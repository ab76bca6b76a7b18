"""The review store over conversations Rasa's own tracker store wrote, in SQLite and PostgreSQL."""

from __future__ import annotations

import io
import sqlite3
import stat

import pytest
from rasa.core.tracker_store import TrackerStore
from rasa.core.utils import AvailableEndpoints

from review.__main__ import main
from review.retention import purge
from review.store import ReviewStore, misunderstood_messages
from review.synthetic import Said, conversation, save, save_with_rasa
from safeguarding.levels import RiskLevel
from settings import ROOT
from tests.review.conftest import DAY, NOW, id_of, write
from tracker_store import URLTrackerStore


def senders(store: ReviewStore, **filters) -> list[str]:
    return [row["sender_id"] for row in store.list_conversations(**filters).rows]


def test_the_highest_level_comes_first(store):
    assert senders(store) == ["danger", "pictures", "bullying", "friend", "greeting"]


def test_reviewed_conversations_come_after_unreviewed_ones_of_the_same_level(store, database_url):
    write(database_url, {"danger-2": [Said("he is at my door", "immediate_danger")]}, start=NOW - 3600)
    assert senders(store)[:2] == ["danger-2", "danger"]  # newest first within a level
    store.set_reviewed(store.conversation(id_of(store, "danger-2")), "alex")
    assert senders(store)[:2] == ["danger", "danger-2"]


def test_a_corrected_level_moves_the_conversation(store):
    store.correct_level(
        store.conversation(id_of(store, "greeting")), "alex", RiskLevel.SELF_HARM, "said it later"
    )
    assert senders(store)[:2] == ["danger", "greeting"]


@pytest.mark.parametrize(
    ("level", "status", "expected"),
    [
        ("bullying", "all", ["bullying"]),
        ("flagged", "all", ["danger", "pictures", "bullying", "friend"]),
        ("none", "all", ["greeting"]),
        ("all", "reviewed", ["pictures"]),
        ("flagged", "unreviewed", ["danger", "bullying", "friend"]),
    ],
)
def test_filters_by_level_and_status(store, level, status, expected):
    store.set_reviewed(store.conversation(id_of(store, "pictures")), "alex")
    assert senders(store, level=level, status=status) == expected


def test_pages_hold_every_conversation_once(store):
    first, second, third = (store.list_conversations(page=page, per_page=2) for page in (1, 2, 3))
    assert (first.total, first.pages) == (5, 3)
    listed = [row["sender_id"] for page in (first, second, third) for row in page.rows]
    assert listed == senders(store)


def test_each_row_has_time_level_detectors_and_a_preview_of_the_worst_message(store):
    danger = store.list_conversations().rows[0]
    assert danger["level"] == RiskLevel.IMMEDIATE_DANGER
    assert danger["detectors"] == "classifier,matcher"
    assert danger["preview"].startswith("theres a man outside my house")
    assert danger["started_at"] < danger["last_at"]
    assert danger["message_count"] == 3


def test_refresh_reads_only_new_events_and_updates_a_growing_conversation(store, database_url):
    store.refresh()
    assert store.refresh() == 0  # nothing new: nothing read
    save_with_rasa(
        database_url,
        [conversation("greeting", [Said("hi"), Said("sum1 is hurting me", "self_harm")], NOW - DAY)],
    )
    assert store.refresh() >= 1  # PostgreSQL also re-reads the last ids (see POSTGRESQL_LOOKBACK_EVENTS)
    assert senders(store)[:2] == ["danger", "greeting"]


def test_the_transcript_highlights_the_flagged_turn_and_says_why(store):
    turns = store.turns("danger")
    assert [turn.sender for turn in turns] == ["user", "bot", "user", "bot", "user", "bot"]
    flagged = [turn for turn in turns if turn.flagged]
    assert [turn.text for turn in flagged] == ["theres a man outside my house and hes following me im scared"]
    assert flagged[0].flag.reason == (
        "Flagged immediate danger by the intent classifier and phrase detector "
        "(intent disclose_immediate_danger); phrase rules matched: followed_home."
    )


def test_misunderstood_marks_keep_what_the_suggestions_command_needs(store):
    danger = store.conversation(id_of(store, "danger"))
    message = next(turn for turn in store.turns("danger") if turn.text == "what do i do")
    store.mark_misunderstood(danger, message.event_id, "alex", "ask_how_to_report")
    store.mark_misunderstood(danger, message.event_id, "sam", "ask_who_to_talk_to")  # replaces the first
    [marked] = misunderstood_messages(store)
    assert (marked.text, marked.sender, marked.sender_id) == ("what do i do", "user", "danger")
    assert (marked.predicted_intent, marked.suggested_intent) == ("chitchat_greet", "ask_who_to_talk_to")
    assert (marked.marked_by, marked.marked_at, marked.message_at) == ("sam", NOW, message.timestamp)
    assert misunderstood_messages(store.url) == [marked]


def test_purge_deletes_old_conversations_except_those_marked_keep(store, database_url, clock):
    write(database_url, {"recent": [Said("hi")]}, start=NOW + 20 * DAY)
    store.set_keep(store.conversation(id_of(store, "danger")), "alex", keep=True)
    store.add_note(store.conversation(id_of(store, "bullying")), "alex", "called the school")
    clock.now = NOW + 30 * DAY
    purged = purge(store, older_than_days=30)
    assert sorted(conversation.sender_id for conversation in purged) == [
        "bullying",
        "friend",
        "greeting",
        "pictures",
    ]
    assert sorted(senders(store)) == ["danger", "recent"]
    assert store.events_of("bullying") == [] and store.notes_of("bullying") == []
    # The audit lines stay, and the purge is recorded.
    assert [row["action"] for row in store.audit_of("bullying")] == ["added note", "purged"]
    assert store.events_of("danger")


def test_after_the_newest_conversations_are_purged_a_new_danger_conversation_is_listed_first(
    store, database_url, clock
):
    """SQLite gives the ids of purged newest events to the next conversation Rasa writes."""
    store.set_keep(store.conversation(id_of(store, "greeting")), "alex", keep=True)  # the oldest ids
    clock.now = NOW + 30 * DAY
    assert len(purge(store, older_than_days=30)) == 4
    write(database_url, {"danger-after-purge": [Said("hes at the door now", "immediate_danger")]}, clock.now)
    assert senders(store) == ["danger-after-purge", "greeting"]
    assert store.list_conversations(level="flagged").total == 1


def test_rasa_writes_through_endpoints_yml_and_the_review_app_reads_it(database_url, monkeypatch):
    """The tracker store the Rasa server builds from endpoints.yml, given TRACKER_STORE_URL."""
    monkeypatch.setenv("TRACKER_STORE_URL", database_url)
    monkeypatch.setenv("ACTION_SERVER_URL", "http://127.0.0.1:5055/webhook")
    endpoints = AvailableEndpoints.read_endpoints(str(ROOT / "endpoints.yml"))
    rasa_store = TrackerStore.create(endpoints.tracker_store)
    assert isinstance(rasa_store, URLTrackerStore)
    assert rasa_store.engine.dialect.name == database_url.split(":")[0]

    save(
        rasa_store,
        [conversation("child-1", [Said("im scared he knows where i live", "sexual_exploitation")], NOW)],
    )
    rasa_store.engine.dispose()
    review_store = ReviewStore(database_url)
    [row] = review_store.list_conversations().rows
    assert (row["sender_id"], row["level"]) == ("child-1", RiskLevel.SEXUAL_EXPLOITATION)
    review_store.dispose()


def test_the_review_app_creates_the_database_private_and_in_wal_mode(tmp_path, monkeypatch):
    """No other local user can read a child's words or the password hashes (database.py)."""
    folder = tmp_path / "transcripts"
    monkeypatch.delenv("TRACKER_STORE_URL", raising=False)
    monkeypatch.setenv("TRACKER_DB", str(folder / "tracker.db"))
    monkeypatch.setenv("REVIEW_SECRET_KEY", "test")
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert main(["add-counsellor", "sam", "--password-stdin"]) == 0
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in folder.iterdir()}
    assert modes["tracker.db"] == 0o600 and set(modes.values()) == {0o600}
    with sqlite3.connect(folder / "tracker.db") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
