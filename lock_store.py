"""Rasa's Redis lock store, made safe for several Rasa servers: each change to a conversation's lock is
one Redis transaction, configured by one URL (the LOCK_STORE_URL variable, deploy/endpoints-replicas.yml).

Rasa's RedisLockStore reads a conversation's ticket lock, changes it in Python and writes it back. Two
servers taking a ticket for the same conversation at the same moment can both read "no lock", both take
ticket 0 and both run the turn at once; the second save then stores nothing of its turn (measured: 3 to
15 of 200 conversations held by two processes at once, 2 to 6 of 192 turns answered but never stored,
docs/replicas.md). Here every read-change-write runs under Redis WATCH/MULTI and is tried again if
another server changed the lock in between, so tickets are unique and served in the order they were
issued, whichever server issued them.
"""

from __future__ import annotations

import json
import math
from collections.abc import AsyncGenerator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

Result = TypeVar("Result")

# How often a turn waiting for its conversation's lock looks again. Rasa waits a whole second; a Redis
# GET every 50 ms per waiting turn costs little and takes most of that second off the waiting turn.
POLL_SECONDS = 0.05
DEFAULT_REDIS_PORT = 6379
DEFAULT_REDIS_DB = 1  # Rasa's own default for the lock store


def redis_settings(url: str) -> dict[str, Any]:
    """RedisLockStore's arguments from redis://[[user]:password@]host[:port][/db] (rediss:// for TLS)."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise ValueError("the lock store needs a redis:// or rediss:// URL: LOCK_STORE_URL, docs/replicas.md")
    database = parts.path.strip("/")
    return {
        "host": parts.hostname,
        "port": parts.port or DEFAULT_REDIS_PORT,
        "db": int(database) if database else DEFAULT_REDIS_DB,
        "username": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password else None,
        "use_ssl": parts.scheme == "rediss",
    }


class AtomicRedisLockStore(RedisLockStore):
    """RedisLockStore whose ticket changes are Redis transactions; endpoints.yml gives `url` (and may
    give `key_prefix`, `socket_timeout`, the `ssl_*` files)."""

    def __init__(
        self, endpoint_config: EndpointConfig | None = None, url: str | None = None, **kwargs: Any
    ) -> None:
        if endpoint_config is not None:  # how Rasa builds a lock store named by its module path
            url = url or endpoint_config.url
            kwargs = {**endpoint_config.kwargs, **kwargs}
        if not url:
            raise ValueError("the lock store needs a URL: set LOCK_STORE_URL (see docs/replicas.md)")
        super().__init__(**{**redis_settings(url), **kwargs})  # a key given beside the URL wins

    def _change(
        self, conversation_id: str, change: Callable[[TicketLock | None], tuple[TicketLock | None, Result]]
    ) -> Result:
        """Read the lock, let `change` return it altered (or a new one, or None), write that back, all or
        nothing: if another server wrote the lock meanwhile, Redis refuses the write and this starts again."""
        key = self.key_prefix + conversation_id

        def attempt(pipe: Any) -> Result:
            stored = pipe.get(key)  # after WATCH, commands run at once until multi()
            lock, outcome = change(TicketLock.from_dict(json.loads(stored)) if stored else None)
            if lock is not None:
                lock.remove_expired_tickets()
            pipe.multi()
            if lock is not None and lock.tickets:
                # The key outlives its last ticket by a second at most: a server that dies mid-turn
                # leaves nothing behind in Redis for long.
                expires = math.ceil(max(ticket.expires for ticket in lock.tickets)) + 1
                pipe.set(key, lock.dumps(), exat=expires)
            elif stored:
                pipe.delete(key)
            return outcome

        return self.red.transaction(attempt, key, value_from_callable=True)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def take(lock: TicketLock | None) -> tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, take)
        except Exception as failure:  # noqa: BLE001 - Rasa's callers expect a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{failure}") from failure

    def update_lock(self, conversation_id: str) -> None:
        """Drop expired tickets (the lock is written back without them)."""
        self._change(conversation_id, lambda lock: (lock, None))

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def finish(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, finish)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Give the ticket back; the lock goes with its last ticket, in the same transaction (Rasa's
        version reads again before deleting, and can delete a ticket another server just took)."""
        self.finish_serving(conversation_id, ticket_number)

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = POLL_SECONDS,
    ) -> AsyncGenerator[TicketLock, None]:
        async with super().lock(conversation_id, lock_lifetime, wait_time_in_seconds) as held:
            yield held
