"""make train shows which component trains, each fine-tuning epoch with the time left, and warnings;
the rest of Rasa's log goes only to logs/train.log."""

from __future__ import annotations

from scripts.train import Progress


def test_training_shows_the_component_each_epoch_with_the_time_left_and_warnings_only() -> None:
    progress = Progress()
    shown = [
        progress.line_for(line)
        for line in [
            "INFO rasa.engine.training.hooks - Starting to train component 'TransformerClassifier'.",
            "INFO classifier.fine_tuning - fine-tuning epoch 1 of 6: loss 4.163, 40 s",
            "INFO classifier.fine_tuning - fine-tuning epoch 2 of 6: loss 1.666, 20 s",
            "INFO rasa.shared.utils.common - Some detail nobody needs.",
            "UserWarning: Something real happened.",
            "\x1b[92mYour Rasa model is trained and saved at 'models/stay-safe.tar.gz'.\x1b[0m",
        ]
    ]
    assert [line.split("] ", 1)[-1] if line else line for line in shown] == [
        "training TransformerClassifier",
        "  epoch 1 of 6 (loss 4.163, 40 s), about 3 min left",
        "  epoch 2 of 6 (loss 1.666, 20 s), about 2 min left",
        None,
        "  UserWarning: Something real happened.",
        "  Your Rasa model is trained and saved at 'models/stay-safe.tar.gz'.",
    ]
