"""The deployment files as their programs read them: HAProxy checks the configuration deploy/replicas.py
writes from deploy/haproxy.cfg, and Rasa reads deploy/endpoints-replicas.yml from the environment."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from rasa.core.utils import AvailableEndpoints
from rasa.shared.exceptions import RasaException

from deploy.replicas import ENDPOINTS, haproxy_config
from launcher.services import ROOT

REPLICA_ENVIRONMENT = {
    "ACTION_SERVER_URL": "http://actions:5055/webhook",
    "TRACKER_STORE_URL": "postgresql://stay_safe:secret@postgres:5432/stay_safe",
    "LOCK_STORE_URL": "redis://:secret@redis:6379/1",
}


def test_haproxy_accepts_the_configuration_with_a_health_checked_server_per_replica(tmp_path: Path) -> None:
    config = tmp_path / "haproxy.cfg"
    config.write_text(haproxy_config(8443, [5005, 5006]))
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    checked = subprocess.run([haproxy, "-c", "-f", str(config)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    servers = [line.split() for line in config.read_text().splitlines() if line.strip().startswith("server ")]
    assert servers == [
        ["server", "rasa-1", "127.0.0.1:5005", "check"],
        ["server", "rasa-2", "127.0.0.1:5006", "check"],
    ]


def test_a_replica_reads_every_endpoint_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in REPLICA_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    endpoints = AvailableEndpoints.read_endpoints(str(ROOT / ENDPOINTS))
    assert endpoints.action.url == REPLICA_ENVIRONMENT["ACTION_SERVER_URL"]
    assert (endpoints.tracker_store.type, endpoints.tracker_store.url) == (
        "tracker_store.URLTrackerStore",
        REPLICA_ENVIRONMENT["TRACKER_STORE_URL"],
    )
    assert (endpoints.lock_store.type, endpoints.lock_store.url) == (
        "lock_store.AtomicRedisLockStore",
        REPLICA_ENVIRONMENT["LOCK_STORE_URL"],
    )


def test_a_replica_without_its_lock_store_refuses_to_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """An unset variable must stop the server, never leave it running on an in-memory lock."""
    for name, value in REPLICA_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("LOCK_STORE_URL")
    with pytest.raises(RasaException, match="LOCK_STORE_URL"):
        AvailableEndpoints.read_endpoints(str(ROOT / ENDPOINTS))
