"""Stand-ins for the assistant's services, so the launcher's tests start in a second instead of
Rasa's minute: small HTTP servers the launcher starts, watches and stops like the real ones.

    python -m tests.launcher.standins serve NAME PORT FOLDER [--slow-first-answer S] [--stop-seconds S]
answers every GET with 200 and writes its pid to FOLDER/NAME/pid;
    python -m tests.launcher.standins launch FOLDER PORT...
is `make run`'s launcher (launcher/__main__.py) over one stand-in per port, each taking a second to stop.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from launcher.__main__ import run_until_stopped, serve
from launcher.services import BIN, LOOPBACK, Service, Settings


def standin(name: str, port: int, folder: Path, *options: str) -> Service:
    return Service(
        name=name,
        command=[
            str(BIN / "python"),
            "-m",
            "tests.launcher.standins",
            "serve",
            name,
            str(port),
            str(folder),
            *options,
        ],
        ready_url=f"http://{LOOPBACK}:{port}/",
    )


def pid_of(name: str, folder: Path) -> int:
    return int((folder / name / "pid").read_text())


def serve_standin(name: str, port: int, folder: Path, slow_first_answer: float, stop_seconds: float) -> None:
    made = folder / name
    made.mkdir(parents=True, exist_ok=True)
    (made / "pid").write_text(str(os.getpid()))
    delays = [slow_first_answer]

    class Answer(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            if delays:
                time.sleep(delays.pop())
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *arguments: object) -> None:
            pass

    def stop_slowly(*_: object) -> None:  # as a real server closes its connections first
        time.sleep(stop_seconds)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop_slowly)
    ThreadingHTTPServer((LOOPBACK, port), Answer).serve_forever()


def launch(folder: Path, ports: list[int]) -> int:
    settings = Settings(tracker_db=folder / "transcripts" / "tracker.db", auth_token="stand-in")
    services = [standin(f"service-{port}", port, folder, "--stop-seconds", "1") for port in ports]
    (folder / "launcher.pid").write_text(str(os.getpid()))
    return run_until_stopped(lambda: serve(settings, services))


def main() -> int:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    serving = commands.add_parser("serve")
    serving.add_argument("name")
    serving.add_argument("port", type=int)
    serving.add_argument("folder", type=Path)
    serving.add_argument("--slow-first-answer", type=float, default=0)
    serving.add_argument("--stop-seconds", type=float, default=0)
    launching = commands.add_parser("launch")
    launching.add_argument("folder", type=Path)
    launching.add_argument("ports", type=int, nargs="+")
    arguments = parser.parse_args()
    if arguments.command == "launch":
        return launch(arguments.folder, arguments.ports)
    serve_standin(
        arguments.name, arguments.port, arguments.folder, arguments.slow_first_answer, arguments.stop_seconds
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
