"""How every process here opens the transcripts database: light enough for the review app and the
widget to import (no Rasa), used by tracker_store.py in the Rasa server too.

A SQLite file holds children's words and the counsellors' password hashes, so its folder is created
0700 and the file 0600 before SQLite first opens it (SQLite gives its -wal and -shm files the mode of
the database). Each connection then runs in WAL mode with a busy timeout, as a server's SQLite should:
readers never wait for the writer, and a writer waits for another writer instead of failing at once.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

# How long a writer waits for another writer before the save fails (and the turn with it).
BUSY_TIMEOUT_MS = 5_000


def sqlite_path(url: str) -> Path | None:
    """The file a sqlite:/// URL names; None for other databases and for in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def create_private_file(path: Path) -> None:
    """Create the folder 0700 and the file 0600 if missing; never widen or narrow what exists."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(descriptor)


def _tune_connection(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    # With WAL, NORMAL loses no committed transaction on a crash of the process, only on power loss.
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def prepare(engine: Engine) -> Engine:
    """Make a SQLite engine's file private and tune every connection it opens; others unchanged."""
    path = sqlite_path(str(engine.url))
    if path is None:
        return engine
    create_private_file(path)
    sa.event.listen(engine, "connect", _tune_connection)
    engine.dispose()  # connections opened before the listener was added are not reused
    return engine


def create_engine(url: str, **kwargs: Any) -> Engine:
    """sqlalchemy.create_engine, with SQLite made private and tuned as above.

    SQLite connections are kept open in a pool (SQLAlchemy 1.4 opens and closes one for every
    session on a file). Closing the last one checkpoints the WAL and deletes it: measured on the
    Rasa server under load, opening and closing took a sixth of its time.
    """
    if sqlite_path(url) is not None:
        kwargs.setdefault("connect_args", {})["check_same_thread"] = False
        kwargs.setdefault("poolclass", sa.pool.QueuePool)
        kwargs.setdefault("pool_size", 8)
        kwargs.setdefault("max_overflow", 8)
    else:
        kwargs.setdefault("pool_pre_ping", True)
    return prepare(sa.create_engine(url, **kwargs))
