"""How children type, undone before the classifier and the phrase rules read a message.

A child in a hurry or upset stretches words ("heeelp", "pleeease hes sooo close"), often opens
with a greeting ("hi my friend is being blackmailed") and makes typing mistakes ("outsid",
"pictues"). The training data has none of these, so a stretched or mistyped word is a word the
classifier has never seen and a greeting pulls the message towards "hello". All three cost
disclosures (docs/safeguarding.md, measured). This module gives each stretched word its most
common English spelling, drops a greeting that opens a longer message, and gives a word that is
no English word the commonest one a single typing mistake away.

Only the text the NLU reads changes: the tracker keeps what the child typed.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import re
from collections.abc import Mapping
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from spacy.lang.en import English
from spacy.util import load_language_data, registry
from symspellpy import SymSpell, Verbosity

# A letter typed three or more times in a row: "eee" in "heeelp". Digits, "..." and kisses
# ("xxx") are left alone.
STRETCH = re.compile(r"([^\W\d_xX])\1{2,}", re.IGNORECASE)
WORD = re.compile(r"[^\W\d_]+")
# A word with more stretched runs than this is collapsed to doubles without looking for the
# best spelling (2 ** runs candidates).
MAX_RUNS = 4


def unstretch_word(word: str, frequency: Mapping[str, float]) -> str:
    """The word's commonest spelling with each stretched run typed once or twice.

    `frequency` maps lower-case words to a score (higher is commoner). A word with no known
    spelling keeps each run as a double ("shhhh" -> "shh"), as near as can be to what was typed.
    """
    runs = list(STRETCH.finditer(word))
    if not runs:
        return word
    doubled = STRETCH.sub(r"\1\1", word)
    if len(runs) > MAX_RUNS:
        return doubled
    best, best_score = doubled, None
    for lengths in itertools.product((1, 2), repeat=len(runs)):
        pieces, last = [], 0
        for run, length in zip(runs, lengths, strict=True):
            pieces.append(word[last : run.start()] + run.group(1) * length)
            last = run.end()
        candidate = "".join(pieces) + word[last:]
        score = frequency.get(candidate.lower())
        if score is not None and (best_score is None or score > best_score):
            best, best_score = candidate, score
    return best


def unstretch(text: str, frequency: Mapping[str, float]) -> str:
    """Every stretched word in the text unstretched ("pleeease helppp" -> "please help")."""
    return WORD.sub(lambda match: unstretch_word(match.group(0), frequency), text)


# "hi", "hiya", "hey bot", "hello again", "heyy,": a greeting the child opens with.
GREETING = re.compile(
    r"^\s*(?:hi+|hiya|hey+a?|hello+|helo|hallo|yo|oi|hai)"
    r"(?:\s+(?:bot|chat|again|everyone|all))?"
    r"\s*[,.!:;-]*\s+",
    re.IGNORECASE,
)
# A message this long after the greeting says what it is about; a shorter one is a greeting
# ("hi there chat", "hey is anyone there") and is answered as one.
MIN_WORDS_AFTER_GREETING = 4


def without_greeting(text: str) -> str:
    """The message without the greeting it opens with, when enough follows to stand alone."""
    match = GREETING.match(text)
    if not match:
        return text
    rest = text[match.end() :]
    if len(WORD.findall(rest)) < MIN_WORDS_AFTER_GREETING:
        return text
    return rest


# Shorter words are left as typed: "hw", "ppl" and "bc" are a child's words, not mistakes, and
# a short word is one mistake away from too many others.
MIN_CORRECTED_LENGTH = 4
# A word with its apostrophe ("couldn't", "they'll") is read whole and never corrected: "couldn"
# alone is no word, but "could" is the wrong one.
WORD_WITH_APOSTROPHES = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def spelling_index(frequency: Mapping[str, float]) -> SymSpell:
    """SymSpell's index of every known word one mistake away (a letter missing, added, changed,
    or two swapped), for `correct_spelling`.

    Only one mistake: allowing two found a correction for 2 words in all of the sets, and the
    index took 110 MB instead of 50 (measured 2026-12-03)."""
    index = SymSpell(max_dictionary_edit_distance=1)
    for word, score in frequency.items():
        # SymSpell ranks spellings by a count; spaCy's table has log probabilities.
        index.create_dictionary_entry(word, max(1, round(math.exp(score) * 1e9)))
    return index


def correct_word(word: str, frequency: Mapping[str, float], index: SymSpell) -> str:
    """The commonest known word one mistake away from a word that is not known ("outsid" ->
    "outside"), starting with the same letter: a slip of the thumb seldom hits the first letter,
    and "becos" is "because", not "ecos". A known word, a short one, one with an apostrophe, or
    one with nothing near it is kept as typed."""
    lower = word.lower()
    if len(lower) < MIN_CORRECTED_LENGTH or lower in frequency or not WORD.fullmatch(lower):
        return word
    suggestions = index.lookup(lower, Verbosity.CLOSEST, max_edit_distance=1)
    spelling = next((s.term for s in suggestions if s.term[0] == lower[0]), None)
    if spelling is None:
        return word
    if word.isupper():
        return spelling.upper()
    return spelling.capitalize() if word[0].isupper() else spelling


def correct_spelling(text: str, frequency: Mapping[str, float], index: SymSpell) -> str:
    """Every mistyped word in the text corrected ("a man outsid my hosue" -> "a man outside my house")."""
    return WORD_WITH_APOSTROPHES.sub(lambda match: correct_word(match.group(0), frequency, index), text)


@functools.cache
def english_word_scores() -> Mapping[str, float]:
    """spaCy's English word table (log probabilities from spacy-lookups-data, 1M strings), read
    once per process: three components train on it (this one, classifier/nonsense.py and
    classifier/app_names.py), each keeping the words it needs."""
    return load_language_data(registry.lookups.get("en")["lexeme_prob"])


# Rasa glue below; the functions above are the logic (tests/test_normalising.py).

FREQUENCY_FILE = "frequency.json"
# spaCy's English word frequencies (log probabilities, from spacy-lookups-data). Words rarer than
# this are mostly typos and names, and would only make the file in the model larger.
RAREST = -17.0
# A word of the training data that the table lacks ("sumfin", "robux"), or a contraction without
# its apostrophe ("itll"), still counts as a spelling, as a rare one.
TRAINING_WORD = -19.0


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=True)
class NormaliseTyping(GraphComponent):
    """First in the pipeline: drops an opening greeting, unstretches words and corrects mistakes.

    Training keeps a word-frequency table in the model (about 2 MB), so a model never depends on
    the table of the machine it runs on. Only the messages the bot is sent are normalised.
    """

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> NormaliseTyping:
        return cls(model_storage, resource, {})

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> NormaliseTyping:
        with model_storage.read_from(resource) as directory:
            frequency = json.loads((directory / FREQUENCY_FILE).read_text())
        return cls(model_storage, resource, frequency)

    def __init__(self, model_storage: ModelStorage, resource: Resource, frequency: dict[str, float]) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self._frequency = frequency
        # Built with the component (1.4 s, measured 2026-12-03), so no child's first message waits for it.
        self._spelling_index = spelling_index(frequency)

    def train(self, training_data: TrainingData) -> Resource:
        # The table spaCy's English lexemes read their `prob` from (srsly JSON, 1M entries).
        frequency = {
            word: score
            for word, score in english_word_scores().items()
            if score >= RAREST and WORD.fullmatch(word) and word.islower()
        }
        for example in training_data.training_examples:
            for word in WORD.findall((example.get(TEXT) or "").lower()):
                if not STRETCH.search(word):
                    frequency.setdefault(word, TRAINING_WORD)
        # The names in lookup tables ("whatsap", "rblx") are spellings too: corrected, they would
        # no longer be found by the app extractor that reads the normalised text.
        for table in training_data.lookup_tables:
            for element in table.get("elements") or []:
                for word in WORD.findall(str(element).lower()):
                    frequency.setdefault(word, TRAINING_WORD)
        # Contractions typed without the apostrophe ("couldnt", "itll", "hows") are words too:
        # spaCy's English tokenizer knows them, the word table mostly does not.
        for word in English.Defaults.tokenizer_exceptions:
            if WORD.fullmatch(word):
                frequency.setdefault(word.lower(), TRAINING_WORD)
        with self._model_storage.write_to(self._resource) as directory:
            (directory / FREQUENCY_FILE).write_text(json.dumps(frequency, sort_keys=True))
        # Messages are read by the component Rasa loads from the model storage written here.
        return self._resource

    def normalise(self, text: str) -> str:
        unstretched = unstretch(without_greeting(text), self._frequency)
        return correct_spelling(unstretched, self._frequency, self._spelling_index)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        # The training data is left as written, so the classifiers train exactly as they did
        # before this component. Normalising it too was tried: it changed 19 chit-chat examples
        # and retrained a different classifier, no better on the blind sets (docs/safeguarding.md,
        # "What was tried").
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if text:
                message.set(TEXT, self.normalise(text))
        return messages
