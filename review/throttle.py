"""The sign-in throttle: tries counted per name typed and per client address, each in one database
row changed by a single UPDATE, so parallel requests cannot get more tries than one after another.
Five tries are free; then each failure makes the next try wait twice as long, up to five minutes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from review.schema import sign_in_throttle as throttle
from review.store import ReviewStore, insert_missing

FREE_TRIES = 5
FIRST_WAIT_SECONDS = 30
LONGEST_WAIT_SECONDS = 5 * 60  # never locked out for good: at worst one try every five minutes
FORGET_AFTER_SECONDS = 86400


def keys(username: str, address: str) -> list[str]:
    """The address first: every transaction takes the rows in the same order (PostgreSQL row locks)."""
    return [f"address:{address}", f"name:{username}"]


def _take(connection: Connection, key: str, now: float) -> bool:
    """Count a try against one key unless it is blocked; True if counted."""
    empty = {"failures": 0, "wait_seconds": 0, "blocked_until": 0.0, "refused": 0}
    insert_missing(connection, throttle, [{"key": key, "last_failed_at": now, **empty}])
    failures = throttle.c.failures + 1
    wait = sa.case(
        (failures < FREE_TRIES, 0),
        (throttle.c.wait_seconds == 0, FIRST_WAIT_SECONDS),
        (throttle.c.wait_seconds * 2 > LONGEST_WAIT_SECONDS, LONGEST_WAIT_SECONDS),
        else_=throttle.c.wait_seconds * 2,
    )
    counted = connection.execute(
        sa.update(throttle)
        .where(throttle.c.key == key, throttle.c.blocked_until <= now)
        .values(failures=failures, wait_seconds=wait, blocked_until=now + wait, last_failed_at=now)
    )
    return counted.rowcount == 1


def take_try(store: ReviewStore, keys: Sequence[str]) -> float:
    """Count a try (as a failure until clear() says otherwise) against every key: 0 when allowed,
    else the seconds to wait. A refused try counts only in its keys' `refused` column."""
    now = store.clock()
    with store.engine.connect() as connection:
        with connection.begin() as transaction:
            forgotten = (throttle.c.last_failed_at < now - FORGET_AFTER_SECONDS) & (
                throttle.c.blocked_until < now
            )
            connection.execute(sa.delete(throttle).where(forgotten))
            if all(_take(connection, key, now) for key in keys):
                return 0.0
            transaction.rollback()
        with connection.begin():
            blocked = throttle.c.key.in_(keys) & (throttle.c.blocked_until > now)
            connection.execute(sa.update(throttle).where(blocked).values(refused=throttle.c.refused + 1))
            until = connection.scalar(sa.select(sa.func.max(throttle.c.blocked_until)).where(blocked))
    return max(1.0, (until or now) - now)


def clear(connection: Connection, keys: Sequence[str]) -> list[dict[str, Any]]:
    """Forget the counters of these keys (after a sign-in, a new password or an unlock); returns them."""
    rows = connection.execute(sa.select(throttle).where(throttle.c.key.in_(keys)).order_by(throttle.c.key))
    cleared = [dict(row._mapping) for row in rows]
    connection.execute(sa.delete(throttle).where(throttle.c.key.in_(keys)))
    return cleared


def unlock(store: ReviewStore, names_or_addresses: Sequence[str]) -> list[dict[str, Any]]:
    """`python -m review unlock`: let these names and addresses try again at once."""
    wanted = [key for value in names_or_addresses for key in keys(value.strip().lower(), value.strip())]
    with store.engine.begin() as connection:
        cleared = clear(connection, wanted)
        for row in cleared:
            details = f"{row['key']}: {row['failures']} tries counted, {row['refused']} refused"
            store.record("command line", "unlocked sign-in", details=details, connection=connection)
    return cleared
