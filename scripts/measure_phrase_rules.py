"""`make measure-phrases`: what each phrase rule adds beside the classifier, on sets it was not written from.

    python -m scripts.measure_phrase_rules models/a.tar.gz [models/b.tar.gz ...]

For every rule and every model (one a seed): the disclosures of blind sets 1-14 that are caught
only because the rule fired (without it, neither the classifier nor the other rules reach the
message's level), and the harmless messages it alone flags or sends to 999. The rules were written
from data/nlu and the development set, never from these sets. A rule that rescues nothing under
any seed is noise to maintain. Figures only: no message is printed.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections import Counter
from pathlib import Path

import spacy
from rasa.core.agent import Agent
from rasa.utils.log_utils import configure_structlog

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from safeguarding.decision import Assessment  # noqa: E402
from safeguarding.evaluation import BLIND_SETS, load_items  # noqa: E402
from safeguarding.levels import RiskLevel  # noqa: E402
from safeguarding.phrases import RULES, PhraseDetector  # noqa: E402
from scripts.build_spacy_model import DEFAULT_TARGET  # noqa: E402


async def classifier_readings(model: Path) -> list[tuple[str, RiskLevel, RiskLevel]]:
    """(the text the rules read, its true level, the classifier's level) for every blind message."""
    agent = Agent.load(str(model))
    found = []
    for path in BLIND_SETS:
        for item in load_items(path):
            for text in item.messages:
                parsed = await agent.parse_message(text)
                level = Assessment.from_dict(parsed["safeguarding"]).classifier_level
                found.append((parsed["text"], item.level, level))
    return found


def measure(readings: list[tuple[str, RiskLevel, RiskLevel]]) -> dict[str, Counter[str]]:
    nlp = spacy.load(DEFAULT_TARGET)
    every_rule = PhraseDetector(nlp.vocab)
    without = {rule.name: PhraseDetector(nlp.vocab, [r for r in RULES if r is not rule]) for rule in RULES}
    added: dict[str, Counter[str]] = {rule.name: Counter() for rule in RULES}
    for text, truth, classifier in readings:
        # Rasa's SpacyNLP lower-cases the text first (case_sensitive: false), so the rules do here too.
        doc = nlp(text.lower())
        match = every_rule.detect(doc)
        level = max(classifier, match.level)
        for name in match.rules:
            alone = max(classifier, without[name].detect(doc).level)
            if truth is RiskLevel.NONE:
                added[name]["harmless flagged"] += alone is RiskLevel.NONE and level is not RiskLevel.NONE
                added[name]["harmless sent to 999"] += (
                    level is RiskLevel.IMMEDIATE_DANGER and alone is not RiskLevel.IMMEDIATE_DANGER
                )
            else:
                added[name]["disclosures rescued"] += level >= truth > alone
                added[name]["emergencies rescued"] += (
                    level >= truth > alone and truth is RiskLevel.IMMEDIATE_DANGER
                )
            added[name]["fired"] += 1
    return added


async def main(models: list[str]) -> None:
    configure_structlog(logging.WARNING)
    by_model = [measure(await classifier_readings(Path(model))) for model in models]
    print(f"Each rule beside the classifier on blind sets 1-14, per model ({', '.join(models)})")
    columns = ("fired", "disclosures rescued", "emergencies", "harmless to 999")
    print(f"{'rule':<36} " + "  ".join(f"{column:>20}" for column in columns))
    for rule in RULES:
        cells = [" / ".join(str(added[rule.name][key]) for added in by_model) for key in (
            "fired", "disclosures rescued", "emergencies rescued", "harmless sent to 999")]  # fmt: skip
        keep = any(added[rule.name]["disclosures rescued"] for added in by_model)
        verdict = "" if keep else "ADDS NOTHING"
        print(f"{rule.name:<36} " + "  ".join(f"{cell:>20}" for cell in cells) + f"  {verdict}")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
