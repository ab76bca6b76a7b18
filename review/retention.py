"""Retention: conversations whose last message is older than N days are deleted, unless marked keep."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from review.schema import (
    conversations,
    events,
    index_state,
    level_corrections,
    misunderstood,
    notes,
)
from review.store import ReviewStore

DEFAULT_RETENTION_DAYS = 90
DAY = 86400


@dataclass(frozen=True)
class Purged:
    sender_id: str
    last_at: float
    event_count: int


def purge(store: ReviewStore, older_than_days: int) -> list[Purged]:
    """Delete old conversations' events from the tracker store and their review rows (notes,
    corrections, marks), then write one audit line saying what was purged. The audit lines stay."""
    if older_than_days < 1:
        raise ValueError("older_than_days must be at least 1")
    store.refresh()
    cutoff = store.clock() - older_than_days * DAY
    with store.engine.connect() as connection:
        kept = set(
            connection.execute(sa.select(conversations.c.sender_id).where(conversations.c.keep)).scalars()
        )
        old = connection.execute(
            sa.select(events.c.sender_id, sa.func.max(events.c.timestamp), sa.func.count())
            .group_by(events.c.sender_id)
            .having(sa.func.max(events.c.timestamp) < cutoff)
            .order_by(sa.func.max(events.c.timestamp))
        ).all()
    purged = [Purged(sender_id, last_at, count) for sender_id, last_at, count in old if sender_id not in kept]
    for conversation in purged:
        with store.engine.begin() as connection:
            for table in (events, conversations, notes, level_corrections, misunderstood):
                connection.execute(sa.delete(table).where(table.c.sender_id == conversation.sender_id))
            # SQLite gives the ids of deleted newest events to the next events written: move the
            # list's mark back to the newest event left, or it would never read them.
            remaining = connection.scalar(sa.select(sa.func.max(events.c.id))) or 0
            connection.execute(
                sa.update(index_state)
                .where(index_state.c.last_event_id > remaining)
                .values(last_event_id=remaining)
            )
            details = f"older than {older_than_days} days; {conversation.event_count} events"
            store.record("retention", "purged", conversation.sender_id, details, connection)
    return purged
