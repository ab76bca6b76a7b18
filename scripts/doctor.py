"""What this machine lacks for `make run` and `make test`, each with how to fix it, found in a second
rather than twenty minutes into a setup. Standard library only: it runs before .venv exists.

    python3 scripts/doctor.py [run|test] [--quiet]

`make doctor` checks both; `make run` and `make test` run it first with --quiet (problems only).
Exit code 1 when something blocking is missing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GB = 1024**3
# .venv (TensorFlow, PyTorch, spaCy, Rasa) is about 5 GB, the models and build/ about 0.5 GB.
NEEDED_FOR_SETUP_GB = 6
NEEDED_AFTER_SETUP_GB = 1
# What `make run` listens on: (environment variable, default port, what listens there).
PORTS = (
    ("WIDGET_PORT", 8080, "the chat page"),
    ("REVIEW_PORT", 8090, "the review app"),
    ("RASA_PORT", 5005, "the Rasa server"),
    ("ACTION_PORT", 5055, "the action server"),
)
# What `make test` installs with apt-get when missing: (Debian package, how to tell it is there).
TEST_PACKAGES = (
    ("chromium", "chromium"),
    ("postgresql", "/usr/lib/postgresql/*/bin/initdb"),
    ("redis-server", "redis-server"),
    ("haproxy", "haproxy"),
)


@dataclass(frozen=True)
class Finding:
    ok: bool
    what: str
    fix: str = ""
    blocking: bool = True


def check_python(
    version: tuple[int, int] = sys.version_info[:2], executable: str = sys.executable
) -> Finding:
    shown = f"Python {version[0]}.{version[1]} ({executable})"
    if tuple(version) != (3, 11):
        return Finding(
            False,
            f"{shown}: the locked packages need Python 3.11",
            "install it (Debian/Ubuntu: sudo apt-get install python3.11 python3.11-venv), "
            "then: make run PYTHON=python3.11",
        )
    if not (ROOT / ".venv").exists() and not has_module("ensurepip"):
        return Finding(
            False,
            f"{shown} cannot create a virtual environment (no ensurepip)",
            "sudo apt-get install python3.11-venv",
        )
    return Finding(True, shown)


def has_module(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def check_make() -> Finding:
    if shutil.which("make") is None:
        return Finding(False, "make is not installed", "sudo apt-get install make")
    return Finding(True, "make")


def check_disk(folder: Path = ROOT, free_bytes: int | None = None) -> Finding:
    needed = NEEDED_AFTER_SETUP_GB if (folder / ".venv" / ".installed").exists() else NEEDED_FOR_SETUP_GB
    free = shutil.disk_usage(folder).free if free_bytes is None else free_bytes
    shown = f"{free / GB:.1f} GB free in {folder} (about {needed} GB needed)"
    if free < needed * GB:
        return Finding(
            False, shown, f"free {needed - free / GB:.1f} GB more on that disk, or clone it elsewhere"
        )
    return Finding(True, shown)


def port_is_taken(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as probe:
        # As the servers do: a port left in TIME_WAIT by a service just stopped is not taken.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def check_ports(environ: dict[str, str]) -> list[Finding]:
    findings = []
    for variable, default, what in PORTS:
        port = int(environ.get(variable) or default)
        if port_is_taken(port):
            findings.append(
                Finding(
                    False,
                    f"port {port} ({what}) is already taken",
                    f"stop what listens there (see: ss -ltnp 'sport = :{port}'; an earlier make run?), "
                    f"or choose another: {variable}={port + 1} make run",
                )
            )
        else:
            findings.append(Finding(True, f"port {port} ({what}) is free"))
    return findings


def check_test_packages() -> Finding:
    missing = [package for package, sign in TEST_PACKAGES if not is_installed(sign)]
    if not missing:
        return Finding(True, "chromium, postgresql, redis-server and haproxy (for make test)")
    listed = ", ".join(missing)
    if shutil.which("apt-get") is None:
        return Finding(False, f"make test needs {listed}", "install them with this system's package manager")
    sudo = "" if os.geteuid() == 0 else "sudo "
    return Finding(
        False,
        f"make test needs {listed}",
        f"make test installs them ({sudo}apt-get install {' '.join(missing)})",
        blocking=False,
    )


def is_installed(sign: str) -> bool:
    if sign.startswith("/"):
        return any(Path("/").glob(sign.lstrip("/")))
    return shutil.which(sign) is not None


def findings_for(target: str, environ: dict[str, str]) -> list[Finding]:
    findings = [check_python(), check_make(), check_disk()]
    if target in {"run", "all"}:
        findings += check_ports(environ)
    if target in {"test", "all"}:
        findings.append(check_test_packages())
    return findings


def report(findings: list[Finding], quiet: bool) -> str:
    lines = []
    for finding in findings:
        if finding.ok and not quiet:
            lines.append(f"  ok       {finding.what}")
        elif not finding.ok:
            label = "MISSING" if finding.blocking else "note"
            lines.append(f"  {label:<8} {finding.what}\n           fix: {finding.fix}")
    return "\n".join(lines)


def main(arguments: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="scripts/doctor.py", description=__doc__.splitlines()[0])
    parser.add_argument("target", nargs="?", default="all", choices=["run", "test", "all"])
    parser.add_argument("--quiet", action="store_true", help="print problems only")
    options = parser.parse_args(arguments)
    findings = findings_for(options.target, dict(os.environ))
    text = report(findings, options.quiet)
    if text:
        print(text)
    blocking = [finding for finding in findings if not finding.ok and finding.blocking]
    if blocking:
        print(f"{len(blocking)} thing(s) to fix first (make doctor checks again).")
        return 1
    if not options.quiet:
        print("Nothing missing.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
