"""`make eval-apps`: the held-out app conversations, over three seeds of the classifier.

Trains the whole assistant with the transformer's seed set to each of SEEDS (about 4.5 minutes
each on 2 cores; the model `make train` made stands for the first seed if it is current), starts
the real action and Rasa servers on each, sends every conversation in
tests/app_conversations/heldout_*.yml, and prints the share right per set and kind, and the
nonsense caught, for each seed with the mean and worst.

    python -m scripts.measure_app_seeds                 # trains what is missing, then measures
    python -m scripts.measure_app_seeds --skip-train    # measures the models already in results/
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
from pathlib import Path

import requests
import yaml

from deploy.local_servers import free_port
from launcher.services import ROOT, Settings, assistant_services, running
from scripts.evaluate_app_conversations import HELD_OUT, evaluate, rest_sender, shares, training_texts

SEEDS = (2611, 7, 42)
OUT = ROOT / "results" / "app_seeds"
MEASURES = ("app_right", "topic_right", "band_right", "all_right")


def train(seed: int) -> Path:
    model = OUT / f"seed-{seed}.tar.gz"
    if model.exists():
        return model
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    for component in config["pipeline"]:
        if component["name"] == "classifier.component.TransformerClassifier":
            component["random_seed"] = seed
    config_file = OUT / f"config-{seed}.yml"
    config_file.write_text(yaml.safe_dump(config, sort_keys=False))
    command = [sys.executable, "-m", "scripts.rasa_cli", "train", "--config", str(config_file)]
    command += ["--out", str(OUT), "--fixed-model-name", model.name.removesuffix(".tar.gz")]
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return model


def measure(model: Path) -> dict[str, object]:
    settings = Settings(
        rasa_port=free_port(),
        action_port=free_port(),
        tracker_db=OUT / f"{model.stem}.db",
        auth_token=secrets.token_urlsafe(24),
        models=model,
    )
    trained_on = training_texts()
    figures: dict[str, object] = {}
    with running(assistant_services(settings), settings, log_dir=OUT / "logs"):
        send = rest_sender(settings.rasa_url)
        for path in sorted(HELD_OUT.glob("heldout_*.yml")):
            figures[path.stem] = shares(evaluate(send, [path], trained_on=trained_on))
        nonsense = yaml.safe_load((HELD_OUT / "nonsense_1.yml").read_text())

        def parse(text: str) -> dict:
            url = f"{settings.rasa_url}/model/parse"
            return requests.post(
                url, params={"token": settings.auth_token}, json={"text": text}, timeout=30
            ).json()

        figures["nonsense_caught"] = sum(
            parse(t)["intent"]["name"] == "nlu_fallback" for t in nonsense["nonsense"]
        ) / len(nonsense["nonsense"])
        figures["meaningful_marked_nonsense"] = sum(
            bool(parse(t).get("nonsense")) for t in nonsense["meaningful"]
        ) / len(nonsense["meaningful"])
    return figures


def main(arguments: list[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    current = ROOT / "models" / "stay-safe.tar.gz"
    results = {}
    for seed in SEEDS:
        model = OUT / f"seed-{seed}.tar.gz"
        if seed == SEEDS[0] and current.exists() and not model.exists():
            model = current
        elif "--skip-train" not in arguments:
            model = train(seed)
        print(f"measuring seed {seed} ({model.name}) ...", flush=True)
        results[seed] = measure(model)
    (OUT / "figures.json").write_text(json.dumps(results, indent=1))
    sets = [name for name in results[SEEDS[0]] if name.startswith("heldout_")]
    print("\n| set | kind | n | " + " | ".join(f"{m} mean (worst)" for m in MEASURES) + " |")
    print("|---|---|---|" + "---|" * len(MEASURES))
    for name in sets:
        for kind, row in results[SEEDS[0]][name].items():
            cells = []
            for measure_name in MEASURES:
                values = [results[seed][name][kind][measure_name] for seed in SEEDS]
                cells.append(f"{sum(values) / len(values):.1%} ({min(values):.1%})")
            print(f"| {name} | {kind} | {row['conversations']} | " + " | ".join(cells) + " |")
    for figure in ("nonsense_caught", "meaningful_marked_nonsense"):
        values = [results[seed][figure] for seed in SEEDS]
        print(f"{figure}: " + ", ".join(f"{v:.1%}" for v in values))


if __name__ == "__main__":
    main(sys.argv[1:])
