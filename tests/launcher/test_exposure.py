"""Nothing the launcher starts shows the Rasa API token to other local users, and only the pages
people use can be opened to a network: Rasa and the action server listen on loopback whatever is set."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from launcher.services import LOOPBACK, Settings, all_services, assistant_services, running

OPEN_EVERYTHING = {"BIND_HOST": "0.0.0.0", "WIDGET_HOST": "0.0.0.0", "REVIEW_HOST": "0.0.0.0"}


def command_lines_in_group(group: int) -> list[str]:
    """What any local user reads in /proc/<pid>/cmdline, for every process of a process group."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[2]) == group:
                found.append((stat.parent / "cmdline").read_text())
        except (FileNotFoundError, ProcessLookupError):
            pass  # ended while we looked
    return found


def test_no_command_the_launcher_runs_holds_the_token() -> None:
    token = "a-token-nobody-else-may-read"
    services = all_services(Settings.from_environment({"RASA_AUTH_TOKEN": token}))
    assert [service.name for service in services if token in str(service.command)] == []


def test_the_rasa_server_gets_its_token_without_showing_it_on_its_command_line(
    tmp_path: Path, free_port_settings: Settings
) -> None:
    settings = free_port_settings
    rasa = [service for service in assistant_services(settings) if service.name == "rasa"]
    with running(rasa, settings, log_dir=tmp_path / "logs") as services_running:
        command_lines = command_lines_in_group(services_running.process("rasa").pid)
        status = f"{settings.rasa_url}/status"
        without = requests.get(status, timeout=10)
        wrong = requests.get(status, params={"token": "guess"}, timeout=10)
        right = requests.get(status, params={"token": settings.auth_token}, timeout=10)
    assert command_lines and all("launcher.rasa_server" in line for line in command_lines)
    assert [line for line in command_lines if settings.auth_token in line] == []
    assert (without.status_code, wrong.status_code) == (401, 401)
    assert right.status_code == 409  # signed in; the empty model folder holds no model to answer with


@pytest.mark.parametrize("environ", [{}, OPEN_EVERYTHING], ids=["defaults", "every host setting open"])
def test_rasa_and_the_action_server_listen_on_loopback_whatever_is_set(environ: dict[str, str]) -> None:
    settings = Settings.from_environment({**environ, "RASA_AUTH_TOKEN": "token"})
    actions, rasa = assistant_services(settings)
    interface = rasa.command[rasa.command.index("--interface") + 1]
    assert (interface, actions.environment["SANIC_HOST"]) == (LOOPBACK, LOOPBACK)
    assert (settings.rasa_url, settings.action_url) == ("http://127.0.0.1:5005", "http://127.0.0.1:5055")


def test_the_chat_page_and_the_review_app_each_have_their_own_host_setting() -> None:
    widget_only = Settings.from_environment({"WIDGET_HOST": "0.0.0.0", "RASA_AUTH_TOKEN": "token"})
    review_only = Settings.from_environment({"REVIEW_HOST": "192.0.2.7", "RASA_AUTH_TOKEN": "token"})
    old_name = Settings.from_environment({"BIND_HOST": "0.0.0.0", "RASA_AUTH_TOKEN": "token"})
    hosts = [
        (settings.widget_host, settings.review_host) for settings in (widget_only, review_only, old_name)
    ]
    assert hosts == [("0.0.0.0", LOOPBACK), (LOOPBACK, "192.0.2.7"), ("0.0.0.0", LOOPBACK)]
    *_, widget, review = all_services(widget_only)
    assert widget.command[widget.command.index("--host") + 1] == "0.0.0.0"
    assert review.command[review.command.index("--host") + 1] == LOOPBACK
