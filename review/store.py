"""Reads conversations from Rasa's tracker store and keeps the counsellors' review data beside them.

The list is a query on review_conversations, a summary table refreshed incrementally from Rasa's
`events` table (by the last event id read), so ordering, filtering and paging happen in SQL.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from database import create_engine
from review.schema import (
    audit_log,
    conversations,
    events,
    index_state,
    level_corrections,
    metadata,
    misunderstood,
    notes,
)
from review.transcript import Turn, summarise, turns_from_events
from safeguarding.levels import RiskLevel

# PostgreSQL hands out ids before commit, so a conversation's event can become visible after a
# higher id was read. Each refresh reads this far back again; re-summarising is idempotent.
POSTGRESQL_LOOKBACK_EVENTS = 1000
CHUNK = 500
PER_PAGE = 50
STATUSES = ("unreviewed", "reviewed", "all")

effective_level = sa.func.coalesce(conversations.c.corrected_level, conversations.c.level)
is_reviewed = sa.case((conversations.c.reviewed_at.is_(None), 0), else_=1)


class NotFoundError(LookupError):
    """No such conversation (or message in it)."""


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class MisunderstoodMessage:
    """A child's message a counsellor marked as misunderstood by the assistant."""

    text: str
    sender: str
    sender_id: str
    message_at: float | None
    predicted_intent: str | None
    suggested_intent: str | None
    marked_by: str
    marked_at: float


def _chunks(items: Sequence[str], size: int = CHUNK) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def insert_missing(connection: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING, in SQLite and PostgreSQL."""
    dialect = sqlite if connection.dialect.name == "sqlite" else postgresql
    connection.execute(dialect.insert(table).on_conflict_do_nothing(), rows)


class ReviewStore:
    """Everything the review app reads and writes, in the tracker store's database."""

    def __init__(self, url: str, clock: Callable[[], float] = time.time) -> None:
        self.url = url
        # database.py: a private SQLite file, WAL, a busy timeout, and connections any of waitress's
        # threads may use (check_same_thread off).
        self.engine = create_engine(url)
        self.clock = clock
        self._refresh_lock = threading.Lock()
        metadata.create_all(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()

    # --- the summary table ---------------------------------------------------------------

    def refresh(self) -> int:
        """Summarise every conversation with events newer than the last refresh; returns how many."""
        if not sa.inspect(self.engine).has_table("events"):
            return 0  # the assistant has not written a conversation yet
        with self._refresh_lock, self.engine.connect() as connection, connection.begin() as transaction:
            done = connection.scalar(sa.select(index_state.c.last_event_id))
            newest = connection.scalar(sa.select(sa.func.max(events.c.id)))
            if newest is None or newest <= (done or 0):
                return 0
            start = done or 0
            if self.engine.dialect.name == "postgresql":
                start = max(0, start - POSTGRESQL_LOOKBACK_EVENTS)
            senders = (
                connection.execute(sa.select(events.c.sender_id).where(events.c.id > start).distinct())
                .scalars()
                .all()
            )
            for chunk in _chunks(senders):
                self._summarise(connection, chunk)
            if done is None:
                connection.execute(sa.insert(index_state).values(name="events", last_event_id=newest))
                return len(senders)
            moved = sa.update(index_state).where(index_state.c.last_event_id == done)
            if connection.execute(moved.values(last_event_id=newest)).rowcount == 0:
                # A purge moved the mark back while this refresh read (see retention.purge): drop
                # this work, the next refresh reads again from where the purge left the mark.
                transaction.rollback()
                return 0
            return len(senders)

    def _summarise(self, connection: Connection, senders: Sequence[str]) -> None:
        stats = connection.execute(
            sa.select(
                events.c.sender_id,
                sa.func.min(events.c.timestamp),
                sa.func.max(events.c.timestamp),
                sa.func.max(events.c.id),
            )
            .where(events.c.sender_id.in_(senders))
            .group_by(events.c.sender_id)
        ).all()
        by_sender: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
        rows = connection.execute(
            sa.select(events.c.id, events.c.sender_id, events.c.data)
            .where(events.c.sender_id.in_(senders), events.c.type_name.in_(("user", "slot")))
            .order_by(events.c.id)
        )
        for event_id, sender_id, data in rows:
            by_sender[sender_id].append((event_id, json.loads(data)))
        existing = set(
            connection.execute(
                sa.select(conversations.c.sender_id).where(conversations.c.sender_id.in_(senders))
            ).scalars()
        )
        new, changed = [], []
        for sender_id, started_at, last_at, last_event_id in stats:
            summary = summarise(turns_from_events(by_sender[sender_id]))
            values = {
                "started_at": started_at,
                "last_at": last_at,
                "last_event_id": last_event_id,
                "message_count": summary.message_count,
                "level": int(summary.level),
                "detectors": ",".join(summary.detectors),
                "preview": summary.preview,
            }
            if sender_id in existing:
                changed.append({"key": sender_id, **values})
            else:
                new.append({"sender_id": sender_id, "keep": False, **values})
        if new:
            connection.execute(sa.insert(conversations), new)
        if changed:
            connection.execute(
                sa.update(conversations)
                .where(conversations.c.sender_id == sa.bindparam("key"))
                .values({name: sa.bindparam(name) for name in changed[0] if name != "key"}),
                changed,
            )

    # --- reading ---------------------------------------------------------------------------

    def list_conversations(
        self, level: str = "all", status: str = "all", page: int = 1, per_page: int = PER_PAGE
    ) -> Page:
        """Highest level first, unreviewed before reviewed, newest first; `level` is a label,
        "flagged" (any level above none) or "all"; `status` one of STATUSES."""
        self.refresh()
        conditions = []
        if level == "flagged":
            conditions.append(effective_level > int(RiskLevel.NONE))
        elif level != "all":
            conditions.append(effective_level == int(RiskLevel.from_label(level)))
        if status == "unreviewed":
            conditions.append(conversations.c.reviewed_at.is_(None))
        elif status == "reviewed":
            conditions.append(conversations.c.reviewed_at.is_not(None))
        page = max(1, page)
        with self.engine.connect() as connection:
            total = connection.scalar(
                sa.select(sa.func.count()).select_from(conversations).where(*conditions)
            )
            rows = connection.execute(
                sa.select(conversations, effective_level.label("effective_level"))
                .where(*conditions)
                .order_by(
                    effective_level.desc(),
                    is_reviewed,
                    conversations.c.last_at.desc(),
                    conversations.c.id.desc(),
                )
                .limit(per_page)
                .offset((page - 1) * per_page)
            )
            return Page(
                rows=[dict(row._mapping) for row in rows], total=total or 0, page=page, per_page=per_page
            )

    def conversation(self, conversation_id: int) -> dict[str, Any]:
        self.refresh()
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(conversations, effective_level.label("effective_level")).where(
                    conversations.c.id == conversation_id
                )
            ).first()
        if row is None:
            raise NotFoundError(conversation_id)
        return dict(row._mapping)

    def events_of(self, sender_id: str) -> list[tuple[int, dict[str, Any]]]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(events.c.id, events.c.data)
                .where(events.c.sender_id == sender_id)
                .order_by(events.c.id)
            )
            return [(event_id, json.loads(data)) for event_id, data in rows]

    def turns(self, sender_id: str) -> list[Turn]:
        return turns_from_events(self.events_of(sender_id))

    def _rows(self, table: sa.Table, sender_id: str) -> list[dict[str, Any]]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(table).where(table.c.sender_id == sender_id).order_by(table.c.id)
            )
            return [dict(row._mapping) for row in rows]

    def notes_of(self, sender_id: str) -> list[dict[str, Any]]:
        return self._rows(notes, sender_id)

    def corrections_of(self, sender_id: str) -> list[dict[str, Any]]:
        return self._rows(level_corrections, sender_id)

    def audit_of(self, sender_id: str) -> list[dict[str, Any]]:
        return self._rows(audit_log, sender_id)

    def misunderstood_of(self, sender_id: str) -> dict[int, dict[str, Any]]:
        return {row["event_id"]: row for row in self._rows(misunderstood, sender_id)}

    def audit_page(self, page: int = 1, per_page: int = PER_PAGE) -> Page:
        page = max(1, page)
        with self.engine.connect() as connection:
            total = connection.scalar(sa.select(sa.func.count()).select_from(audit_log))
            rows = connection.execute(
                sa.select(audit_log)
                .order_by(audit_log.c.id.desc())
                .limit(per_page)
                .offset((page - 1) * per_page)
            )
            return Page(
                rows=[dict(row._mapping) for row in rows], total=total or 0, page=page, per_page=per_page
            )

    # --- the counsellors' actions: each one also writes the audit log ---------------------------

    def record(
        self,
        counsellor: str,
        action: str,
        sender_id: str | None = None,
        details: str = "",
        connection: Connection | None = None,
    ) -> None:
        """Add one line to the audit log (the only way the app writes to it)."""
        statement = sa.insert(audit_log).values(
            at=self.clock(), counsellor=counsellor, action=action, sender_id=sender_id, details=details
        )
        if connection is not None:
            connection.execute(statement)
        else:
            with self.engine.begin() as own:
                own.execute(statement)

    def _update(
        self, conversation: dict[str, Any], counsellor: str, action: str, details: str, **values
    ) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                sa.update(conversations).where(conversations.c.id == conversation["id"]).values(**values)
            )
            self.record(counsellor, action, conversation["sender_id"], details, connection)

    def set_reviewed(self, conversation: dict[str, Any], counsellor: str, reviewed: bool = True) -> None:
        if reviewed:
            self._update(
                conversation,
                counsellor,
                "marked reviewed",
                "",
                reviewed_by=counsellor,
                reviewed_at=self.clock(),
            )
        else:
            self._update(conversation, counsellor, "reopened", "", reviewed_by=None, reviewed_at=None)

    def set_keep(self, conversation: dict[str, Any], counsellor: str, keep: bool) -> None:
        """Lifting keep is for an admin (review.accounts.is_admin), checked by the caller."""
        if keep:
            self._update(conversation, counsellor, "marked keep", "kept from the retention purge", keep=True)
        else:
            self._update(conversation, counsellor, "removed keep", "by an admin", keep=False)

    def correct_level(
        self, conversation: dict[str, Any], counsellor: str, level: RiskLevel, reason: str
    ) -> None:
        reason = reason.strip()
        if not reason:
            raise ValueError("a level correction needs a reason")
        before = RiskLevel(conversation["effective_level"])
        with self.engine.begin() as connection:
            connection.execute(
                sa.update(conversations)
                .where(conversations.c.id == conversation["id"])
                .values(corrected_level=int(level))
            )
            connection.execute(
                sa.insert(level_corrections).values(
                    sender_id=conversation["sender_id"],
                    from_level=int(before),
                    to_level=int(level),
                    reason=reason,
                    counsellor=counsellor,
                    created_at=self.clock(),
                )
            )
            # The reason stays with the correction, not in the audit log, which outlives the purge.
            details = f"{before.label} -> {level.label}"
            self.record(counsellor, "corrected level", conversation["sender_id"], details, connection)

    def add_note(self, conversation: dict[str, Any], counsellor: str, text: str) -> None:
        text = text.strip()
        if not text:
            raise ValueError("a note needs some text")
        with self.engine.begin() as connection:
            connection.execute(
                sa.insert(notes).values(
                    sender_id=conversation["sender_id"],
                    text=text,
                    counsellor=counsellor,
                    created_at=self.clock(),
                )
            )
            self.record(counsellor, "added note", conversation["sender_id"], "", connection)

    def mark_misunderstood(
        self, conversation: dict[str, Any], event_id: int, counsellor: str, suggested_intent: str | None
    ) -> None:
        """Mark one of the child's messages; marking it again replaces the suggested intent."""
        sender_id = conversation["sender_id"]
        turn = next(
            (turn for turn in self.turns(sender_id) if turn.event_id == event_id and turn.sender == "user"),
            None,
        )
        if turn is None:
            raise NotFoundError(event_id)
        values = {
            "sender_id": sender_id,
            "event_id": event_id,
            "text": turn.text,
            "sender": turn.sender,
            "message_at": turn.timestamp,
            "predicted_intent": turn.intent,
            "suggested_intent": suggested_intent or None,
            "counsellor": counsellor,
            "created_at": self.clock(),
        }
        with self.engine.begin() as connection:
            connection.execute(sa.delete(misunderstood).where(misunderstood.c.event_id == event_id))
            connection.execute(sa.insert(misunderstood).values(**values))
            details = (
                f"message {event_id}: predicted {turn.intent or '-'}, should be {suggested_intent or '-'}"
            )
            self.record(counsellor, "marked misunderstood", sender_id, details, connection)


def misunderstood_messages(store: ReviewStore | str) -> list[MisunderstoodMessage]:
    """Every message counsellors marked as misunderstood, oldest mark first (for `make suggestions`).

    `store` is a ReviewStore or the tracker store's URL.
    """
    if isinstance(store, str):
        store = ReviewStore(store)
    with store.engine.connect() as connection:
        rows = connection.execute(sa.select(misunderstood).order_by(misunderstood.c.id))
        return [
            MisunderstoodMessage(
                text=row.text,
                sender=row.sender,
                sender_id=row.sender_id,
                message_at=row.message_at,
                predicted_intent=row.predicted_intent,
                suggested_intent=row.suggested_intent,
                marked_by=row.counsellor,
                marked_at=row.created_at,
            )
            for row in rows
        ]
