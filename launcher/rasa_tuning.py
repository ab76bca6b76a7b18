"""Two changes to Rasa 3.6's message handling that change no answer and take a third of its time
off the Rasa server's event loop. `launcher/rasa_server.py` applies them before Rasa starts, so they
hold for `make run`, the tests and the benchmark (docs/performance.md has the profiles).

1. The action server's answer is checked against a schema that never changes. Rasa checks it with
   `jsonschema.validate`, which first checks the schema itself, on every call: 10 to 12 % of the
   server's time on a disclosure. Here the schema is checked once and the same validator is reused;
   a wrong answer fails with the same ValidationError and the same message as before.
2. The NLU runs on the event loop, so while one message is read (the transformer, spaCy) every
   other conversation waits, and the second core sits idle. Here it runs in a worker thread; the
   ONNX runtime lets go of Python's lock while it computes, so two messages are read at once.
   Rasa's graph components are read-only once loaded, and one conversation's turns are already kept
   in order by its lock.
"""

from __future__ import annotations

import asyncio
from functools import cache
from typing import Any

from jsonschema import validators
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.trackers import DialogueStateTracker


@cache
def action_response_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """RemoteAction._validate_action_result, with the validator made once."""
    error = best_match(action_response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from the "
        "Action endpoint is valid. For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


async def parse_message(
    self: MessageProcessor,
    message: UserMessage,
    tracker: DialogueStateTracker | None = None,
    only_output_properties: bool = True,
) -> dict[str, Any]:
    """MessageProcessor.parse_message (Rasa 3.6.21), with the NLU graph run in a worker thread (and
    without its debug log line, which copied the child's words into the log)."""
    if self.http_interpreter:
        parse_data = await self.http_interpreter.parse(message)
    else:
        if tracker is None:
            tracker = DialogueStateTracker.from_events(message.sender_id, [])
        parse_data = await asyncio.to_thread(
            self._parse_message_with_graph, message, tracker, only_output_properties
        )
    self._update_full_retrieval_intent(parse_data)
    self._check_for_unseen_features(parse_data)
    return parse_data


def apply() -> None:
    RemoteAction._validate_action_result = validate_action_result
    MessageProcessor.parse_message = parse_message
