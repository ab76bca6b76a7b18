"""The review app's settings, all from the environment (the Makefile and launcher/ set them)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from launcher.services import ROOT, load_or_create_token

SECRET_KEY_FILE = ROOT / ".secrets" / "review-secret-key"
DEFAULT_TRACKER_DB = ROOT / "transcripts" / "tracker.db"


def tracker_store_url(environ: Mapping[str, str]) -> str:
    """TRACKER_STORE_URL, else the SQLite file TRACKER_DB, as endpoints.yml and launcher/ do.
    database.create_engine creates the file (0600, in a 0700 folder) when the store opens it."""
    if environ.get("TRACKER_STORE_URL"):
        return environ["TRACKER_STORE_URL"]
    return f"sqlite:///{Path(environ.get('TRACKER_DB') or DEFAULT_TRACKER_DB).resolve()}"


@dataclass(frozen=True)
class ReviewConfig:
    tracker_store_url: str
    secret_key: str
    # Browsers send a Secure cookie over HTTPS only: set REVIEW_SECURE_COOKIES=1 behind HTTPS.
    secure_cookies: bool = False
    idle_minutes: int = 30  # a signed-in session ends after this long without a request
    max_session_hours: int = 10  # and after this long in any case
    retention_days: int = 90

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> ReviewConfig:
        environ = os.environ if environ is None else environ
        return cls(
            tracker_store_url=tracker_store_url(environ),
            secret_key=environ.get("REVIEW_SECRET_KEY") or load_or_create_token(SECRET_KEY_FILE),
            secure_cookies=environ.get("REVIEW_SECURE_COOKIES", "") in {"1", "true", "yes"},
            idle_minutes=int(environ.get("REVIEW_IDLE_MINUTES", cls.idle_minutes)),
            retention_days=int(environ.get("RETENTION_DAYS", cls.retention_days)),
        )
