"""Rasa's SQL tracker store, configured by one SQLAlchemy URL (the TRACKER_STORE_URL variable).

endpoints.yml names `tracker_store.URLTrackerStore` with `url: ${TRACKER_STORE_URL}`; the Makefile and
launcher/ set that variable, by default to the SQLite file in TRACKER_DB. The review app reads the same URL.

Two changes to Rasa's SQLTrackerStore, both so that no conversation stalls or is lost:
- SQLite is opened as database.py opens it for every process: a private file, WAL, a busy timeout,
  connections kept in a pool.
- Rasa's SQL calls block. Here each runs in a worker thread, so while one conversation waits on the
  database (a writer's lock, a slow PostgreSQL) every other conversation carries on.
- A turn reads only the latest RECENT_TURNS turns of its conversation, with the slots' values from
  before carried in, and writes only its new events. Rasa reads, rebuilds and featurises the whole
  conversation on every turn and counts its stored events before each save, so each message cost
  more than the one before (3 times as much by the 300th). The policies look 5 turns back
  (config.yml), so they decide as before. Every event stays in the database for counsellors.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable, Coroutine, Iterable
from pathlib import Path
from typing import Any, TypeVar

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

import database

Result = TypeVar("Result")

# How many of a conversation's latest turns a turn reads: the policies need 5 (max_history in
# config.yml); the safety reminder (actions/reminders.py) does not repeat one given in this many.
RECENT_TURNS = 10
# Set on a tracker this store read: how many of its events are already in the database.
STORED = "_stay_safe_events_stored"
CARRIED_IN = {"carried_in": True}  # metadata of the slot events that stand for earlier turns


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
            raise ValueError("the tracker store needs a URL: set TRACKER_STORE_URL (see docs/review-app.md)")
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
        if path is not None:
            # Rasa made its engine from the URL with SQLAlchemy's defaults; use ours (pooled, tuned).
            self.engine.dispose()
            self.engine = database.create_engine(address)
            self.sessionmaker = sessionmaker(bind=self.engine)

    async def save(self, tracker: DialogueStateTracker) -> None:
        if getattr(tracker, STORED, None) is None:
            if tracker.events and tracker.events[0].metadata == CARRIED_IN:
                # A copy of a shortened tracker lost its mark: counting would skip its new events.
                raise RuntimeError("cannot tell which events of this shortened conversation are new")
            await in_worker_thread(super().save, tracker)
            return
        await self.stream_events(tracker)
        await asyncio.to_thread(self._save_new_events, tracker)

    def _save_new_events(self, tracker: DialogueStateTracker) -> None:
        """Write the events added since the tracker was read, as SQLTrackerStore.save writes them."""
        new = list(itertools.islice(tracker.events, getattr(tracker, STORED), None))
        with self.session_scope() as session:
            for event in new:
                data = event.as_dict()
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=data.get("parse_data", {}).get("intent", {}).get("name"),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()
        setattr(tracker, STORED, len(tracker.events))

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return await asyncio.to_thread(self._retrieve_recent, sender_id)

    def _retrieve_recent(self, sender_id: str) -> DialogueStateTracker | None:
        """The latest RECENT_TURNS turns of the current session, after one SlotSet per slot holding
        its value from before them; None for a conversation never stored."""
        event = self.SQLEvent
        with self.session_scope() as session:
            in_session = self._event_query(session, sender_id, fetch_events_from_all_sessions=False)
            start = (
                in_session.filter(event.type_name == UserUttered.type_name)
                .with_entities(event.id)
                .order_by(None)
                .order_by(event.id.desc())
                .offset(RECENT_TURNS - 1)
                .limit(1)
                .scalar()
            )
            if start is None:
                rows, earlier_slots = in_session.all(), []
            else:
                rows = in_session.filter(event.id >= start).all()
                earlier_slots = in_session.filter(
                    event.id < start, event.type_name == SlotSet.type_name
                ).all()
            events = [json.loads(row.data) for row in rows]
        if not events or not self.domain:
            return None
        values: dict[str, Any] = {}
        for row in earlier_slots:
            slot = json.loads(row.data)
            values[slot["name"]] = slot["value"]
        carried = [
            SlotSet(name, value, timestamp=events[0]["timestamp"], metadata=CARRIED_IN).as_dict()
            for name, value in values.items()
        ]
        tracker = DialogueStateTracker.from_dict(sender_id, carried + events, self.domain.slots)
        setattr(tracker, STORED, len(tracker.events))
        return tracker

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        return await in_worker_thread(super().retrieve_full_tracker, conversation_id)

    async def keys(self) -> Iterable[str]:
        return await in_worker_thread(super().keys)
