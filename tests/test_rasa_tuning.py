"""The Rasa server's tuning (launcher/rasa_tuning.py) answers exactly as Rasa does: the action
server's answer is judged as before, only without checking the constant schema each time."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.core.processor import MessageProcessor
from rasa.utils.endpoints import EndpointConfig

from launcher import rasa_tuning

ANSWERS = [
    {"events": [{"event": "slot", "name": "risk_level", "value": "immediate_danger"}], "responses": []},
    {"events": [], "responses": [{"response": "utter_danger_call_999"}]},
    {"events": "not a list", "responses": []},
    {"events": [{"no_event_name": True}], "responses": []},
    {"responses": [{"text": 42}]},
]


def judged(validate, answer) -> str:
    action = RemoteAction("action_respond_to_disclosure", EndpointConfig("http://127.0.0.1:1/webhook"))
    try:
        validate(action, answer)
    except ValidationError as error:
        return f"refused: {error.message}"
    return "accepted"


@pytest.mark.parametrize("answer", ANSWERS)
def test_an_action_server_answer_is_judged_as_rasa_judges_it(answer):
    assert judged(rasa_tuning.validate_action_result, answer) == judged(
        RemoteAction._validate_action_result, answer
    )


def test_the_tuning_is_what_the_rasa_server_runs(monkeypatch):
    # Put back afterwards: the other tests in this process use Rasa as it comes.
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RemoteAction._validate_action_result)
    monkeypatch.setattr(MessageProcessor, "parse_message", MessageProcessor.parse_message)
    rasa_tuning.apply()

    assert RemoteAction._validate_action_result is rasa_tuning.validate_action_result
    assert MessageProcessor.parse_message is rasa_tuning.parse_message
