"""The cross-validation report shows the overall figures, the weakest intents and the most confused pairs."""

from __future__ import annotations

import json

from scripts import report_cross_validation

REPORT = {
    "ask_childline": {"precision": 1.0, "recall": 1.0, "f1-score": 1.0, "support": 30, "confused_with": {}},
    "chitchat_greet": {"precision": 0.8, "recall": 0.6, "f1-score": 0.69, "support": 30, "confused_with": {}},
    "chitchat_goodbye": {
        "precision": 0.5,
        "recall": 0.7,
        "f1-score": 0.58,
        "support": 30,
        "confused_with": {},
    },
    "accuracy": 0.8,
    "macro avg": {"precision": 0.77, "recall": 0.77, "f1-score": 0.756, "support": 90},
    "weighted avg": {"precision": 0.77, "recall": 0.77, "f1-score": 0.756, "support": 90},
}


def error(text: str, intent: str, predicted: str) -> dict:
    return {"text": text, "intent": intent, "intent_prediction": {"name": predicted, "confidence": 0.4}}


ERRORS = [
    error("oi oi", "chitchat_greet", "chitchat_goodbye"),
    error("im back", "chitchat_greet", "chitchat_goodbye"),
    error("laters", "chitchat_goodbye", "chitchat_greet"),
    error("hmm", "chitchat_goodbye", "nlu_fallback"),
]


def test_pairs_are_counted_most_confused_first_with_their_first_example():
    pairs = report_cross_validation.confused_pairs(ERRORS)
    assert [(pair.intent, pair.predicted, pair.count, pair.example) for pair in pairs] == [
        ("chitchat_greet", "chitchat_goodbye", 2, "oi oi"),
        ("chitchat_goodbye", "chitchat_greet", 1, "laters"),
        ("chitchat_goodbye", "nlu_fallback", 1, "hmm"),
    ]


def test_only_the_ten_most_confused_pairs_are_listed():
    many = [error(f"message {n}", f"intent_{n}", "other") for n in range(15)]
    assert len(report_cross_validation.confused_pairs(many)) == 10


def test_the_report_is_written_beside_rasas_files_and_summarised(tmp_path, capsys):
    (tmp_path / "intent_report.json").write_text(json.dumps(REPORT))
    (tmp_path / "intent_errors.json").write_text(json.dumps(ERRORS))
    written = report_cross_validation.main(str(tmp_path), folds=5)
    report = written.read_text()
    assert written == tmp_path / "report.md"
    assert "5-fold cross-validation of data/nlu (90 examples, 3 intents)" in report
    assert (
        "- Accuracy: **80.0%**" in report and "- Macro F1 (every intent counts the same): **75.6%**" in report
    )
    assert "Wrong predictions: 4, of which 1 fell below the fallback threshold" in report
    assert (
        "| chitchat_goodbye | 58.0% | 30 |\n| chitchat_greet | 69.0% | 30 |\n| ask_childline | 100.0% | 30 |"
        in report
    )
    assert "| chitchat_greet | chitchat_goodbye | 2 | oi oi |" in report
    assert (
        "![Confusion matrix: written intent against predicted intent](intent_confusion_matrix.png)" in report
    )
    out = capsys.readouterr().out
    assert "Cross-validation: accuracy 80.0%, macro F1 75.6%" in out
    assert "  chitchat_greet -> chitchat_goodbye  2" in out
    assert f"Report with the confusion matrix: {written}" in out


def test_no_errors_file_means_no_confusions(tmp_path):
    (tmp_path / "intent_report.json").write_text(json.dumps(REPORT))
    assert "| written as | predicted as | times | for example |\n|---|---|---|---|\n\n" in (
        report_cross_validation.main(str(tmp_path)).read_text()
    )
