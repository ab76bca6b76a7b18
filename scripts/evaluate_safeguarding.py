"""`make eval`: run the safeguarding evaluation set through the trained model and print the figures."""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

import yaml
from rasa.core.agent import Agent
from rasa.utils.log_utils import configure_structlog

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from actions.disclosures import answer  # noqa: E402
from safeguarding.decision import Assessment  # noqa: E402
from safeguarding.evaluation import (  # noqa: E402
    BLIND_SETS,
    EVAL_SET,
    FRESH_SETS,
    TYPING_HABITS,
    Item,
    load_eval_set,
    load_items,
    report,
    score,
    strongest,
)
from safeguarding.levels import RiskLevel  # noqa: E402

DISCLOSURE_ACTION = "action_respond_to_disclosure"

SETS = {
    EVAL_SET: "Safeguarding evaluation set (never trained on; pytest holds the floors)",
    **{
        path: "Blind set (written without seeing the training data; never trained or tuned on)"
        for path in (*BLIND_SETS, *FRESH_SETS)
    },
}


def rule_replies(rules: Path = ROOT / "data" / "rules") -> dict[str, list[str]]:
    """What the bot does after each intent, from the rules (they win whatever came before)."""
    replies: dict[str, list[str]] = {}
    for path in sorted(rules.glob("*.yml")):
        for rule in yaml.safe_load(path.read_text()).get("rules", []):
            steps = rule.get("steps", [])
            if steps and "intent" in steps[0]:
                replies[steps[0]["intent"]] = [step["action"] for step in steps[1:] if "action" in step]
    return replies


def reply_responses(intent: str, assessment: Assessment, rules: dict[str, list[str]]) -> list[str]:
    """The responses a child is sent for a first message the NLU read this way."""
    responses = []
    for action in rules.get(intent, []):
        if action == DISCLOSURE_ACTION:
            responses += answer(assessment, intent)[1]
        else:
            responses.append(action)
    return responses


def names_999(responses: list[str], domain: dict) -> bool:
    texts = (variant.get("text", "") for name in responses for variant in domain["responses"].get(name, []))
    return any("999" in text for text in texts)


async def main(model: Path) -> None:
    configure_structlog(logging.WARNING)  # not one debug line per parsed message
    agent = Agent.load(str(model))
    rules = rule_replies()
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    for path, title in SETS.items():
        results, intents = await assessed(agent, load_items(path))
        print(f"\n{title}: {path.name}, {len(results)} messages")
        # A blind set's misses are not printed: reading them is how a set stops being blind.
        scores = score(results)
        print(report(scores, show_messages=path == EVAL_SET))
        # The safety net under the misses: an emergency read as something else may still hear 999
        # ("If you are in danger right now, call 999"), and what that costs harmless messages.
        told = {
            level: sum(
                names_999(reply_responses(intent, assessment, rules), domain)
                for (_, truth, assessment), intent in zip(results, intents, strict=True)
                if truth is level
            )
            for level in (RiskLevel.IMMEDIATE_DANGER, RiskLevel.NONE)
        }
        print(
            "reply names 999 (danger route or the one-line reminder): emergencies "
            f"{told[RiskLevel.IMMEDIATE_DANGER]} of {scores.total.get(RiskLevel.IMMEDIATE_DANGER, 0)}, "
            f"benign {told[RiskLevel.NONE]} of {scores.benign}"
        )
    # The first set again, typed the way children often type (safeguarding.normalising).
    for habit, typed in TYPING_HABITS.items():
        results, _ = await assessed(
            agent, [Item((typed(text),), truth) for text, truth in load_eval_set(EVAL_SET)]
        )
        print(f"\nThe evaluation set typed with {habit}: {EVAL_SET.name}, {len(results)} messages")
        print(report(score(results), show_messages=False))


async def assessed(
    agent: Agent, items: list[Item]
) -> tuple[list[tuple[str, RiskLevel, Assessment]], list[str]]:
    """Each item with its true level and what the model's NLU made of it, and the intent it gave.
    An item of two messages is parsed one message at a time, as the bot reads them, and counts at
    the most urgent answer it got."""
    results, intents = [], []
    for item in items:
        parsed = [await agent.parse_message(text) for text in item.messages]
        assessments = [Assessment.from_dict(p["safeguarding"]) for p in parsed]
        results.append((" / ".join(item.messages), item.level, strongest(assessments)))
        most_urgent = max(range(len(parsed)), key=lambda i: assessments[i].level)
        intents.append(parsed[most_urgent]["intent"]["name"])
    return results, intents


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
