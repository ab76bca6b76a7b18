"""`make run` starts every service and says where to talk to the assistant; `make shell` starts
the action server and talks to the assistant in the terminal. Both stop cleanly on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import make_url

from launcher.services import (
    BIN,
    PRIVATE_UMASK,
    ROOT,
    Service,
    Settings,
    all_services,
    assistant_services,
    running,
    shared_environment,
)


def serve(settings: Settings, services: list[Service], log_dir: Path | None = None) -> int:
    """Start the services; with a log_dir each writes <log_dir>/<name>.log, else to this terminal."""
    print("Starting the services (about a minute):", flush=True)
    logs = (
        ", ".join(str((log_dir / f"{service.name}.log").relative_to(ROOT)) for service in services)
        if log_dir
        else ""
    )
    with running(services, settings, log_dir, on_ready=say_ready) as services_running:
        print(
            "\nThe Stay Safe bot is ready.\n"
            f"  Chat with it:                  {settings.widget_url}/\n"
            "  Talk to it in a terminal:      make shell\n"
            f"  Counsellor review:             {settings.review_url}/  (make counsellor NAME=... first)\n"
            f"  REST channel:                  POST {settings.rasa_url}/webhooks/rest/webhook\n"
            f"  socket.io channel (polling):   {settings.rasa_url}/socket.io/\n"
            # repr() of a SQLAlchemy URL hides its password
            f"  Transcripts are kept in:       {make_url(settings.tracker_store)!r}\n"
            + (f"  Each service's full log:       {logs}\n" if logs else "")
            + (f"  Setup and training logs:       {SETUP_LOGS}\n" if logs else "")
            + "A service that stops is started again. Press Ctrl-C to stop them all.\n",
            flush=True,
        )
        services_running.wait()  # returns only when the watchdog gave up (it said why)
    return 1


def say_ready(service: Service, seconds: float) -> None:
    print(f"  {service.name:<8} ready after {seconds:.0f} s", flush=True)


def shell(settings: Settings) -> int:
    actions = [service for service in assistant_services(settings) if service.name == "actions"]
    with running(actions, settings):
        subprocess.run(
            [str(BIN / "rasa"), "shell", "--model", str(settings.models), "--endpoints", "endpoints.yml"],
            cwd=ROOT,
            env={**shared_environment(settings), **os.environ},
            check=False,
            umask=PRIVATE_UMASK,
        )
    return 0


def stop_once(signal_number: int, frame: object) -> None:
    """Turn the first Ctrl-C or `kill` into KeyboardInterrupt and ignore the ones after it: a signal
    to the whole process group reaches us twice (directly and again from make), and the services
    must all be stopped however many arrive while we stop them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt


def run_until_stopped(start: Callable[[], int]) -> int:
    # Also when started in the background, where a shell makes the process ignore Ctrl-C's SIGINT.
    signal.signal(signal.SIGTERM, stop_once)
    signal.signal(signal.SIGINT, stop_once)
    try:
        return start()
    except KeyboardInterrupt:
        print("\nStopped.")
    except (RuntimeError, TimeoutError) as problem:
        print(f"Could not start: {problem}. Each service's log is in logs/.", file=sys.stderr)
        return 1
    return 0


# `make run` keeps each service's output here, so the terminal shows only what a person needs.
LOGS = ROOT / "logs"
SETUP_LOGS = "logs/setup.log, logs/spacy.log, logs/train.log (written by make when it sets up or trains)"


def main(arguments: list[str]) -> int:
    settings = Settings.from_environment()
    if arguments[:1] == ["shell"]:
        return run_until_stopped(lambda: shell(settings))
    return run_until_stopped(lambda: serve(settings, all_services(settings), LOGS))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
