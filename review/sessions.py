"""Signed-in sessions kept in the database. The cookie carries only a random session id and the
table only its SHA-256, so signing out, a new password or a removed account ends the session even
for someone who copied the cookie, and a copy of the database gives no usable cookie."""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from review.schema import counsellors, sessions
from review.store import ReviewStore

TOUCH_EVERY_SECONDS = 60  # how stale last_seen_at may get: one write a minute, not one a request


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def start(store: ReviewStore, username: str, max_seconds: int) -> str:
    """A new session for a counsellor who just signed in; returns the id for the cookie."""
    session_id = secrets.token_urlsafe(32)
    now = store.clock()
    with store.engine.begin() as connection:
        connection.execute(sa.delete(sessions).where(sessions.c.started_at < now - max_seconds))
        connection.execute(
            sa.insert(sessions).values(
                id_hash=_hash(session_id), username=username, started_at=now, last_seen_at=now
            )
        )
    return session_id


def counsellor_of(store: ReviewStore, session_id: str, idle_seconds: int, max_seconds: int) -> str | None:
    """Who is signed in with this session id, while the session is alive and the account exists."""
    now = store.clock()
    alive = (
        (sessions.c.id_hash == _hash(session_id))
        & (sessions.c.last_seen_at > now - idle_seconds)
        & (sessions.c.started_at > now - max_seconds)
    )
    with store.engine.begin() as connection:
        row = connection.execute(
            sa.select(sessions.c.username, sessions.c.last_seen_at)
            .join(counsellors, counsellors.c.username == sessions.c.username)
            .where(alive)
        ).first()
        if row and now - row.last_seen_at > TOUCH_EVERY_SECONDS:
            connection.execute(sa.update(sessions).where(alive).values(last_seen_at=now))
    return row.username if row else None


def end(store: ReviewStore, session_id: str) -> None:
    with store.engine.begin() as connection:
        connection.execute(sa.delete(sessions).where(sessions.c.id_hash == _hash(session_id)))


def end_all(connection: Connection, username: str) -> None:
    """Every session of a counsellor whose password changed or whose account was removed."""
    connection.execute(sa.delete(sessions).where(sessions.c.username == username))
