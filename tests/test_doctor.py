"""make doctor tells a newcomer what the machine lacks and how to fix it, before any setup starts."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts.doctor import GB, check_disk, check_python
from settings import ROOT

PORT_VARIABLES = ("WIDGET_PORT", "REVIEW_PORT", "RASA_PORT", "ACTION_PORT")


def doctor(*arguments: str, **environment: str) -> subprocess.CompletedProcess[str]:
    """scripts/doctor.py as make runs it: with the system's Python, before .venv exists."""
    return subprocess.run(
        [sys.executable, "scripts/doctor.py", *arguments],
        cwd=ROOT,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def free_ports() -> Iterator[dict[str, str]]:
    """Four ports nothing listens on, one for each service make run starts."""
    sockets = [socket.socket() for _ in PORT_VARIABLES]
    for each in sockets:
        each.bind(("127.0.0.1", 0))
    ports = {
        variable: str(each.getsockname()[1]) for variable, each in zip(PORT_VARIABLES, sockets, strict=True)
    }
    for each in sockets:
        each.close()
    yield ports


def test_a_port_already_taken_is_named_with_how_to_fix_it_and_make_run_stops_there(
    free_ports: dict[str, str],
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", int(free_ports["REVIEW_PORT"])))
        taken.listen()
        seen = doctor("run", "--quiet", **free_ports)
    port = free_ports["REVIEW_PORT"]
    assert seen.returncode == 1
    assert f"MISSING  port {port} (the review app) is already taken" in seen.stdout
    assert f"REVIEW_PORT={int(port) + 1} make run" in seen.stdout
    assert "the chat page" not in seen.stdout  # --quiet: what is fine is not listed


def test_with_nothing_missing_it_says_so_and_lets_make_go_on(free_ports: dict[str, str]) -> None:
    seen = doctor("run", **free_ports)
    assert seen.returncode == 0, seen.stdout
    assert f"ok       port {free_ports['WIDGET_PORT']} (the chat page) is free" in seen.stdout
    assert seen.stdout.rstrip().endswith("Nothing missing.")


def test_another_python_than_3_11_is_refused_with_the_python_to_install() -> None:
    finding = check_python((3, 12), "/usr/bin/python3")
    assert not finding.ok and finding.blocking
    assert finding.what == "Python 3.12 (/usr/bin/python3): the locked packages need Python 3.11"
    assert "make run PYTHON=python3.11" in finding.fix


def test_too_little_disk_for_the_environment_and_models_is_refused(tmp_path: Path) -> None:
    finding = check_disk(tmp_path, free_bytes=2 * GB)
    assert not finding.ok
    assert finding.what == f"2.0 GB free in {tmp_path} (about 6 GB needed)"
    assert finding.fix.startswith("free 4.0 GB more")
    assert check_disk(tmp_path, free_bytes=7 * GB).ok
