"""What every service reads: where the project lives, its secrets, where each service listens and which
tracker store holds the conversations. Values come from the environment; launcher/, review/ and widget/
each read them here, so no service imports another's internals."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SECRETS = ROOT / ".secrets"
TOKEN_FILE = SECRETS / "rasa-auth-token"
REVIEW_SECRET_KEY_FILE = SECRETS / "review-secret-key"
DEFAULT_TRACKER_DB = ROOT / "transcripts" / "tracker.db"

# Children's words never reach another machine unless someone decides so: the chat page and the
# review app listen on loopback unless WIDGET_HOST / REVIEW_HOST say otherwise, and the Rasa server
# and the action server (unauthenticated channels and webhook) always do.
LOOPBACK = "127.0.0.1"
RASA_PORT, ACTION_PORT, WIDGET_PORT, REVIEW_PORT = 5005, 5055, 8080, 8090


def private_file(path: str, flags: int) -> int:
    """An opener for open(): the file is created readable by its owner only, never chmod-ed later."""
    return os.open(path, flags, 0o600)


def load_or_create_token(path: Path = TOKEN_FILE) -> str:
    """A secret made once per machine, in a file readable by its owner only, never committed."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with suppress(FileExistsError), open(path, "x", opener=private_file) as file:
        file.write(secrets.token_urlsafe(32))
    return path.read_text().strip()


def tracker_store_url(environ: Mapping[str, str]) -> str:
    """TRACKER_STORE_URL (a SQLAlchemy URL), else the SQLite file TRACKER_DB, as endpoints.yml reads it.
    database.create_engine creates the file (0600, in a 0700 folder) when the store opens it."""
    if environ.get("TRACKER_STORE_URL"):
        return environ["TRACKER_STORE_URL"]
    return f"sqlite:///{Path(environ.get('TRACKER_DB') or DEFAULT_TRACKER_DB).resolve()}"


@dataclass(frozen=True)
class Settings:
    """Where each service listens and what it reads. Every value can come from the environment."""

    widget_host: str = LOOPBACK
    review_host: str = LOOPBACK
    rasa_port: int = RASA_PORT
    action_port: int = ACTION_PORT
    widget_port: int = WIDGET_PORT
    review_port: int = REVIEW_PORT
    tracker_db: Path = DEFAULT_TRACKER_DB
    tracker_store_url: str = ""  # a SQLAlchemy URL; empty means the SQLite file tracker_db
    auth_token: str = ""
    models: Path = ROOT / "models"

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Settings:
        environ = dict(os.environ if environ is None else environ)
        defaults = cls()
        return cls(
            # BIND_HOST is WIDGET_HOST's old name (it used to publish every service).
            widget_host=environ.get("WIDGET_HOST") or environ.get("BIND_HOST") or defaults.widget_host,
            review_host=environ.get("REVIEW_HOST") or defaults.review_host,
            rasa_port=int(environ.get("RASA_PORT", defaults.rasa_port)),
            action_port=int(environ.get("ACTION_PORT", defaults.action_port)),
            widget_port=int(environ.get("WIDGET_PORT", defaults.widget_port)),
            review_port=int(environ.get("REVIEW_PORT", defaults.review_port)),
            tracker_db=Path(environ.get("TRACKER_DB", defaults.tracker_db)),
            tracker_store_url=environ.get("TRACKER_STORE_URL", ""),
            auth_token=environ.get("RASA_AUTH_TOKEN") or load_or_create_token(),
            models=Path(environ.get("MODELS", defaults.models)),
        )

    @property
    def tracker_store(self) -> str:
        """The URL both the Rasa server and the review app use (endpoints.yml reads TRACKER_STORE_URL)."""
        return self.tracker_store_url or f"sqlite:///{self.tracker_db.resolve()}"

    @property
    def rasa_url(self) -> str:
        return f"http://{LOOPBACK}:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://{LOOPBACK}:{self.action_port}"

    @property
    def widget_url(self) -> str:
        return f"http://{self.widget_host}:{self.widget_port}"

    @property
    def review_url(self) -> str:
        return f"http://{self.review_host}:{self.review_port}"
