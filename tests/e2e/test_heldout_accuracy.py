"""Intent accuracy on messages written apart from the training data and never trained on."""

from __future__ import annotations

import pytest
import requests

from tests.test_training_data import HELD_OUT, examples_by_intent

pytestmark = pytest.mark.e2e
TARGET_ACCURACY = 0.90


def test_held_out_intent_accuracy_meets_the_target(servers):
    cases = [(text, intent) for intent, texts in examples_by_intent(HELD_OUT).items() for text in texts]
    wrong = []
    for text, intent in cases:
        parsed = requests.post(
            f"{servers.rasa_url}/model/parse",
            params={"token": servers.auth_token},
            json={"text": text},
            timeout=30,
        ).json()
        if parsed["intent"]["name"] != intent:
            wrong.append((text, intent, parsed["intent"]["name"]))

    accuracy = 1 - len(wrong) / len(cases)
    assert accuracy >= TARGET_ACCURACY, f"{accuracy:.1%} on {len(cases)} messages; misread: {wrong}"
