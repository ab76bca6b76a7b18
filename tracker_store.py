"""Rasa's SQL tracker store, configured by one SQLAlchemy URL (the TRACKER_STORE_URL variable).

endpoints.yml names `tracker_store.URLTrackerStore` with `url: ${TRACKER_STORE_URL}`; the Makefile and
launcher/ set that variable, by default to the SQLite file in TRACKER_DB. The review app reads the same URL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from sqlalchemy.engine import make_url


def sqlite_url(path: Path | str) -> str:
    """The SQLAlchemy URL of a SQLite file (an absolute path gives four slashes)."""
    return f"sqlite:///{path}"


class URLTrackerStore(SQLTrackerStore):
    """Rasa's own SQLTrackerStore, unchanged, but given `url` instead of dialect, host, port, db ...

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
