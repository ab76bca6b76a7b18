"""The review app's settings, all from the environment (settings.py reads what every service shares)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from settings import LOOPBACK, REVIEW_PORT, REVIEW_SECRET_KEY_FILE, load_or_create_token, tracker_store_url

DEFAULT_HOST, DEFAULT_PORT = LOOPBACK, REVIEW_PORT


def hosts_to_answer(host: str, port: int, environ: Mapping[str, str]) -> tuple[str, ...]:
    """The Host headers the app answers: where it serves, and localhost and 127.0.0.1 at that port,
    plus REVIEW_ALLOWED_HOSTS (comma separated: the public name behind a proxy). A web page that points
    its own name at 127.0.0.1 (DNS rebinding) still sends its own name, so it gets a 400. Port-less
    localhost is what Flask's test client sends; no web page can send it."""
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address
    extra = [name.strip() for name in environ.get("REVIEW_ALLOWED_HOSTS", "").split(",")]
    names = [f"{host}:{port}", f"localhost:{port}", f"127.0.0.1:{port}", "localhost", "127.0.0.1", *extra]
    return tuple(dict.fromkeys(name.lower() for name in names if name))


@dataclass(frozen=True)
class ReviewConfig:
    tracker_store_url: str
    secret_key: str
    allowed_hosts: tuple[str, ...] = hosts_to_answer(DEFAULT_HOST, DEFAULT_PORT, {})
    # Browsers send a Secure cookie over HTTPS only: set REVIEW_SECURE_COOKIES=1 behind HTTPS.
    secure_cookies: bool = False
    idle_minutes: int = 30  # a signed-in session ends after this long without a request
    max_session_hours: int = 10  # and after this long in any case
    retention_days: int = 90

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str] | None = None, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT
    ) -> ReviewConfig:
        """`host` and `port`: where the app serves (python -m review serve --host --port)."""
        environ = os.environ if environ is None else environ
        return cls(
            tracker_store_url=tracker_store_url(environ),
            allowed_hosts=hosts_to_answer(host, port, environ),
            secret_key=environ.get("REVIEW_SECRET_KEY") or load_or_create_token(REVIEW_SECRET_KEY_FILE),
            secure_cookies=environ.get("REVIEW_SECURE_COOKIES", "") in {"1", "true", "yes"},
            idle_minutes=int(environ.get("REVIEW_IDLE_MINUTES", cls.idle_minutes)),
            retention_days=int(environ.get("RETENTION_DAYS", cls.retention_days)),
        )
