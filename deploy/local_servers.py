"""PostgreSQL and Redis servers of one's own on this machine, from Debian's packages, each in a temporary
folder on a free loopback port: for the replica test, `make replicas` and the bench. Nothing here is for
production, where both are managed services (README "Past one machine")."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

LOOPBACK = "127.0.0.1"
START_SECONDS = 30


def free_port() -> int:
    """A port nothing listens on now, so these servers never meet a `make run` or a test run."""
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen | None = None, seconds: float = START_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server for port {port} stopped while starting ({process.returncode})")
        with socket.socket() as probe:
            if probe.connect_ex((LOOPBACK, port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing answered on port {port} within {seconds:g} s")


@dataclass(frozen=True)
class Postgres:
    """A PostgreSQL server with a role stay_safe (password login) owning a database stay_safe."""

    port: int
    password: str

    def url(self, database: str = "stay_safe") -> str:
        return f"postgresql://stay_safe:{self.password}@{LOOPBACK}:{self.port}/{database}"

    def create_database(self, prefix: str = "review") -> str:
        """A new empty database owned by stay_safe; its URL."""
        name = f"{prefix}_{secrets.token_hex(6)}"
        engine = sa.create_engine(self.url(), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text(f"CREATE DATABASE {name} OWNER stay_safe"))
        engine.dispose()
        return self.url(name)


@contextmanager
def local_postgres() -> Iterator[Postgres]:
    """Debian's PostgreSQL in a temporary folder, on its own port and socket, as the postgres user
    (PostgreSQL refuses to run as root). Set up like the production instructions in docs/review-app.md: a role
    stay_safe with a password and its own database. Removed on the way out."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        raise FileNotFoundError("PostgreSQL is not installed: `make test` installs Debian's postgresql")
    bin_dir = found[-1].parent
    root = Path(tempfile.mkdtemp(prefix="stay-safe-postgres-"))
    as_postgres: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    data, port, password = root / "data", free_port(), secrets.token_urlsafe(16)

    def run(*command: str) -> None:
        subprocess.run([*as_postgres, *command], check=True, capture_output=True, cwd=root)

    run(str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-E", "UTF8", "--no-sync",
        "--auth-local=trust", "--auth-host=scram-sha-256")  # fmt: skip
    options = f"-p {port} -k {root} -c listen_addresses={LOOPBACK} -c fsync=off -c max_connections=200"
    run(
        str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(root / "server.log"), "-w", "-o", options, "start"
    )
    try:
        psql = [
            str(bin_dir / "psql"),
            "-h",
            str(root),
            "-p",
            str(port),
            "-U",
            "postgres",
            "-v",
            "ON_ERROR_STOP=1",
        ]
        run(*psql, "-c", f"CREATE ROLE stay_safe LOGIN CREATEDB PASSWORD '{password}'")
        run(*psql, "-c", "CREATE DATABASE stay_safe OWNER stay_safe")
        yield Postgres(port, password)
    finally:
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def local_redis() -> Iterator[str]:
    """Debian's redis-server on a free loopback port with a password, keeping nothing on disk (a lock
    outlives no restart, by design); yields its redis:// URL (database 1, Rasa's lock store default)."""
    server = shutil.which("redis-server")
    if server is None:
        raise FileNotFoundError("redis-server is not installed: `make test` installs Debian's redis-server")
    root = Path(tempfile.mkdtemp(prefix="stay-safe-redis-"))
    port, password = free_port(), secrets.token_hex(16)
    config = root / "redis.conf"  # the password in a private file, not on a command line
    config.write_text(
        f'bind {LOOPBACK}\nport {port}\nrequirepass {password}\nsave ""\nappendonly no\n'
        f"dir {root}\nprotected-mode yes\n"
    )
    config.chmod(0o600)
    process = subprocess.Popen([server, str(config)], stdout=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for_port(port, process)
        yield f"redis://:{password}@{LOOPBACK}:{port}/1"
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)
