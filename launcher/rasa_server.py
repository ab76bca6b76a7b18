"""Runs Rasa's command line with the HTTP API token added in-process: python -m launcher.rasa_server
run <options>. A command line is readable by every local user (/proc/<pid>/cmdline); the environment
the token comes in (RASA_AUTH_TOKEN) only by this process's owner, and sys.argv changes neither."""

from __future__ import annotations

import os
import sys

from rasa.__main__ import main as rasa_main

from launcher import rasa_tuning


def main() -> None:
    token = os.environ.pop("RASA_AUTH_TOKEN", "")  # Rasa's own child processes need not see it
    if not token:
        sys.exit("RASA_AUTH_TOKEN is empty: the Rasa HTTP API must never run without a token")
    # One argument: a token may start with "-", which would read as an option.
    sys.argv = ["rasa", *sys.argv[1:], f"--auth-token={token}"]
    rasa_tuning.apply()
    rasa_main()


if __name__ == "__main__":
    main()
