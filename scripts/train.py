"""`rasa train` with a few lines of progress: which component is training, each fine-tuning epoch and
about how long is left. Rasa's full log goes to logs/train.log; warnings and errors still show here.

    python -m scripts.train [rasa train's options]
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOG = ROOT / "logs" / "train.log"
COMPONENT = re.compile(r"Starting to train component '(\w+)'")
EPOCH = re.compile(r"fine-tuning epoch (\d+) of (\d+): loss ([\d.]+), (\d+) s")
PROBLEM = re.compile(r"Warning|WARNING|ERROR|Error|Traceback")
DONE = re.compile(r"Your Rasa model is trained and saved at|Nothing changed")
COLOUR = re.compile(r"\x1b\[[0-9;]*m")  # Rasa colours its last line; this output may be a file


def minutes(seconds: float) -> str:
    return f"{seconds / 60:.0f} min" if seconds >= 90 else f"{seconds:.0f} s"


class Progress:
    """Turns Rasa's log lines into the few a person wants to see."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.epoch_seconds: list[int] = []

    def line_for(self, line: str) -> str | None:
        elapsed = f"[{minutes(time.monotonic() - self.started):>6}]"
        if match := COMPONENT.search(line):
            return f"  {elapsed} training {match[1]}"
        if match := EPOCH.search(line):
            epoch, epochs = int(match[1]), int(match[2])
            self.epoch_seconds.append(int(match[4]))
            left = sum(self.epoch_seconds) / len(self.epoch_seconds) * (epochs - epoch)
            estimate = f", about {minutes(left)} left" if epoch < epochs else ""
            return f"  {elapsed}   epoch {epoch} of {epochs} (loss {match[3]}, {match[4]} s){estimate}"
        if DONE.search(line) or PROBLEM.search(line):
            return f"  {COLOUR.sub('', line).rstrip()}"
        return None


def main(arguments: list[str]) -> int:
    LOG.parent.mkdir(exist_ok=True)
    command = [sys.executable, "-m", "scripts.rasa_cli", "train", *arguments]
    progress = Progress()
    with (
        open(LOG, "w") as log,
        subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
        ) as process,
    ):
        assert process.stdout is not None
        for line in process.stdout:
            log.write(line)
            if (shown := progress.line_for(line)) is not None:
                print(shown, flush=True)
    if process.returncode != 0:
        print(f"Training failed (exit code {process.returncode}); the whole log: {LOG.relative_to(ROOT)}")
    return process.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
