"""The services that make up the assistant, and how to run them as one."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

# Loopback only: children's words never reach another machine unless someone decides so.
DEFAULT_HOST = "127.0.0.1"
STARTUP_SECONDS = 240  # the Rasa server takes about a minute to load TensorFlow and the model
STOP_SECONDS = 15
TOKEN_FILE = ROOT / ".secrets" / "rasa-auth-token"


def load_or_create_token(path: Path = TOKEN_FILE) -> str:
    """The Rasa HTTP API token: made once per machine, readable by its owner only, never committed."""
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


@dataclass(frozen=True)
class Settings:
    """Where each service listens and what it reads. Every value can come from the environment."""

    host: str = DEFAULT_HOST
    rasa_port: int = 5005
    action_port: int = 5055
    widget_port: int = 8080
    review_port: int = 8090
    tracker_db: Path = ROOT / "transcripts" / "tracker.db"
    tracker_store_url: str = ""  # a SQLAlchemy URL; empty means the SQLite file tracker_db
    auth_token: str = ""
    models: Path = ROOT / "models"

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> Settings:
        environ = dict(os.environ if environ is None else environ)
        defaults = cls()
        return cls(
            host=environ.get("BIND_HOST", defaults.host),
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
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://{self.host}:{self.action_port}"

    @property
    def widget_url(self) -> str:
        return f"http://{self.host}:{self.widget_port}"

    @property
    def review_url(self) -> str:
        return f"http://{self.host}:{self.review_port}"


@dataclass(frozen=True)
class Service:
    name: str
    command: list[str]
    ready_url: str
    environment: dict[str, str] = field(default_factory=dict)


def shared_environment(settings: Settings) -> dict[str, str]:
    """What every process needs: no telemetry, and the values endpoints.yml reads."""
    return {
        "RASA_TELEMETRY_ENABLED": "false",
        "TRACKER_DB": str(settings.tracker_db),
        "TRACKER_STORE_URL": settings.tracker_store,
        "ACTION_SERVER_URL": f"{settings.action_url}/webhook",
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }


def assistant_services(settings: Settings) -> list[Service]:
    if not settings.auth_token:
        raise ValueError("RASA_AUTH_TOKEN is empty: the Rasa HTTP API must never run without a token")
    return [
        Service(
            name="actions",
            command=[
                str(BIN / "python"),
                "-m",
                "rasa_sdk",
                "--actions",
                "actions",
                "--port",
                str(settings.action_port),
            ],
            ready_url=f"{settings.action_url}/health",
            environment={"SANIC_HOST": settings.host},
        ),
        Service(
            name="rasa",
            command=[
                str(BIN / "rasa"),
                "run",
                "--model",
                str(settings.models),
                "--endpoints",
                "endpoints.yml",
                "--credentials",
                "credentials.yml",
                "--interface",
                settings.host,
                "--port",
                str(settings.rasa_port),
                "--enable-api",
                # One argument: a token may start with "-", which would read as an option.
                f"--auth-token={settings.auth_token}",
            ],
            ready_url=f"{settings.rasa_url}/",
        ),
    ]


def widget_service(settings: Settings) -> Service:
    """The chat page young people use; its server carries the chat to the Rasa server."""
    return Service(
        name="widget",
        command=[
            str(BIN / "python"),
            "-m",
            "widget",
            "--host",
            settings.host,
            "--port",
            str(settings.widget_port),
            "--rasa-url",
            settings.rasa_url,
        ],
        ready_url=f"{settings.widget_url}/healthz",
    )


def review_service(settings: Settings) -> Service:
    """The counsellors' review app, reading the same tracker store the assistant writes."""
    return Service(
        name="review",
        command=[
            str(BIN / "python"),
            "-m",
            "review",
            "serve",
            "--host",
            settings.host,
            "--port",
            str(settings.review_port),
        ],
        ready_url=f"{settings.review_url}/healthz",
    )


def all_services(settings: Settings) -> list[Service]:
    """Everything `make run` starts, in order: the assistant first, then the pages that use it."""
    return [*assistant_services(settings), widget_service(settings), review_service(settings)]


def wait_until_ready(service: Service, process: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{service.name} stopped while starting (exit code {process.returncode})")
        try:
            if requests.get(service.ready_url, timeout=2).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(1)
    raise TimeoutError(f"{service.name} did not answer at {service.ready_url} within {STARTUP_SECONDS} s")


def stop(processes: list[subprocess.Popen]) -> None:
    """Ask each process group to stop, then make sure it has."""
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def running(services: list[Service], settings: Settings, log_dir: Path | None = None) -> Iterator[None]:
    """Start every service, wait until all answer, and stop them all on the way out.

    With a log_dir each service writes to <log_dir>/<name>.log; without one it shares our output.
    """
    settings.tracker_db.parent.mkdir(parents=True, exist_ok=True)
    environment = {**os.environ, **shared_environment(settings)}
    processes: list[subprocess.Popen] = []
    try:
        for service in services:
            output = None
            if log_dir is not None:
                log_dir.mkdir(parents=True, exist_ok=True)
                output = open(log_dir / f"{service.name}.log", "wb")  # noqa: SIM115 - lives as long as the process
            processes.append(
                subprocess.Popen(
                    service.command,
                    cwd=ROOT,
                    env={**environment, **service.environment},
                    stdout=output,
                    stderr=subprocess.STDOUT if output else None,
                    start_new_session=True,  # Ctrl-C reaches us, and we stop them in order
                )
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        for service, process in zip(services, processes, strict=True):
            wait_until_ready(service, process, deadline)
        yield
    finally:
        stop(processes)
