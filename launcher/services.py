"""The services that make up the assistant, and how to run them as one: started in order, watched
while they run (a service that stops is started again, within a limit), and stopped together."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import requests

from settings import LOOPBACK, ROOT, Settings, private_file

BIN = Path(sys.executable).parent
STARTUP_SECONDS = 240  # the Rasa server takes about a minute to load TensorFlow and the model
STOP_SECONDS = 15
WATCH_SECONDS = 0.5  # how often the watchdog looks at the services
# What every service creates (transcripts, their journals, caches) is readable by this user only.
PRIVATE_UMASK = 0o077


@dataclass(frozen=True)
class Service:
    name: str
    command: list[str]
    ready_url: str
    environment: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RestartLimit:
    """How the watchdog treats a service that stops: it starts it again after a pause that doubles
    each time, at most `times` within `window_seconds`; one stop more and it stops everything."""

    times: int = 5
    window_seconds: float = 600
    first_pause_seconds: float = 1


RESTART_LIMIT = RestartLimit()


def shared_environment(settings: Settings) -> dict[str, str]:
    """What every process needs: no telemetry, and the values endpoints.yml reads."""
    return {
        "RASA_TELEMETRY_ENABLED": "false",
        "TRACKER_DB": str(settings.tracker_db),
        "TRACKER_STORE_URL": settings.tracker_store,
        "ACTION_SERVER_URL": f"{settings.action_url}/webhook",
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }


def assistant_services(settings: Settings, endpoints: str = "endpoints.yml") -> list[Service]:
    """The action server and the Rasa server; `endpoints` is the Rasa server's endpoints file
    (deploy/endpoints-replicas.yml for a replica sharing PostgreSQL and the Redis lock store)."""
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
            environment={"SANIC_HOST": LOOPBACK},
        ),
        Service(
            name="rasa",
            # launcher.rasa_server adds the token to Rasa's arguments in-process: a command line is
            # readable by every local user (/proc/<pid>/cmdline), an environment by its owner only.
            command=[
                str(BIN / "python"),
                "-m",
                "launcher.rasa_server",
                "run",
                "--model",
                str(settings.models),
                "--endpoints",
                endpoints,
                "--credentials",
                "credentials.yml",
                "--interface",
                LOOPBACK,
                "--port",
                str(settings.rasa_port),
                "--enable-api",
            ],
            ready_url=f"{settings.rasa_url}/",
            # Two malloc arenas, not one per thread: the NLU and the database run in worker threads,
            # and glibc's default arenas held about 100 MB more for no speed (docs/performance.md).
            environment={"RASA_AUTH_TOKEN": settings.auth_token, "MALLOC_ARENA_MAX": "2"},
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
            settings.widget_host,
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
            settings.review_host,
            "--port",
            str(settings.review_port),
        ],
        ready_url=f"{settings.review_url}/healthz",
    )


def all_services(settings: Settings) -> list[Service]:
    """Everything `make run` starts, in order: the assistant first, then the pages that use it."""
    return [*assistant_services(settings), widget_service(settings), review_service(settings)]


def wait_until_ready(
    service: Service, process: subprocess.Popen, deadline: float, stopping: threading.Event
) -> None:
    """Return once the service answers its ready URL, or as soon as `stopping` is set."""
    while not stopping.is_set():
        if process.poll() is not None:
            raise RuntimeError(f"{service.name} stopped while starting (exit code {process.returncode})")
        try:
            if requests.get(service.ready_url, timeout=2).ok:
                return
        except requests.RequestException:  # not listening yet, or too busy to answer in time
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{service.name} did not answer {service.ready_url} in {STARTUP_SECONDS} s")
        stopping.wait(1)


def stop_processes(processes: list[subprocess.Popen]) -> None:
    """Ask each process group to stop, give them STOP_SECONDS together, then kill what is left."""
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_SECONDS
    for process in processes:
        try:
            process.wait(timeout=max(0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


class Running:
    """What `running` yields: each service's live process, kept running by a watchdog thread.

    A fault drill kills a service and waits for its successor:
        old = services.process("rasa"); old.kill(); services.wait_until_ready("rasa", instead_of=old)
    """

    def __init__(
        self,
        services: list[Service],
        environment: dict[str, str],
        log_dir: Path | None,
        limit: RestartLimit,
        on_ready: Callable[[Service, float], None] | None = None,
    ) -> None:
        self.services = services
        self.on_ready = on_ready  # told each service and its seconds from start, as it first answers
        self.limit = limit
        self.problem = ""  # why the watchdog gave up, once it has
        self._environment = environment
        self._log_dir = log_dir
        self._logs: dict[str, IO[bytes]] = {}
        self._processes: dict[str, subprocess.Popen] = {}
        self._answered: dict[str, subprocess.Popen] = {}  # each service's process that answered last
        self._restarts: dict[str, list[float]] = {service.name: [] for service in services}
        self._changed = threading.Condition()
        self._stopping = threading.Event()
        self._watchdog = threading.Thread(target=self._watch, name="watchdog", daemon=True)

    def process(self, name: str) -> subprocess.Popen:
        """The named service's process now (a new one after each restart)."""
        with self._changed:
            return self._processes[name]

    def wait_until_ready(
        self, name: str, instead_of: subprocess.Popen | None = None, timeout: float = STARTUP_SECONDS
    ) -> subprocess.Popen:
        """Wait until the named service answers from a live process other than `instead_of` (one you
        stopped); return that process. RuntimeError once the watchdog has given up."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not self.problem:
                process = self._answered.get(name)
                if process is not None and process is not instead_of and process.poll() is None:
                    return process
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{name} did not answer again within {timeout:g} s")
                self._changed.wait(WATCH_SECONDS)
        raise RuntimeError(self.problem)

    def wait(self) -> str:
        """Block until the watchdog gives up on a service (it has then stopped them all); say why."""
        with self._changed:
            while not self.problem:
                self._changed.wait(1)
            return self.problem

    def _start(self, service: Service) -> subprocess.Popen:
        output = None
        if self._log_dir is not None:
            if service.name not in self._logs:
                self._log_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
                path = self._log_dir / f"{service.name}.log"
                self._logs[service.name] = open(path, "wb", opener=private_file)  # noqa: SIM115 - closed in stop()
            output = self._logs[service.name]
        process = subprocess.Popen(
            service.command,
            cwd=ROOT,
            env={**self._environment, **service.environment},
            stdout=output,
            stderr=subprocess.STDOUT if output else None,
            start_new_session=True,  # a signal to our process group reaches us only: we stop them in order
            umask=PRIVATE_UMASK,
        )
        with self._changed:
            self._processes[service.name] = process
        return process

    def _wait_until_ready(self, service: Service, process: subprocess.Popen) -> None:
        wait_until_ready(service, process, time.monotonic() + STARTUP_SECONDS, self._stopping)
        with self._changed:
            self._answered[service.name] = process
            self._changed.notify_all()

    def start(self) -> None:
        """Start every service in order, wait until each answers, then start watching them."""
        began = time.monotonic()
        started = [self._start(service) for service in self.services]
        for service, process in zip(self.services, started, strict=True):
            self._wait_until_ready(service, process)
            if self.on_ready is not None:
                self.on_ready(service, time.monotonic() - began)
        self._watchdog.start()

    def _watch(self) -> None:
        while not self._stopping.wait(WATCH_SECONDS):
            for service in self.services:
                process = self.process(service.name)
                if process.poll() is not None and not self._stopping.is_set():
                    self._restart(service, process.returncode)
                if self.problem:
                    return

    def _restart(self, service: Service, exit_code: int) -> None:
        now = time.monotonic()
        window = f"{self.limit.window_seconds / 60:g} minutes"
        recent = [when for when in self._restarts[service.name] if now - when < self.limit.window_seconds]
        if len(recent) >= self.limit.times:
            self._give_up(f"{service.name} stopped {len(recent) + 1} times within {window}: stopping all.")
            return
        self._restarts[service.name] = [*recent, now]
        pause = self.limit.first_pause_seconds * 2 ** len(recent)
        print(
            f"{service.name} stopped (exit code {exit_code}); starting it again in {pause:g} s"
            f" (restart {len(recent) + 1} of at most {self.limit.times} within {window}).",
            flush=True,
        )
        if self._stopping.wait(pause):
            return
        process = self._start(service)
        try:
            self._wait_until_ready(service, process)
        except TimeoutError:
            stop_processes([process])  # the next look counts it as stopped again
        except RuntimeError:
            pass  # it stopped again while starting: the next look counts it

    def _give_up(self, reason: str) -> None:
        print(reason, flush=True)
        with self._changed:
            processes = list(self._processes.values())
        stop_processes(processes)
        with self._changed:
            self.problem = reason
            self._changed.notify_all()

    def stop(self) -> None:
        """Stop the watchdog first (so it starts nothing more), then every service."""
        self._stopping.set()
        if self._watchdog.is_alive():
            self._watchdog.join()
        stop_processes(list(self._processes.values()))
        for log in self._logs.values():
            log.close()


@contextmanager
def running(
    services: list[Service],
    settings: Settings,
    log_dir: Path | None = None,
    restart_limit: RestartLimit = RESTART_LIMIT,
    on_ready: Callable[[Service, float], None] | None = None,
) -> Iterator[Running]:
    """Start every service, wait until all answer, restart any that stops while we run, and stop
    them all on the way out. With a log_dir each service writes to <log_dir>/<name>.log (appended
    to after a restart); without one it shares our output."""
    settings.tracker_db.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    environment = {**os.environ, **shared_environment(settings)}
    services_running = Running(services, environment, log_dir, restart_limit, on_ready)
    try:
        services_running.start()
        yield services_running
    finally:
        services_running.stop()
