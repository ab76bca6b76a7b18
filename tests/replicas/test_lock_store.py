"""The lock store replicas share (lock_store.py), against a real Redis server: two processes, standing in
for two Rasa servers, take the same conversations' locks at the same moment, and never hold one together."""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from typing import Any

import pytest
import redis

from lock_store import AtomicRedisLockStore, redis_settings

CONVERSATIONS = 200
HOLD_SECONDS = 0.02


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "redis://127.0.0.1",
            {"host": "127.0.0.1", "port": 6379, "db": 1, "password": None, "use_ssl": False},
        ),
        ("redis://:s%40cret@redis:6380/3", {"host": "redis", "port": 6380, "db": 3, "password": "s@cret"}),
        (
            "rediss://lock:pw@cache.internal/0",
            {"username": "lock", "password": "pw", "db": 0, "use_ssl": True},
        ),
    ],
)
def test_the_url_gives_redis_its_settings(url: str, expected: dict[str, Any]) -> None:
    settings = redis_settings(url)
    assert {name: settings[name] for name in expected} == expected


@pytest.mark.parametrize("url", ["", "http://redis:6379", "redis://"])
def test_a_missing_or_wrong_url_is_refused_with_the_variable_to_set(url: str) -> None:
    with pytest.raises(ValueError, match="LOCK_STORE_URL"):
        AtomicRedisLockStore(url=url)


def hold_each_lock(name: str, url: str, start_at: float, spans: Any) -> None:
    """One 'server': at `start_at`, take every conversation's lock at once, hold each briefly."""
    store = AtomicRedisLockStore(url=url, key_prefix="test")

    async def hold(conversation: str) -> None:
        async with store.lock(conversation):
            entered = time.time()
            await asyncio.sleep(HOLD_SECONDS)
            spans.put((conversation, name, entered, time.time()))

    async def everything() -> None:
        await asyncio.sleep(max(0.0, start_at - time.time()))
        await asyncio.gather(*(hold(f"conversation-{number}") for number in range(CONVERSATIONS)))

    asyncio.run(everything())


def test_two_servers_never_hold_one_conversation_at_once(redis_url: str) -> None:
    """Rasa's own RedisLockStore let both in for 3 to 15 of these 200 conversations (lock_store.py)."""
    context = multiprocessing.get_context("fork")
    spans = context.Queue()
    start_at = time.time() + 1
    servers = [
        context.Process(target=hold_each_lock, args=(name, redis_url, start_at, spans)) for name in ("a", "b")
    ]
    for server in servers:
        server.start()
    held = [spans.get(timeout=60) for _ in range(2 * CONVERSATIONS)]
    for server in servers:
        server.join(timeout=30)
        assert server.exitcode == 0

    by_conversation: dict[str, list[tuple[float, float]]] = {}
    for conversation, _name, entered, left in held:
        by_conversation.setdefault(conversation, []).append((entered, left))
    together = [
        conversation
        for conversation, ((first_in, first_out), (second_in, second_out)) in by_conversation.items()
        if first_in < second_out and second_in < first_out
    ]
    assert len(by_conversation) == CONVERSATIONS
    assert together == []
    # Every lock went with its last ticket: nothing is left in Redis.
    client = redis.Redis.from_url(redis_url)
    assert client.keys("test:*") == []
