"""Choose the FallbackClassifier threshold from measurement.

For each candidate threshold it prints how many held-out messages (which the bot should
understand) would wrongly fall back, and how many not-understandable messages (other
languages, keyboard mashing, emoji) would rightly fall back. Run with `make eval`.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

from rasa.core.agent import Agent
from rasa.utils.log_utils import configure_structlog

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import HELD_OUT, examples_by_intent  # noqa: E402

THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def top_confidence(parsed: dict) -> tuple[str, float]:
    """The classifier's own best guess, ignoring the nlu_fallback the pipeline may have put on top."""
    ranking = [entry for entry in parsed.get("intent_ranking", []) if entry["name"] != "nlu_fallback"]
    return (ranking[0]["name"], ranking[0]["confidence"]) if ranking else ("", 0.0)


async def measure(model: Path) -> None:
    configure_structlog(logging.WARNING)  # not one debug line per parsed message
    agent = Agent.load(str(model))
    understood = [(text, intent) for intent, texts in examples_by_intent(HELD_OUT).items() for text in texts]
    gibberish = [
        line
        for line in (ROOT / "tests" / "fallback" / "not_understood.txt").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    held_out = [(top_confidence(await agent.parse_message(text)), intent) for text, intent in understood]
    nonsense = [top_confidence(await agent.parse_message(text))[1] for text in gibberish]

    print(f"\nFallback threshold: {len(held_out)} held-out messages, {len(nonsense)} not-understandable ones")
    print("threshold  held-out right and kept  held-out falling back  nonsense falling back")
    for threshold in THRESHOLDS:
        kept_right = sum(1 for (name, conf), intent in held_out if conf >= threshold and name == intent)
        falling = sum(1 for (_, conf), _ in held_out if conf < threshold)
        caught = sum(1 for conf in nonsense if conf < threshold)
        print(
            f"   {threshold:.1f}     {kept_right / len(held_out):8.1%}            "
            f"{falling / len(held_out):8.1%}             {caught / len(nonsense):8.1%}"
        )


if __name__ == "__main__":
    asyncio.run(measure(Path(sys.argv[1])))
