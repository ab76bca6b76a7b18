"""How fast the assistant answers over HTTP, against Rasa's own `rasa init` bot: `make bench`.

Starts the assistant as `make run` does (the Rasa server and the action server, with the SQLite
tracker store), and Rasa's `rasa init` bot with the same Rasa and the same store, one after the
other on this machine, and measures each over Rasa's REST channel:

- messages per second and latency (p50, p95, p99) with 1, 8, 32 and 128 conversations at once,
  for questions and for disclosures (which call the action server), with errors and lost turns
  (turns sent that are not in the tracker store);
- cost per message against conversation length: turns 1-20 against 281-300 of one conversation;
- start-up until the chat answers, resident memory of each server after the runs, training time.

Every figure of the assistant is also given as a ratio to the `rasa init` bot's, which holds on a
noisy machine. Prints a table and writes it to results/bench/<date>.md and .json.

    python -m scripts.bench [--skip-train] [--quick] [--profile]

With --profile, py-spy samples the assistant's Rasa server while 8 conversations talk to it and the
functions that take the most time are printed (and the raw stacks kept in results/bench/).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.local_servers import free_port  # noqa: E402
from launcher.services import BIN, Service, Settings, assistant_services, running  # noqa: E402

INIT_BOT = ROOT / "build" / "bench" / "init-bot"
RESULTS = ROOT / "results" / "bench"
QUESTIONS = [
    "how do i make my account private",
    "whats a strong password",
    "someone i dont know sent me a friend request",
    "what is ceop",
    "is it safe to meet someone i met online",
    "what should i not share online",
    "how do i block someone on snapchat",
    "what number is childline",
]
DISCLOSURES = [
    "a man online keeps asking me for pics",
    "someone says he will share my photos if i dont send more",
    "theres a man outside my house and im scared",
    "people at school keep sending me horrible messages",
]


@dataclass
class Run:
    """One load: `conversations` at once, each sending `turns` messages one after another."""

    name: str
    conversations: int
    turns: int
    messages: list[str]
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    lost: int = 0
    seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000 if ordered else 0.0

    def summary(self) -> dict[str, float]:
        return {
            "msgs_per_s": round(self.per_second, 1),
            "p50_ms": round(self.percentile(0.50), 1),
            "p95_ms": round(self.percentile(0.95), 1),
            "p99_ms": round(self.percentile(0.99), 1),
            "errors": self.errors,
            "lost": self.lost,
        }


@dataclass
class Bot:
    name: str
    url: str
    store_url: str
    pids: dict[str, int]
    startup_seconds: float
    training_seconds: float | None
    runs: dict[str, Run] = field(default_factory=dict)
    length_cost: dict[str, float] = field(default_factory=dict)
    memory_mb: dict[str, float] = field(default_factory=dict)


def resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def stored_user_messages(store_url: str) -> int:
    engine = sa.create_engine(store_url)
    with engine.connect() as connection:
        count = connection.scalar(sa.text("SELECT count(*) FROM events WHERE type_name = 'user'"))
    engine.dispose()
    return count


async def converse(session: aiohttp.ClientSession, url: str, run: Run, number: int) -> None:
    sender = secrets.token_hex(16)
    for turn in range(run.turns):
        text = run.messages[(number + turn) % len(run.messages)]
        started = time.perf_counter()
        try:
            async with session.post(
                f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}
            ) as answer:
                await answer.json(content_type=None)  # the starter bot answers some messages with nothing
                if answer.status != 200:
                    run.errors += 1
                    continue
        except (aiohttp.ClientError, TimeoutError, ValueError):
            run.errors += 1
            continue
        run.latencies.append(time.perf_counter() - started)


async def load(url: str, run: Run) -> None:
    limits = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=limits, timeout=aiohttp.ClientTimeout(total=120)) as session:
        started = time.perf_counter()
        await asyncio.gather(*(converse(session, url, run, number) for number in range(run.conversations)))
        run.seconds = time.perf_counter() - started


def measure_load(bot: Bot, run: Run) -> None:
    before = stored_user_messages(bot.store_url)
    asyncio.run(load(bot.url, run))
    sent = run.conversations * run.turns
    run.lost = sent - run.errors - (stored_user_messages(bot.store_url) - before)
    bot.runs[run.name] = run


def measure_length(bot: Bot, turns: int) -> None:
    """One long conversation: the median of its first 20 turns against its last 20."""
    run = Run("length", 1, turns, QUESTIONS)
    asyncio.run(load(bot.url, run))
    first, last = run.latencies[:20], run.latencies[-20:]
    bot.length_cost = {
        "first_20_ms": round(statistics.median(first) * 1000, 1),
        "last_20_ms": round(statistics.median(last) * 1000, 1),
        "growth": round(statistics.median(last) / statistics.median(first), 2),
    }


def first_answer(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        with contextlib.suppress(requests.RequestException):
            answer = requests.post(
                f"{url}/webhooks/rest/webhook",
                json={"sender": secrets.token_hex(16), "message": "hi"},
                timeout=30,
            )
            if answer.ok and answer.json():
                return
        time.sleep(0.2)
    raise TimeoutError(f"no answer from {url}")


def profile(bot: Bot, seconds: int = 40) -> str:
    """Sample the Rasa server and the action server with py-spy while 8 conversations send questions
    and disclosures; for each, the functions that take the largest share of its time."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = f"{datetime.now(UTC):%Y-%m-%d-%H%M}"
    samplers = {}
    for name, pid in bot.pids.items():
        raw = RESULTS / f"profile-{stamp}-{name}.txt"
        command = [str(BIN / "py-spy"), "record", "--pid", str(pid), "--format", "raw", "--rate", "250"]
        command += ["--duration", str(seconds), "--output", str(raw), "--nonblocking"]
        samplers[name] = (
            raw,
            subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
        )
    deadline = time.monotonic() + seconds - 2
    while time.monotonic() < deadline:
        measure_load(bot, Run("profiled", 8, 10, QUESTIONS + DISCLOSURES))
    report = []
    for name, (raw, sampler) in samplers.items():
        sampler.wait()
        report += [f"--- {name} ({raw.name})", top_functions(raw)]
    return "\n".join(report)


def top_functions(raw: Path, count: int = 45) -> str:
    """Inclusive share of samples per function (each counted once per stack), from py-spy's raw output."""
    inclusive: dict[str, int] = {}
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, samples = line.rpartition(" ")
        if not samples.isdigit():
            continue
        total += int(samples)
        for frame in set(stack.split(";")):
            inclusive[frame] = inclusive.get(frame, 0) + int(samples)
    ranked = sorted(inclusive.items(), key=lambda item: -item[1])[:count]
    return "\n".join(f"{share / total:6.1%}  {frame}" for frame, share in ranked)


def measure_bot(bot: Bot, quick: bool) -> None:
    scale = 4 if quick else 1
    for kind, messages in (("questions", QUESTIONS), ("disclosures", DISCLOSURES)):
        for conversations, turns in ((1, 100), (8, 25), (32, 10), (128, 4)):
            name = f"{kind} x{conversations}"
            measure_load(bot, Run(name, conversations, max(2, turns // scale), messages))
            print(f"  {bot.name}: {name}: {bot.runs[name].summary()}", flush=True)
    measure_length(bot, 300 // scale)
    print(f"  {bot.name}: cost by length: {bot.length_cost}", flush=True)
    bot.memory_mb = {name: round(resident_mb(pid)) for name, pid in bot.pids.items()}


def train(command: list[str], cwd: Path) -> float:
    started = time.monotonic()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - started


@contextlib.contextmanager
def the_assistant(train_it: bool, workdir: Path) -> Iterator[Bot]:
    training = None
    model = ROOT / "models" / "stay-safe.tar.gz"
    if train_it:
        model = workdir / "models" / "stay-safe.tar.gz"
        training = train(
            [
                str(BIN / "rasa"),
                "train",
                "--quiet",
                "--force",
                "--fixed-model-name",
                "stay-safe",
                "--out",
                str(model.parent),
            ],
            ROOT,
        )
    settings = Settings(
        rasa_port=free_port(),
        action_port=free_port(),
        tracker_db=workdir / "assistant" / "tracker.db",
        auth_token=secrets.token_urlsafe(24),
        models=model,
    )
    started = time.monotonic()
    with running(assistant_services(settings), settings, log_dir=workdir / "logs") as services:
        first_answer(settings.rasa_url, time.monotonic() + 300)
        yield Bot(
            "this project",
            settings.rasa_url,
            settings.tracker_store,
            {name: services.process(name).pid for name in ("rasa", "actions")},
            round(time.monotonic() - started, 1),
            training and round(training),
        )


INIT_ENDPOINTS = """tracker_store:
  type: SQL
  dialect: sqlite
  db: {database}
"""


@contextlib.contextmanager
def the_init_bot(train_it: bool, workdir: Path) -> Iterator[Bot]:
    """Rasa's starter bot, made by `rasa init` with this Rasa, kept in build/bench/init-bot."""
    training = None
    if train_it or not list((INIT_BOT / "models").glob("*.tar.gz")):
        shutil.rmtree(INIT_BOT, ignore_errors=True)
        INIT_BOT.mkdir(parents=True)
        started = time.monotonic()
        subprocess.run(
            [str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(INIT_BOT)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        training = round(time.monotonic() - started)
    database = workdir / "init-bot" / "tracker.db"
    database.parent.mkdir(parents=True)
    endpoints = workdir / "init-bot" / "endpoints.yml"
    endpoints.write_text(INIT_ENDPOINTS.format(database=database))
    settings = Settings(
        rasa_port=free_port(), tracker_db=database, auth_token="unused", models=INIT_BOT / "models"
    )
    service = Service(
        name="init-bot",
        command=[
            str(BIN / "rasa"),
            "run",
            "--model",
            str(INIT_BOT / "models"),
            "--endpoints",
            str(endpoints),
            "--interface",
            "127.0.0.1",
            "--port",
            str(settings.rasa_port),
        ],
        ready_url=f"{settings.rasa_url}/",
    )
    started = time.monotonic()
    with running([service], settings, log_dir=workdir / "logs") as services:
        first_answer(settings.rasa_url, time.monotonic() + 300)
        yield Bot(
            "rasa init bot",
            settings.rasa_url,
            settings.tracker_store,
            {"rasa": services.process("init-bot").pid},
            round(time.monotonic() - started, 1),
            training,
        )


def measure_replicas(counts: tuple[int, ...] = (1, 2)) -> dict[int, dict[str, dict[str, float]]]:
    """The assistant as one and as two Rasa replicas behind HAProxy, sharing PostgreSQL and Redis
    (deploy/replicas.py). On one 2-core machine this shows that nothing is lost, not more speed."""
    if not shutil.which("haproxy") or not shutil.which("redis-server"):
        print("  replicas: skipped, haproxy or redis-server is not installed (make test installs them)")
        return {}
    from deploy.replicas import replicas

    figures = {}
    for count in counts:
        with replicas(count) as stack:
            bot = Bot(f"{count} replica(s)", stack.url, stack.tracker_store_url, {}, 0.0, None)
            for conversations, turns in ((8, 25), (32, 10)):
                measure_load(
                    bot, Run(f"questions x{conversations}", conversations, turns, QUESTIONS + DISCLOSURES)
                )
            figures[count] = {name: run.summary() for name, run in bot.runs.items()}
            print(f"  {count} replica(s): {figures[count]}", flush=True)
    return figures


def ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}x" if theirs else "-"


def cells(figures: dict[str, float], keys: tuple[str, ...]) -> str:
    return ", ".join(f"{figures[key]:g}" for key in keys)


def growth(bot: Bot) -> str:
    cost = bot.length_cost
    return f"{cost['first_20_ms']} → {cost['last_20_ms']} ({cost['growth']}x)"


def memory(bot: Bot) -> str:
    return ", ".join(f"{name} {mb:g}" for name, mb in bot.memory_mb.items())


def table(ours: Bot, init: Bot, replica_figures: dict[int, dict[str, dict[str, float]]]) -> str:
    every = ("msgs_per_s", "p50_ms", "p95_ms", "p99_ms", "errors", "lost")
    cores = len(os.sched_getaffinity(0))
    lines = [
        f"# Bench, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {socket.gethostname()}, {cores} cores",
        "",
        "Over Rasa's REST channel, SQLite tracker store, both bots in one run.",
        "",
        "| load | this project: msgs/s, p50, p95, p99 ms, errors, lost | rasa init bot: the same "
        "| msgs/s ratio | p95 ratio |",
        "|---|---|---|---|---|",
    ]
    for name, run in ours.runs.items():
        a, b = run.summary(), init.runs[name].summary()
        speed, p95 = ratio(a["msgs_per_s"], b["msgs_per_s"]), ratio(a["p95_ms"], b["p95_ms"])
        lines.append(f"| {name} | {cells(a, every)} | {cells(b, every)} | {speed} | {p95} |")
    trained = ours.training_seconds or "not run (--skip-train)"
    lines += [
        "",
        "| | this project | rasa init bot |",
        "|---|---|---|",
        f"| one conversation, median ms turns 1-20 → last 20 (growth) | {growth(ours)} | {growth(init)} |",
        f"| start-up until the chat answers, s | {ours.startup_seconds} | {init.startup_seconds} |",
        f"| resident memory, MB | {memory(ours)} | {memory(init)} |",
        f"| training, s | {trained} | {init.training_seconds or 'kept from an earlier run'} |",
    ]
    if replica_figures:
        lines += [
            "",
            "Replicas behind HAProxy with PostgreSQL and Redis, questions and disclosures, this one machine:",
            "",
            "| replicas | 8 at once: msgs/s, p95 ms, errors, lost | 32 at once: the same |",
            "|---|---|---|",
        ]
        keys = ("msgs_per_s", "p95_ms", "errors", "lost")
        for count, runs in replica_figures.items():
            lines.append(f"| {count} | {' | '.join(cells(run, keys) for run in runs.values())} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench", description=__doc__)
    parser.add_argument("--skip-train", action="store_true", help="use models/stay-safe.tar.gz as it is")
    parser.add_argument("--quick", action="store_true", help="a quarter of the turns, for a first look")
    parser.add_argument("--profile", action="store_true", help="only profile the assistant's Rasa server")
    arguments = parser.parse_args(argv)
    if arguments.profile:
        with (
            tempfile.TemporaryDirectory(prefix="bench-") as directory,
            the_assistant(False, Path(directory)) as ours,
        ):
            print(profile(ours))
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-") as directory:
        workdir = Path(directory)
        print("The rasa init bot ...", flush=True)
        with the_init_bot(False, workdir) as init:
            measure_bot(init, arguments.quick)
        print("This project ...", flush=True)
        with the_assistant(not arguments.skip_train, workdir) as ours:
            measure_bot(ours, arguments.quick)
        print("Replicas ...", flush=True)
        replica_figures = measure_replicas()
    report = table(ours, init, replica_figures)
    print("\n" + report)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = RESULTS / f"{datetime.now(UTC):%Y-%m-%d-%H%M}"
    stem.with_suffix(".md").write_text(report + "\n")
    figures = {
        bot.name: {
            "runs": {name: run.summary() for name, run in bot.runs.items()},
            "length_cost": bot.length_cost,
            "startup_seconds": bot.startup_seconds,
            "memory_mb": bot.memory_mb,
            "training_seconds": bot.training_seconds,
        }
        for bot in (ours, init)
    }
    figures["replicas"] = replica_figures
    stem.with_suffix(".json").write_text(json.dumps(figures, indent=2) + "\n")
    print(f"\nWritten to {stem}.md and .json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
