"""`make eval`: run the safeguarding evaluation set through the trained model and print the figures."""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

from rasa.core.agent import Agent
from rasa.utils.log_utils import configure_structlog

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from safeguarding.decision import Assessment  # noqa: E402
from safeguarding.evaluation import (  # noqa: E402
    BLIND_SETS,
    EVAL_SET,
    TYPING_HABITS,
    load_eval_set,
    report,
    score,
)
from safeguarding.levels import RiskLevel  # noqa: E402

SETS = {
    EVAL_SET: "Safeguarding evaluation set (never trained on; pytest holds the floors)",
    **{
        path: "Blind set (written without seeing the training data; never trained or tuned on)"
        for path in BLIND_SETS
    },
}


async def main(model: Path) -> None:
    configure_structlog(logging.WARNING)  # not one debug line per parsed message
    agent = Agent.load(str(model))
    for path, title in SETS.items():
        results = await assessed(agent, load_eval_set(path))
        print(f"\n{title}: {path.name}, {len(results)} messages")
        # A blind set's misses are not printed: reading them is how a set stops being blind.
        print(report(score(results), show_messages=path not in BLIND_SETS))
    # The first set again, typed the way children often type (safeguarding.normalising).
    for habit, typed in TYPING_HABITS.items():
        results = await assessed(agent, [(typed(text), truth) for text, truth in load_eval_set(EVAL_SET)])
        print(f"\nThe evaluation set typed with {habit}: {EVAL_SET.name}, {len(results)} messages")
        print(report(score(results), show_messages=False))


async def assessed(
    agent: Agent, items: list[tuple[str, RiskLevel]]
) -> list[tuple[str, RiskLevel, Assessment]]:
    """Each message with its true level and what the model's NLU made of it."""
    results = []
    for text, truth in items:
        parsed = await agent.parse_message(text)
        results.append((text, truth, Assessment.from_dict(parsed["safeguarding"])))
    return results


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
