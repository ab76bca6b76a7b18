"""A second `make train` with no data change trains nothing, and every trained component has a fixed seed."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import yaml

from tests.conftest import ROOT

MODEL = ROOT / "models" / "stay-safe.tar.gz"
TRAINABLE = (
    "classifier.component.TransformerClassifier",
    "DIETClassifier",
    "TEDPolicy",
    "ResponseSelector",
    "UnexpecTEDIntentPolicy",
)


def test_every_trainable_component_has_a_fixed_seed():
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    unseeded = [
        component["name"]
        for component in config["pipeline"] + config["policies"]
        if component["name"] in TRAINABLE and "random_seed" not in component
    ]
    assert unseeded == []


def test_make_train_has_nothing_to_do_when_the_model_is_newer_than_its_data():
    if not MODEL.exists():
        pytest.skip(f"no trained model at {MODEL.relative_to(ROOT)}: run make train (make test always does)")
    # The model's prerequisites in the Makefile: the installed packages, the spaCy pipeline, the data.
    inputs = [
        ROOT / ".venv" / ".installed",
        ROOT / "build" / "spacy-en-lemmas" / "meta.json",
        ROOT / "config.yml",
        ROOT / "domain.yml",
        *(ROOT / "data").rglob("*.yml"),
    ]
    newer = [str(path.relative_to(ROOT)) for path in inputs if path.stat().st_mtime > MODEL.stat().st_mtime]
    if newer:
        pytest.skip(f"changed since the model was trained ({', '.join(newer)}): run make train")
    # Question mode: exit 0 means every target is up to date, so `make train` would run nothing.
    answer = subprocess.run(
        [shutil.which("make") or "make", "-q", "train"], cwd=ROOT, capture_output=True, text=True
    )
    assert answer.returncode == 0, f"make train would retrain: {answer.stdout}{answer.stderr}"
