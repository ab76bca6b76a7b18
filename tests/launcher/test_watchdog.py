"""While the launcher runs, a service that stops is started again and the launcher says so; past
the restart limit it stops everything and says why. Also: a slow first answer is no failure."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests

from launcher.services import RestartLimit, Settings, running
from tests.launcher.conftest import free_port, is_gone, port_is_free
from tests.launcher.standins import standin

QUICK = RestartLimit(times=2, window_seconds=600, first_pause_seconds=0.1)


def test_a_service_that_stops_is_started_again_and_the_launcher_says_so(
    tmp_path: Path, settings: Settings, capfd: pytest.CaptureFixture[str]
) -> None:
    ports = [free_port(), free_port()]
    services = [standin(f"service-{port}", port, tmp_path) for port in ports]
    with running(services, settings, restart_limit=QUICK) as services_running:
        killed = services_running.process(f"service-{ports[0]}")
        untouched = services_running.process(f"service-{ports[1]}")
        killed.kill()  # as kill -9 does
        successor = services_running.wait_until_ready(f"service-{ports[0]}", instead_of=killed, timeout=30)

        assert successor.pid != killed.pid
        assert services_running.process(f"service-{ports[0]}") is successor
        assert requests.get(f"http://127.0.0.1:{ports[0]}/", timeout=5).ok
        assert services_running.process(f"service-{ports[1]}") is untouched
    said = capfd.readouterr().out.splitlines()
    assert said == [
        f"service-{ports[0]} stopped (exit code -9); starting it again in 0.1 s"
        " (restart 1 of at most 2 within 10 minutes)."
    ]
    assert is_gone(successor.pid) and is_gone(untouched.pid)


def test_past_the_restart_limit_everything_is_stopped_and_the_launcher_says_why(
    tmp_path: Path, settings: Settings, capfd: pytest.CaptureFixture[str]
) -> None:
    crashing, other = free_port(), free_port()
    services = [standin("crashing", crashing, tmp_path), standin("other", other, tmp_path)]
    with running(services, settings, restart_limit=QUICK) as services_running:
        for _ in range(QUICK.times):
            killed = services_running.process("crashing")
            killed.kill()
            services_running.wait_until_ready("crashing", instead_of=killed, timeout=30)
        services_running.process("crashing").kill()

        assert services_running.wait() == "crashing stopped 3 times within 10 minutes: stopping all."
        with pytest.raises(RuntimeError, match="stopping all"):
            services_running.wait_until_ready("crashing")
        assert is_gone(services_running.process("other").pid)
        assert port_is_free(crashing) and port_is_free(other)
    said = capfd.readouterr().out
    assert re.findall(r"starting it again in ([\d.]+) s", said) == ["0.1", "0.2"]  # the pause doubles
    assert said.splitlines()[-1] == "crashing stopped 3 times within 10 minutes: stopping all."


def test_a_service_slow_to_answer_its_first_readiness_check_is_waited_for(
    tmp_path: Path, settings: Settings
) -> None:
    port = free_port()
    # The readiness check gives up on an answer after 2 s; this one takes 3 s, the next none.
    with running([standin("slow", port, tmp_path, "--slow-first-answer", "3")], settings) as services_running:
        assert services_running.process("slow").poll() is None
