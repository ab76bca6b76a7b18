"""`make suggestions`: messages counsellors marked "the assistant misunderstood this", as candidate
NLU examples for a developer to label. Written outside data/, so nothing is trained on until a
developer moves an example into data/nlu/ by hand (CONTRIBUTING.md "Suggestions from counsellors").

    python -m scripts.export_suggestions [--out results/suggestions/nlu_candidates.yml]

Reads the marks from the tracker store at TRACKER_STORE_URL (the review app keeps them there).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from review.store import MisunderstoodMessage, misunderstood_messages
from scripts.check_data import ROOT, load_examples, normalised

OUT = ROOT / "results" / "suggestions" / "nlu_candidates.yml"
UNLABELLED = "unlabelled"


def when(timestamp: float | None) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M UTC") if timestamp else "-"


def candidates(
    marks: Iterable[MisunderstoodMessage], trained_on: set[str]
) -> dict[str, list[MisunderstoodMessage]]:
    """Marks grouped by the counsellor's suggested intent (or "unlabelled"), one per normalised text,
    leaving out any text already in the training data."""
    seen: set[str] = set()
    grouped: dict[str, list[MisunderstoodMessage]] = {}
    for mark in marks:
        key = normalised(mark.text)
        if not key or key in seen or key in trained_on:
            continue
        seen.add(key)
        grouped.setdefault(mark.suggested_intent or UNLABELLED, []).append(mark)
    return dict(sorted(grouped.items(), key=lambda item: (item[0] == UNLABELLED, item[0])))


def quoted(text: str) -> str:
    """One line, safe inside a YAML block list."""
    return " ".join(text.split())


def render(grouped: dict[str, list[MisunderstoodMessage]]) -> str:
    lines = [
        "# NOT TRAINING DATA. Candidate NLU examples from messages counsellors marked as misunderstood",
        "# in the review app (`make suggestions`). Nothing here is trained on.",
        "# To use one: check the intent (label the 'unlabelled' ones), remove anything that could identify",
        "# a child, then copy the example into that intent in data/nlu/<topic>.yml and run make check-data.",
        'version: "3.1"',
        "nlu:",
    ]
    for intent, marks in grouped.items():
        # One entry a candidate, so each can carry its comment (a comment inside `examples: |`
        # would be read as an example); Rasa merges entries of the same intent.
        lines += ["", f"# --- {intent}: {len(marks)} candidate(s) ---"]
        for mark in marks:
            lines += [
                f"# from {mark.sender} in {mark.sender_id} at {when(mark.message_at)}; predicted "
                f"{mark.predicted_intent or '-'}; marked by {mark.marked_by} at {when(mark.marked_at)}",
                f"- intent: {intent}",
                "  examples: |",
                f"    - {quoted(mark.text)}",
            ]
    if not grouped:
        lines[-1] = "nlu: []"
    return "\n".join(lines) + "\n"


def export(url: str, out: Path = OUT, root: Path = ROOT) -> tuple[int, Path]:
    trained_on = {normalised(example.text) for example in load_examples(root)}
    grouped = candidates(misunderstood_messages(url), trained_on)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(grouped))
    return sum(len(marks) for marks in grouped.values()), out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the candidates")
    parser.add_argument("--url", default=os.environ.get("TRACKER_STORE_URL"), help="tracker store URL")
    arguments = parser.parse_args(argv)
    if not arguments.url:
        print("Set TRACKER_STORE_URL (make suggestions sets it) to the tracker store's SQLAlchemy URL.")
        return 2
    count, written = export(arguments.url, arguments.out)
    print(f"{count} candidate example(s) from counsellors' marks written to {written} (not training data).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
