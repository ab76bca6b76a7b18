"""The replica tests' servers: a Redis server of their own, and two Rasa servers with an action server
behind HAProxy, sharing a PostgreSQL server, started once for the module that asks (deploy/replicas.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from deploy.local_servers import local_redis
from deploy.replicas import ReplicaSet, replicas
from launcher.services import ROOT

LOGS = ROOT / "results" / "replicas-logs"


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    with local_redis() as url:
        yield url


@pytest.fixture(scope="module")
def two_replicas() -> Iterator[ReplicaSet]:
    model = ROOT / "models" / "stay-safe.tar.gz"
    if not model.exists():
        pytest.fail("no trained model: run `make train` (make test does it for you)")
    with replicas(2, models=model, log_dir=LOGS) as stack:
        yield stack
