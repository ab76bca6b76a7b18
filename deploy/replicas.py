"""Several Rasa servers behind HAProxy on this machine, sharing one PostgreSQL tracker store and the Redis
lock store, as a deployment past one machine runs them: for the replica test, for the bench (one and two
replicas side by side) and for a developer (`make replicas`, or `python -m deploy.replicas --count 2`).

    with replicas(2) as stack:
        requests.post(f"{stack.url}/webhooks/widget/webhook", json={"sender": ..., "id": 0, "message": "hi"})
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import secrets
import shutil
import signal
import string
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from deploy.local_servers import LOOPBACK, free_port, local_postgres, local_redis
from launcher.services import (
    BIN,
    ROOT,
    Running,
    Service,
    Settings,
    assistant_services,
    running,
    widget_service,
)

DEPLOY = Path(__file__).resolve().parent
ENDPOINTS = "deploy/endpoints-replicas.yml"  # relative to ROOT, where every service starts
HAPROXY_TEMPLATE = DEPLOY / "haproxy.cfg"
BUILD_TRACKER_STORE = "import os, tracker_store; tracker_store.URLTrackerStore(url=os.environ['URL'])"


@dataclass(frozen=True)
class ReplicaSet:
    """What `replicas` yields: HAProxy's base URL (send the chat here), each replica's own, the stores
    they share, and the running services (processes by name: actions, rasa-1 ..., haproxy)."""

    url: str
    replica_urls: tuple[str, ...]
    chat_page_url: str | None
    tracker_store_url: str
    lock_store_url: str
    services: Running


def haproxy_config(port: int, replica_ports: list[int]) -> str:
    """deploy/haproxy.cfg with HAProxy on `port` and one health-checked server line per replica."""
    servers = "\n".join(
        f"    server rasa-{number} {LOOPBACK}:{replica_port} check"
        for number, replica_port in enumerate(replica_ports, start=1)
    )
    template = string.Template(HAPROXY_TEMPLATE.read_text())
    return template.substitute(bind=f"{LOOPBACK}:{port}", servers=servers)


def replica_services(
    settings: Settings,
    replica_ports: list[int],
    lock_store_url: str,
    haproxy_config_file: Path,
    haproxy_port: int,
) -> list[Service]:
    """The action server, one Rasa server per port (named rasa-1, rasa-2 ...) and HAProxy, in the order
    they start. Every Rasa server reads deploy/endpoints-replicas.yml; the settings' tracker_store_url
    must be the shared PostgreSQL database."""
    actions, rasa = assistant_services(settings, endpoints=ENDPOINTS)
    services = [actions]
    for number, port in enumerate(replica_ports, start=1):
        command = [*rasa.command]
        command[command.index("--port") + 1] = str(port)
        services.append(
            dataclasses.replace(
                rasa,
                name=f"rasa-{number}",
                command=command,
                ready_url=f"http://{LOOPBACK}:{port}/",
                environment={**rasa.environment, "LOCK_STORE_URL": lock_store_url},
            )
        )
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    services.append(
        Service(
            name="haproxy",
            command=[haproxy, "-db", "-f", str(haproxy_config_file)],
            # Through HAProxy to a replica's deep health check: 200 once one replica is in service.
            ready_url=f"http://{LOOPBACK}:{haproxy_port}/webhooks/widget/",
        )
    )
    return services


def create_tables(tracker_store_url: str) -> None:
    """Create the tracker store's tables before the replicas start, so two replicas starting together
    never both try (PostgreSQL refuses the second CREATE TABLE). Run as the Rasa server would build it."""
    built = subprocess.run(
        [str(BIN / "python"), "-c", BUILD_TRACKER_STORE],
        cwd=ROOT,
        env={**os.environ, "URL": tracker_store_url, "RASA_TELEMETRY_ENABLED": "false"},
        capture_output=True,
        text=True,
    )
    if built.returncode != 0:
        raise RuntimeError(f"could not create the tracker store's tables:\n{built.stderr[-2000:]}")


@contextmanager
def replicas(
    count: int = 2,
    tracker_store_url: str | None = None,
    lock_store_url: str | None = None,
    models: Path = ROOT / "models" / "stay-safe.tar.gz",
    log_dir: Path | None = None,
    chat_page: bool = False,
) -> Iterator[ReplicaSet]:
    """Start `count` Rasa servers and one action server on free loopback ports behind HAProxy (and
    with `chat_page`, the chat page's server in front of HAProxy), wait until all answer, yield them,
    and stop everything on the way out. Without a tracker store URL or a lock store URL, a PostgreSQL
    or Redis server of its own is started (and removed afterwards)."""
    with ExitStack() as stack:
        if tracker_store_url is None:
            tracker_store_url = stack.enter_context(local_postgres()).url()
        if lock_store_url is None:
            lock_store_url = stack.enter_context(local_redis())
        create_tables(tracker_store_url)
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="stay-safe-haproxy-")))
        replica_ports = [free_port() for _ in range(count)]
        haproxy_port = free_port()
        config_file = folder / "haproxy.cfg"
        config_file.write_text(haproxy_config(haproxy_port, replica_ports))
        settings = Settings(
            rasa_port=replica_ports[0],
            action_port=free_port(),
            tracker_store_url=tracker_store_url,
            auth_token=os.environ.get("RASA_AUTH_TOKEN") or secrets.token_urlsafe(24),
            models=models,
        )
        services = replica_services(settings, replica_ports, lock_store_url, config_file, haproxy_port)
        chat_page_url = None
        if chat_page:  # the page's server posts each message to HAProxy, as it would in production
            page = dataclasses.replace(settings, rasa_port=haproxy_port, widget_port=free_port())
            services.append(widget_service(page))
            chat_page_url = page.widget_url
        with running(services, settings, log_dir=log_dir) as processes:
            yield ReplicaSet(
                url=f"http://{LOOPBACK}:{haproxy_port}",
                replica_urls=tuple(f"http://{LOOPBACK}:{port}" for port in replica_ports),
                chat_page_url=chat_page_url,
                tracker_store_url=tracker_store_url,
                lock_store_url=lock_store_url,
                services=processes,
            )


def main(arguments: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Rasa server replicas behind HAProxy on this machine.")
    parser.add_argument("--count", type=int, default=2, help="how many Rasa servers (default 2)")
    parser.add_argument("--log-dir", type=Path, default=ROOT / "results" / "replicas-run-logs")
    options = parser.parse_args(arguments)
    print(f"Starting {options.count} Rasa servers behind HAProxy (about a minute) ...", flush=True)
    with replicas(
        options.count,
        tracker_store_url=os.environ.get("REPLICAS_TRACKER_STORE_URL"),
        lock_store_url=os.environ.get("REPLICAS_LOCK_STORE_URL"),
        log_dir=options.log_dir,
        chat_page=True,
    ) as stack:
        print(f"Chat page: {stack.chat_page_url}", flush=True)
        print(f"HAProxy:   {stack.url}/webhooks/widget/webhook  (the chat page's channel)", flush=True)
        for number, url in enumerate(stack.replica_urls, start=1):
            print(f"rasa-{number}:    {url}", flush=True)
        print(f"Logs in {options.log_dir}. Open the chat page, or post to the channel:", flush=True)
        print(
            f"  curl -s {stack.url}/webhooks/widget/webhook -H 'Content-Type: application/json' "
            f"""-d '{{"sender": "{secrets.token_hex(16)}", "id": 0, "message": "hi"}}'""",
            flush=True,
        )
        print("Ctrl-C stops everything.", flush=True)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            problem = stack.services.wait()
        except KeyboardInterrupt:
            return 0
        print(problem, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
