"""Print intent accuracy on the held-out messages from the report `rasa test nlu` writes."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def summarise(report: dict) -> tuple[float, list[tuple[str, float, int]]]:
    """Overall accuracy, and (intent, recall, support) for every intent, weakest first."""
    intents = [
        (name, scores["recall"], scores["support"])
        for name, scores in report.items()
        if isinstance(scores, dict)
        and "support" in scores
        and name not in ("macro avg", "weighted avg", "micro avg")
    ]
    return report["accuracy"], sorted(intents, key=lambda row: row[1])


def main(path: str) -> None:
    accuracy, intents = summarise(json.loads(Path(path).read_text()))
    print(f"\nHeld-out intent accuracy: {accuracy:.1%} over {sum(row[2] for row in intents)} messages")
    print("Weakest intents (recall, messages):")
    for name, recall, support in intents[:5]:
        print(f"  {name:<32} {recall:6.1%}  {support}")


if __name__ == "__main__":
    main(sys.argv[1])
