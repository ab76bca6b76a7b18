"""Stopping `make run` with a signal to its whole process group (Ctrl-C in a terminal, systemd,
docker) leaves nothing running, although make passes the signal on and the launcher gets more."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from launcher.services import BIN, ROOT
from tests.launcher.conftest import free_port, is_gone, port_is_free
from tests.launcher.standins import pid_of


@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signals_to_the_process_group_stop_every_service_before_make_returns(
    tmp_path: Path, signal_number: int
) -> None:
    ports = [free_port() for _ in range(3)]
    # The recipe as the Makefile's `run` target has it, over stand-ins that take a second to stop.
    makefile = tmp_path / "Makefile"
    launch = f"{BIN / 'python'} -m tests.launcher.standins launch {tmp_path} {' '.join(map(str, ports))}"
    makefile.write_text(f"SHELL := /bin/bash\nrun:\n\texec {launch}\n")
    make = subprocess.Popen(
        ["make", "--no-print-directory", "-f", str(makefile), "run"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal gives `make run`
    )
    assert make.stdout is not None
    for line in make.stdout:
        if "is ready" in line:
            break
    pids = [pid_of(f"service-{port}", tmp_path) for port in ports]

    for _ in range(3):  # while the launcher stops the services, which takes them a second
        try:
            os.killpg(make.pid, signal_number)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    make.wait(timeout=60)

    assert [pid for pid in pids if not is_gone(pid)] == []
    assert [port for port in ports if not port_is_free(port)] == []
    assert is_gone(int((tmp_path / "launcher.pid").read_text()))
