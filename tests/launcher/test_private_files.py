"""What the launcher and the services it starts create is readable by this machine's user only:
folders 0700, files 0600 from the moment they exist, whatever the umask `make run` inherits."""

from __future__ import annotations

import subprocess
from pathlib import Path

from launcher.services import BIN, ROOT, Settings, running
from tests.launcher.conftest import free_port
from tests.launcher.standins import standin

# Notes the secret file's mode at every audited step (each open, each chmod) while it is made.
WATCH_THE_SECRET_BEING_MADE = """
import os, sys
from pathlib import Path
from settings import load_or_create_token

path = Path(sys.argv[1])
modes = set()
sys.addaudithook(lambda event, arguments: path.exists() and modes.add(oct(path.stat().st_mode & 0o777)))
os.umask(0)
made = load_or_create_token(path)
assert load_or_create_token(path) == made and len(made) > 30
print(sorted(modes), oct(path.parent.stat().st_mode & 0o777))
"""


def mode(path: Path) -> str:
    return oct(path.stat().st_mode & 0o777)


def test_a_secret_is_never_readable_by_others_not_even_before_a_chmod(tmp_path: Path) -> None:
    path = tmp_path / ".secrets" / "rasa-auth-token"
    seen = subprocess.run(
        [str(BIN / "python"), "-c", WATCH_THE_SECRET_BEING_MADE, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert seen == ["['0o600']", "0o700"]


def test_the_transcripts_folder_the_logs_and_what_services_create_are_private(
    tmp_path: Path, settings: Settings, permissive_umask: None
) -> None:
    logs = tmp_path / "logs"
    with running([standin("service", free_port(), tmp_path)], settings, log_dir=logs):
        pass
    assert mode(settings.tracker_db.parent) == "0o700"
    assert (mode(logs), mode(logs / "service.log")) == ("0o700", "0o600")
    # The stand-in makes a folder and a file as Python does by default (0777 and 0666 before the umask).
    assert (mode(tmp_path / "service"), mode(tmp_path / "service" / "pid")) == ("0o700", "0o600")
