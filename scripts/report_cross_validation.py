"""`make eval`: turns what `rasa test nlu --cross-validation` writes into a report.md beside it.

Reads intent_report.json (scores per intent) and intent_errors.json (each wrong prediction), writes
the overall figures, the weakest intents and the most confused pairs with an example each, links
the confusion-matrix picture Rasa draws, and prints the same summary.

    python -m scripts.report_cross_validation results/cross-validation
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SUMMARY_ROWS = ("accuracy", "macro avg", "weighted avg", "micro avg")
CONFUSION_MATRIX = "intent_confusion_matrix.png"
WEAKEST = 5
MOST_CONFUSED = 10


@dataclass(frozen=True)
class Confusion:
    intent: str
    predicted: str
    count: int
    example: str


def intent_scores(report: dict[str, Any]) -> list[tuple[str, float, int]]:
    """(intent, F1, messages) for every intent, weakest first."""
    rows = [
        (name, scores["f1-score"], scores["support"])
        for name, scores in report.items()
        if name not in SUMMARY_ROWS and isinstance(scores, dict) and "f1-score" in scores
    ]
    return sorted(rows, key=lambda row: (row[1], row[0]))


def confused_pairs(errors: list[dict[str, Any]], most: int = MOST_CONFUSED) -> list[Confusion]:
    """The (true intent, predicted intent) pairs seen most often, each with its first message."""
    counts: Counter[tuple[str, str]] = Counter()
    examples: dict[tuple[str, str], str] = {}
    for error in errors:
        pair = (error["intent"], (error.get("intent_prediction") or {}).get("name") or "(none)")
        counts[pair] += 1
        examples.setdefault(pair, error["text"])
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [
        Confusion(intent, predicted, count, examples[(intent, predicted)])
        for (intent, predicted), count in ranked[:most]
    ]


def render(report: dict[str, Any], errors: list[dict[str, Any]], folds: int | None = None) -> str:
    scores = intent_scores(report)
    macro = report.get("macro avg", {}).get("f1-score", 0.0)
    total = sum(support for _, _, support in scores)
    to_fallback = sum(
        1 for error in errors if (error.get("intent_prediction") or {}).get("name") == "nlu_fallback"
    )
    lines = [
        "# Intent cross-validation",
        "",
        f"{f'{folds}-fold cross-validation' if folds else 'Cross-validation'} of data/nlu ({total} examples, "
        f"{len(scores)} intents): each example is predicted by a model trained without it. "
        "Written by `make eval`.",
        "",
        f"- Accuracy: **{report.get('accuracy', 0.0):.1%}**",
        f"- Macro F1 (every intent counts the same): **{macro:.1%}**",
        f"- Wrong predictions: {len(errors)}, of which {to_fallback} fell below the fallback threshold "
        "(`nlu_fallback`: the child gets the topic buttons)",
        "",
        f"## Weakest {WEAKEST} intents",
        "",
        "| intent | F1 | examples |",
        "|---|---|---|",
        *[f"| {name} | {f1:.1%} | {support} |" for name, f1, support in scores[:WEAKEST]],
        "",
        f"## Most confused pairs (top {MOST_CONFUSED})",
        "",
        "| written as | predicted as | times | for example |",
        "|---|---|---|---|",
        *[
            f"| {pair.intent} | {pair.predicted} | {pair.count} | {pair.example.replace('|', '/')} |"
            for pair in confused_pairs(errors)
        ],
        "",
        "## Confusion matrix",
        "",
        f"![Confusion matrix: written intent against predicted intent]({CONFUSION_MATRIX})",
        "",
    ]
    return "\n".join(lines)


def summary(report: dict[str, Any], errors: list[dict[str, Any]]) -> str:
    scores = intent_scores(report)
    lines = [
        f"\nCross-validation: accuracy {report.get('accuracy', 0.0):.1%}, "
        f"macro F1 {report.get('macro avg', {}).get('f1-score', 0.0):.1%}",
        "Weakest intents (F1):",
        *[f"  {name:<34} {f1:6.1%}" for name, f1, _ in scores[:WEAKEST]],
        "Most confused (written as -> predicted as, times):",
        *[f"  {pair.intent} -> {pair.predicted}  {pair.count}" for pair in confused_pairs(errors, 5)],
    ]
    return "\n".join(lines)


def main(folder: str, folds: int | None = None) -> Path:
    out = Path(folder)
    report = json.loads((out / "intent_report.json").read_text())
    errors_path = out / "intent_errors.json"
    errors = json.loads(errors_path.read_text()) if errors_path.exists() else []
    written = out / "report.md"
    written.write_text(render(report, errors, folds))
    print(summary(report, errors))
    print(f"Report with the confusion matrix: {written}")
    return written


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else None)
