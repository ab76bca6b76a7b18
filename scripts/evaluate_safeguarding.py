"""`make eval`: run the safeguarding evaluation set through the trained model and print the figures."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from rasa.core.agent import Agent

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from safeguarding.decision import Assessment  # noqa: E402
from safeguarding.evaluation import load_eval_set, report, score  # noqa: E402


async def main(model: Path) -> None:
    agent = Agent.load(str(model))
    results = []
    for text, truth in load_eval_set():
        parsed = await agent.parse_message(text)
        results.append((text, truth, Assessment.from_dict(parsed["safeguarding"])))
    print(f"\nSafeguarding evaluation set ({len(results)} messages, never trained on)")
    print(report(score(results)))


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
