"""Rasa's SQL tracker store, configured by one SQLAlchemy URL (the TRACKER_STORE_URL variable).

endpoints.yml names `tracker_store.URLTrackerStore` with `url: ${TRACKER_STORE_URL}`; the Makefile and
launcher/ set that variable, by default to the SQLite file in TRACKER_DB. The review app reads the same URL.

Two changes to Rasa's SQLTrackerStore, both so that no conversation stalls or is lost:
- SQLite is opened as database.py opens it for every process: a private file, WAL, a busy timeout.
- Rasa's SQL calls block. Here each runs in a worker thread, so while one conversation waits on the
  database (a writer's lock, a slow PostgreSQL) every other conversation carries on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterable
from pathlib import Path
from typing import Any, TypeVar

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

import database

Result = TypeVar("Result")


def sqlite_url(path: Path | str) -> str:
    """The SQLAlchemy URL of a SQLite file (an absolute path gives four slashes)."""
    return f"sqlite:///{path}"


async def in_worker_thread(work: Callable[..., Coroutine[Any, Any, Result]], *arguments: Any) -> Result:
    """Run one of Rasa's store methods (async in name, blocking inside) on its own loop in a thread."""
    return await asyncio.to_thread(asyncio.run, work(*arguments))


class URLTrackerStore(SQLTrackerStore):
    """Rasa's own SQLTrackerStore, given `url` instead of dialect, host, port, db ...

    Rasa passes endpoints.yml's `url` as `host`, so either keyword works.
    """

    def __init__(
        self,
        domain: Domain | None = None,
        host: str | None = None,
        event_broker: EventBroker | None = None,
        url: str | None = None,
        **kwargs: Any,
    ) -> None:
        address = url or host
        if not address:
            raise ValueError("the tracker store needs a URL: set TRACKER_STORE_URL (see README)")
        path = database.sqlite_path(address)
        if path is not None:
            database.create_private_file(path)  # before Rasa's engine first opens it
        parsed = make_url(address)
        super().__init__(
            domain=domain,
            dialect=parsed.drivername,
            host=parsed.host,
            port=parsed.port,
            db=parsed.database,
            username=parsed.username,
            password=parsed.password,
            query=dict(parsed.query) or None,
            event_broker=event_broker,
            **kwargs,
        )
        database.prepare(self.engine)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await in_worker_thread(super().save, tracker)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return await in_worker_thread(super().retrieve, sender_id)

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        return await in_worker_thread(super().retrieve_full_tracker, conversation_id)

    async def keys(self) -> Iterable[str]:
        return await in_worker_thread(super().keys)
