"""`make compare`: the pipelines side by side, three seeds each, on the blind sets and held-out questions.

    python -m scripts.compare_classifiers            # trains every pipeline and seed, then measures
    python -m scripts.compare_classifiers diet-2611=models/a.tar.gz transformer-2611=models/b.tar.gz ...
    python -m scripts.compare_classifiers --development transformer-2611=models/b.tar.gz

`--development` measures only the sets measured before (the first set, blind sets 1-16, the short
held-out questions and the first letter-like ones): what a change may be tried on. Blind set 17 and
the second letter-like questions then decide.

A name's part before the last "-" is its pipeline ("diet", "transformer"); each pipeline's figures
are given for every model (one a seed) and as the mean and worst over its seeds. Only figures are
printed: reading a blind set's misses is how it stops being blind. The table is also written to
results/compare/.
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import yaml
from rasa.core.agent import Agent
from rasa.utils.log_utils import configure_structlog

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from safeguarding.decision import Assessment  # noqa: E402
from safeguarding.evaluation import BLIND_SETS, EVAL_SET, FRESH_SETS, Scores, load_items, score  # noqa: E402
from safeguarding.levels import RiskLevel  # noqa: E402
from scripts.evaluate_safeguarding import assessed  # noqa: E402
from tests.conftest import HELD_OUT, examples_by_intent  # noqa: E402

LAYERS = ("both", "classifier", "matcher")
DISCLOSURE_LEVELS = sorted((level for level in RiskLevel if level is not RiskLevel.NONE), reverse=True)
QUESTION_SETS = {
    "held-out questions": HELD_OUT / "heldout.yml",
    "letter-like questions": HELD_OUT / "advice_column.yml",
    "letter-like questions 2": HELD_OUT / "advice_column_2.yml",
}
# What a change may be tried on before the fresh sets decide: sets already measured before. Blind
# sets 15 and 16 and the first letter-like questions measured the classifier's first version (a
# figure each, no message read); blind set 17 and the second letter-like questions came after it.
DEVELOPMENT_QUESTION_SETS = ("held-out questions", "letter-like questions")
DEVELOPMENT_FRESH_SETS = FRESH_SETS[:2]


def figures(scores: Scores) -> dict[str, float]:
    """Every figure of one set, by name, as shares."""
    found = {}
    for level in DISCLOSURE_LEVELS:
        if scores.total.get(level):
            for layer in LAYERS:
                found[f"{level.label} ({layer})"] = scores.recall(level, layer)
    others = [level for level in DISCLOSURE_LEVELS if level is not RiskLevel.IMMEDIATE_DANGER]
    found["other disclosures (both)"] = scores.recall_of(others)
    if scores.benign:
        found["harmless sent to 999 (both)"] = scores.danger_false_alarm_rate
        for layer in ("classifier", "matcher"):
            found[f"harmless sent to 999 ({layer})"] = scores.layer_danger_false_alarm_rate(layer)
        found["harmless flagged at all"] = scores.any_false_alarm_rate
    return found


async def measure(model: Path, development: bool) -> dict[str, dict[str, float]]:
    """Every figure of one model; with `development`, only the sets measured many times before."""
    agent = Agent.load(str(model))
    by_set: dict[str, dict[str, float]] = {}
    older: list[tuple[str, RiskLevel, Assessment]] = []
    if development:
        by_set["first set"] = figures(score((await assessed(agent, load_items(EVAL_SET)))[0]))
    for path in (*(DEVELOPMENT_FRESH_SETS if development else FRESH_SETS), *BLIND_SETS):
        items = load_items(path)
        results, _ = await assessed(agent, items)
        if path in FRESH_SETS:
            by_set[path.stem] = figures(score(results))
            for voice in sorted({item.voice for item in items}):
                chosen = [r for r, item in zip(results, items, strict=True) if item.voice == voice]
                voice_scores = score(chosen)
                by_set[path.stem][f"voice {voice}: disclosures caught"] = voice_scores.recall_of(
                    DISCLOSURE_LEVELS
                )
                if voice_scores.benign:
                    by_set[path.stem][f"voice {voice}: harmless sent to 999"] = (
                        voice_scores.danger_false_alarm_rate
                    )
        else:
            older += results
    by_set["blind sets 1-14"] = figures(score(older))
    for name, path in QUESTION_SETS.items():
        if development and name not in DEVELOPMENT_QUESTION_SETS:
            continue
        right = total = 0
        for intent, texts in examples_by_intent(path).items():
            for text in texts:
                parsed = await agent.parse_message(text)
                right += parsed["intent"]["name"] == intent
                total += 1
        by_set[name] = {"answered right": right / total}
    return by_set


def table(results: dict[str, dict[str, dict[str, float]]]) -> str:
    pipelines: dict[str, list[str]] = defaultdict(list)
    for name in results:
        pipelines[name.rsplit("-", 1)[0]].append(name)
    lines = []
    for set_name in next(iter(results.values())):
        lines += [
            f"\n## {set_name}\n",
            "| figure | " + " | ".join(f"{p} mean | {p} worst | {p} seeds" for p in pipelines) + " |",
        ]
        lines.append("|---" * (1 + 3 * len(pipelines)) + "|")
        for figure in results[next(iter(results))][set_name]:
            cells = []
            for models in pipelines.values():
                values = [results[m][set_name].get(figure, float("nan")) for m in models]
                worse = max if "harmless" in figure else min
                cells += [
                    f"{statistics.mean(values):.1%}",
                    f"{worse(values):.1%}",
                    " / ".join(f"{v:.1%}" for v in values),
                ]
            lines.append(f"| {figure} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


# Each pipeline's config and the seeds of its trained components, one tuple a training.
PIPELINES = {
    "transformer": (ROOT / "config.yml", [(2611,), (7,), (42,)]),
    "two-diets": (ROOT / "tests" / "pipelines" / "two_diets.yml", [(2611, 7), (42, 43), (1234, 1235)]),
}
SEEDED = ("classifier.component.TransformerClassifier", "DIETClassifier")


def train_every_seed(out: Path) -> list[str]:
    """Trains the NLU of every pipeline with every seed (about 5 minutes for the transformer and
    25 for the two DIETs on 2 cores) and names each model for `main`."""
    named = []
    for pipeline, (config_path, seed_sets) in PIPELINES.items():
        for seeds in seed_sets:
            config = yaml.safe_load(config_path.read_text())
            seeded = [component for component in config["pipeline"] if component["name"] in SEEDED]
            for component, seed in zip(seeded, seeds, strict=True):
                component["random_seed"] = seed
            name = f"{pipeline}-{seeds[0]}"
            config_file = out / f"{name}.yml"
            config_file.write_text(yaml.safe_dump(config))
            command = ["rasa", "train", "nlu", "--config", str(config_file), "--nlu", "data/nlu"]
            command += ["--out", str(out), "--fixed-model-name", name]
            subprocess.run(
                [str(Path(sys.executable).parent / command[0]), *command[1:]], cwd=ROOT, check=True
            )
            named.append(f"{name}={out / name}.tar.gz")
    return named


async def main(arguments: list[str]) -> None:
    configure_structlog(logging.WARNING)
    development = "--development" in arguments
    named_models = [argument for argument in arguments if argument != "--development"]
    if not named_models:
        models = ROOT / "results" / "compare" / "models"
        models.mkdir(parents=True, exist_ok=True)
        named_models = train_every_seed(models)
    results = {}
    for named in named_models:
        name, model = named.split("=", 1)
        results[name] = await measure(Path(model), development)
        print(f"measured {name}", flush=True)
    text = table(results)
    print(text)
    out = ROOT / "results" / "compare"
    out.mkdir(parents=True, exist_ok=True)
    (out / ("development.md" if development else "table.md")).write_text(text + "\n")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
