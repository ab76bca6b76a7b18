"""The replica tests' servers: a Redis server of their own, started once per session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from deploy.local_servers import local_redis


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    with local_redis() as url:
        yield url
