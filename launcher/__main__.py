"""`make run` starts every service and says where to talk to the assistant; `make shell` starts
the action server and talks to the assistant in the terminal. Both stop cleanly on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from sqlalchemy.engine import make_url

from launcher.services import (
    BIN,
    ROOT,
    Settings,
    all_services,
    assistant_services,
    running,
    shared_environment,
)


def serve(settings: Settings) -> None:
    print("Starting the assistant, the chat page and the review app (about a minute)...")
    with running(all_services(settings), settings):
        print(
            "\nThe Stay Safe bot is ready.\n"
            f"  Chat with it:                  {settings.widget_url}/\n"
            "  Talk to it in a terminal:      make shell\n"
            f"  Counsellor review:             {settings.review_url}/  (make counsellor NAME=... first)\n"
            f"  REST channel:                  POST {settings.rasa_url}/webhooks/rest/webhook\n"
            f"  socket.io channel (polling):   {settings.rasa_url}/socket.io/\n"
            # repr() of a SQLAlchemy URL hides its password
            f"  Transcripts are kept in:       {make_url(settings.tracker_store)!r}\n"
            "Press Ctrl-C to stop.\n",
            flush=True,
        )
        while True:
            time.sleep(3600)


def shell(settings: Settings) -> None:
    actions = [service for service in assistant_services(settings) if service.name == "actions"]
    with running(actions, settings):
        subprocess.run(
            [str(BIN / "rasa"), "shell", "--model", str(settings.models), "--endpoints", "endpoints.yml"],
            cwd=ROOT,
            env={**shared_environment(settings), **os.environ},
            check=False,
        )


def main(arguments: list[str]) -> int:
    settings = Settings.from_environment()
    # Stop the same way for Ctrl-C and for `kill`, also when started in the background (where a
    # shell makes the process ignore Ctrl-C's SIGINT).
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        shell(settings) if arguments[:1] == ["shell"] else serve(settings)
    except KeyboardInterrupt:
        print("\nStopped.")
    except (RuntimeError, TimeoutError) as problem:
        print(f"Could not start: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
