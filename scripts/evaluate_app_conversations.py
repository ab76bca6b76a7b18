"""How well the bot answers held-out conversations about apps: the app, the follow-up, the age band.

Each conversation in tests/app_conversations/heldout_*.yml (two or three turns, written blind,
never trained on) says what the answer to its last turn must be: the app whose steps it gives
(`none`: the general steps), the how-to, and the child's age band if they said it. The turns
are sent to a running Rasa server, as the chat page sends them, and the last answer is read as
a child reads it: which app's steps from data/app_steps.yml it holds, for which how-to, and
whether it is the simple version said to a child under 13.

    python -m scripts.evaluate_app_conversations http://127.0.0.1:5005   # a server `make run` started

tests/e2e/test_app_conversations.py runs it on the test session's servers and holds the figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import requests
import yaml

from actions.app_steps import AGE, Guide, load_guide

ROOT = Path(__file__).resolve().parent.parent
HELD_OUT = ROOT / "tests" / "app_conversations"
GENERAL = "none"
UNDER_13 = "under_13"
KINDS = ("app", "follow_up", "age", "disclosure_report", "unknown_app")


def domain_text(name: str, root: Path = ROOT) -> str:
    domain = yaml.safe_load((root / "domain.yml").read_text(encoding="utf-8"))
    return domain["responses"][name][0]["text"]


@dataclass(frozen=True)
class Answer:
    """What the bot's answer to a turn held: whose steps, for which how-tos, in which version."""

    apps: frozenset[str]
    topics: frozenset[str]
    under_13: bool
    trusted_adult: bool


def step_index(guide: Guide) -> dict[str, set[tuple[str, str, str]]]:
    """Each step's text -> the (app or "none", how-to, "full" or "simple") it belongs to."""
    index: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    entries = [*guide.apps.items(), (GENERAL, None)]
    for key, app in entries:
        answers = app.answers if app else guide.general
        for topic, steps in answers.items():
            for version, lines in (("full", steps.full), ("simple", steps.simple)):
                for line in lines:
                    index[line.strip()].add((key, topic, version))
    return index


def read_answer(
    reply_texts: Iterable[str],
    index: Mapping[str, set[tuple[str, str, str]]],
    parent_line: str,
    trusted_adult_line: str,
) -> Answer:
    """What the replies held. A line several apps share ("Tap Block.") says nothing about the app,
    and one several how-tos share nothing about the how-to, so each is read from the lines that
    belong to one app, or one how-to, alone."""
    texts = [text.strip() for text in reply_texts]
    places = [index[text] for text in texts if text in index]
    apps = {key for found in places if len({k for k, _, _ in found}) == 1 for key, _, _ in found}
    topics = {topic for found in places if len({t for _, t, _ in found}) == 1 for _, topic, _ in found}
    # The simple steps are for a child under 13: a line found only in them says so, a line found
    # only in the fuller steps says not (a line in both says neither).
    simple = any({version for _, _, version in found} == {"simple"} for found in places)
    full = any({version for _, _, version in found} == {"full"} for found in places)
    under_13 = parent_line in texts or (simple and not full)
    # A child under 13 hears the app's minimum age before other steps: that is not the how-to.
    if under_13 and len(topics) > 1:
        topics.discard(AGE)
    return Answer(frozenset(apps), frozenset(topics), under_13, trusted_adult_line in texts)


@dataclass(frozen=True)
class Result:
    kind: str
    turns: tuple[str, ...]
    expected: Mapping[str, str]
    app_right: bool
    topic_right: bool
    band_right: bool
    trusted_adult: bool

    @property
    def all_right(self) -> bool:
        right = self.app_right and self.topic_right and self.band_right
        return right and (self.trusted_adult or self.kind != "disclosure_report")


def judge(conversation: Mapping[str, Any], answer: Answer) -> Result:
    expected = {key: str(value) for key, value in conversation["expect"].items()}
    topic = expected["topic"]
    return Result(
        kind=conversation["kind"],
        turns=tuple(conversation["turns"]),
        expected=expected,
        app_right=answer.apps == {expected["app"]},
        topic_right=topic in answer.topics or (topic == AGE and answer.topics == {AGE}),
        band_right=answer.under_13 == (expected.get("age_band") == UNDER_13),
        trusted_adult=answer.trusted_adult,
    )


def training_texts(root: Path = ROOT) -> list[str]:
    from rasa.shared.nlu.training_data.loading import load_data

    return [message.get("text") for message in load_data(str(root / "data" / "nlu")).intent_examples]


def conversations(paths: Iterable[Path], trained_on: Iterable[str] = ()) -> list[dict[str, Any]]:
    """The conversations in the sets, less any whose last turn (the one measured) is an exact or
    near copy of a training example."""
    from scripts.check_data import near_copies

    found = []
    for path in paths:
        found += yaml.safe_load(path.read_text(encoding="utf-8"))["conversations"]
    copied = set(near_copies([c["turns"][-1] for c in found], list(trained_on)))
    return [c for c in found if c["turns"][-1] not in copied]


def evaluate(
    send: Callable[[str, str], list[dict[str, Any]]],
    paths: Iterable[Path],
    guide: Guide | None = None,
    root: Path = ROOT,
    trained_on: Iterable[str] = (),
) -> list[Result]:
    """Each conversation sent turn by turn (`send(sender, text)` returns the replies), judged on its
    last answer; one whose last turn is a copy of a training example (`trained_on`) is left out."""
    index = step_index(guide or load_guide())
    parent_line = domain_text("utter_talk_to_parent_before_joining", root)
    trusted_adult_line = domain_text("utter_tell_trusted_adult", root)
    results = []
    for conversation in conversations(paths, trained_on):
        sender = uuid.uuid4().hex
        replies: list[dict[str, Any]] = []
        for turn in conversation["turns"]:
            replies = send(sender, turn)
        answer = read_answer(
            (reply.get("text") or "" for reply in replies), index, parent_line, trusted_adult_line
        )
        results.append(judge(conversation, answer))
    return results


def shares(results: list[Result]) -> dict[str, dict[str, Any]]:
    """Per kind and in all: how many, and the share with the app, how-to, age band and all of it right."""
    table = {}
    for kind in (*KINDS, "all"):
        chosen = [r for r in results if kind in ("all", r.kind)]
        if not chosen:
            continue
        table[kind] = {
            "conversations": len(chosen),
            **{
                measure: round(sum(getattr(r, measure) for r in chosen) / len(chosen), 3)
                for measure in ("app_right", "topic_right", "band_right", "all_right")
            },
        }
    return table


def rest_sender(base_url: str) -> Callable[[str, str], list[dict[str, Any]]]:
    def send(sender: str, text: str) -> list[dict[str, Any]]:
        response = requests.post(
            f"{base_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60
        )
        response.raise_for_status()
        return response.json()

    return send


def print_table(table: Mapping[str, Mapping[str, Any]]) -> None:
    print(f"{'kind':<18} {'n':>4} {'app':>6} {'how-to':>7} {'age band':>9} {'all':>6}")
    for kind, row in table.items():
        print(
            f"{kind:<18} {row['conversations']:>4} {row['app_right']:>6.1%} {row['topic_right']:>7.1%} "
            f"{row['band_right']:>9.1%} {row['all_right']:>6.1%}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rasa_url", help="the Rasa server, e.g. http://127.0.0.1:5005")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "app_conversations.json")
    arguments = parser.parse_args(argv)
    results = evaluate(
        rest_sender(arguments.rasa_url.rstrip("/")),
        sorted(HELD_OUT.glob("heldout_*.yml")),
        trained_on=training_texts(),
    )
    table = shares(results)
    print_table(table)
    arguments.out.parent.mkdir(parents=True, exist_ok=True)
    arguments.out.write_text(json.dumps({"shares": table, "results": [asdict(r) for r in results]}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
