"""Messages that say nothing the bot can read: keyboard mashing, a single letter, emoji alone.

The classifier must give every message some intent, and "asdkjh qwe" came out as "goodbye", so a
child who mashed the keys was told "Bye for now!". Such a message now goes to the "not understood"
rule: "Sorry, I didn't get that", the 999 line and the topic buttons. A message is nonsense when
it has no letter or digit (emoji, punctuation), is one letter on its own, or has no word a reader
of English would know: not in spaCy's English word table (commoner than RAREST), not in the
training data and not an app name.

Runs after the FallbackClassifier and before the safeguarding detector, so a disclosure that
the phrase rules see still wins.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from spacy.lang.en import English

from safeguarding.normalising import english_word_scores

FALLBACK_INTENT = "nlu_fallback"
# A message naming an app ("snpachat??", found by classifier/app_names.py) is not nonsense.
APP_ENTITIES = ("app", "other_app")
NONSENSE = "nonsense"
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
LETTER_OR_DIGIT = re.compile(r"[^\W_]")
# spaCy's table (log probabilities from web text) holds a million strings, typos and key mashes
# among them: "asdf" is -16.0, "qwe" -17.6, "zxcv" -17.7, while "xd" is -14.2 and "bruh" -12.8.
RAREST = -15.0
WORDS_FILE = "known_words.json"


def is_nonsense(text: str, known_words: Collection[str]) -> bool:
    """True when `text` holds nothing to read: no letter or digit, one letter, or no known word."""
    if not LETTER_OR_DIGIT.search(text):
        return True
    words = [word.lower() for word in WORD.findall(text)]
    if not words:
        return False  # digits: leave them to the classifier
    if len(words) == 1 and len(words[0]) == 1 and not re.search(r"\d", text):
        return True
    return not any(word in known_words or word.replace("’", "'") in known_words for word in words)


def known_words(training_data: TrainingData) -> set[str]:
    """English words commoner than RAREST, every word of the training data and its lookup tables,
    and the contractions spaCy's tokenizer knows ("dont", "itll")."""
    words = {
        word for word, score in english_word_scores().items() if score >= RAREST and WORD.fullmatch(word)
    }
    for example in training_data.training_examples:
        words.update(word.lower() for word in WORD.findall(example.get(TEXT) or ""))
    for table in training_data.lookup_tables:
        for element in table.get("elements") or []:
            words.update(word.lower() for word in WORD.findall(str(element)))
    words.update(word.lower() for word in English.Defaults.tokenizer_exceptions if WORD.fullmatch(word))
    return words


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class NonsenseFallback(GraphComponent):
    """Sets the "not understood" intent on a message that is nonsense (`is_nonsense`)."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> NonsenseFallback:
        return cls(model_storage, resource, set())

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> NonsenseFallback:
        with model_storage.read_from(resource) as directory:
            words = set(json.loads((directory / WORDS_FILE).read_text()))
        return cls(model_storage, resource, words)

    def __init__(self, model_storage: ModelStorage, resource: Resource, words: set[str]) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self._words = words

    def train(self, training_data: TrainingData) -> Resource:
        with self._model_storage.write_to(self._resource) as directory:
            (directory / WORDS_FILE).write_text(json.dumps(sorted(known_words(training_data))))
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            names_an_app = any(entity.get("entity") in APP_ENTITIES for entity in message.get(ENTITIES) or [])
            if not names_an_app and is_nonsense(message.get(TEXT) or "", self._words):
                intent = message.get(INTENT) or {}
                message.set(
                    INTENT,
                    {"name": FALLBACK_INTENT, "confidence": intent.get("confidence", 0.0)},
                    add_to_output=True,
                )
                message.set(NONSENSE, True, add_to_output=True)
        return messages
