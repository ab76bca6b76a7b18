"""What the launcher's tests share: free ports, and checks that nothing is left running."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from launcher.services import LOOPBACK, Settings
from scripts.doctor import port_is_taken
from tests.e2e.conftest import free_port  # noqa: F401 - one way to find a free port


def is_gone(pid: int) -> bool:
    """True when no process has this pid, or only an unreaped zombie (it holds no port)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state == "Z"


def port_is_free(port: int) -> bool:
    """Whether a server could listen on the port now (SO_REUSEADDR, as servers set it)."""
    return not port_is_taken(port, LOOPBACK)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(tracker_db=tmp_path / "transcripts" / "tracker.db", auth_token="stand-in")


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """The loosest umask, so modes the test sees come from the code, not from the test's umask."""
    previous = os.umask(0)
    yield
    os.umask(previous)


@pytest.fixture
def free_port_settings(tmp_path: Path) -> Settings:
    """Every service on a free port, its own transcripts, a token, and an empty model folder."""
    (tmp_path / "models").mkdir()
    return Settings(
        rasa_port=free_port(),
        action_port=free_port(),
        widget_port=free_port(),
        review_port=free_port(),
        tracker_db=tmp_path / "transcripts" / "tracker.db",
        auth_token=secrets.token_urlsafe(24),
        models=tmp_path / "models",
    )
