"""App names the lookup tables miss: spelled by sound or slip ("robloks", "snpachat", "instergram"),
split in two ("snap chat"), or an app the bot has never heard of ("how do i block him on zepeto").

RegexEntityExtractor finds the names in data/nlu/apps.yml exactly. When it found none, this
looks again: a word, or two words run together, that is no common English word and is at most
one letter off an app's name (two for a word of eight letters or more; the first letter right,
and letters that sound alike counted as one) is that app; failing that, a word after "on", "in"
or "for" that is no English word and no word of the training data is an app the bot has no
steps for (`other_app`), so the bot says it does not know that app rather than giving the steps
of the app named before.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from symspellpy.editdistance import DistanceAlgorithm, EditDistance

from safeguarding.normalising import english_word_scores

APP, OTHER_APP = "app", "other_app"
TOKEN = re.compile(r"[a-z0-9]+")
WORD = re.compile(r"[^\W\d_]+")
# A word after one of these, near the end of a question, is where children name the app.
PLACE = re.compile(
    r"\b(?:on|in|for|with|using|via|thru|through)\s+(?:my\s+|the\s+|ur\s+|your\s+|a\s+)?([a-z][a-z0-9]{3,})\b"
)
# Commoner than this in spaCy's English word table is an English word, never read as an app
# ("discard" is one letter from "discord", "instant" two from "insta").
ENGLISH = -15.0
FILE = "app_names.json"
_distance = EditDistance(DistanceAlgorithm.DAMERAU_OSA)


# Letters that sound alike, made one before names are compared: "robloks" and "roblocks" are "roblox".
SOUNDS = (("ck", "k"), ("ks", "x"), ("ph", "f"), ("c", "k"), ("z", "s"), ("ee", "i"))


def sound_key(word: str) -> str:
    for letters, sound in SOUNDS:
        word = word.replace(letters, sound)
    return word


def allowed_slips(length: int) -> int:
    return 0 if length < 5 else 1 if length < 8 else 2


def nearest_app(candidate: str, names: Mapping[str, str]) -> str | None:
    """The app whose name (spaces left out) is fewest slips from `candidate`, within allowed_slips."""
    best, best_distance = None, None
    slips = allowed_slips(len(candidate))
    if not slips:
        return None
    for name, app in names.items():
        if name[0] != candidate[0] or abs(len(name) - len(candidate)) > slips:
            continue
        distances = [
            _distance.compare(candidate, name, slips),
            _distance.compare(sound_key(candidate), sound_key(name), slips),
        ]
        distance = min((d for d in distances if d >= 0), default=-1)
        if 0 <= distance <= slips and (best_distance is None or distance < best_distance):
            best, best_distance = app, distance
    return best


def app_names_in(
    text: str, names: Mapping[str, str], english: Collection[str], known: Collection[str]
) -> list[dict[str, Any]]:
    """Entities for app names the exact lookup missed, or else for one app the bot does not know."""
    lower = text.lower()
    tokens = list(TOKEN.finditer(lower))
    spans = [(t.start(), t.end(), t.group()) for t in tokens]
    spans += [(a.start(), b.end(), a.group() + b.group()) for a, b in zip(tokens, tokens[1:], strict=False)]
    found = []
    for start, end, candidate in sorted(spans, key=lambda span: (span[0], -span[1])):
        if candidate in english or any(start < f["end"] and f["start"] < end for f in found):
            continue
        app = names.get(candidate) or nearest_app(candidate, names)
        if app:
            found.append({"entity": APP, "value": app, "start": start, "end": end})
    if found:
        return found
    for match in PLACE.finditer(lower):
        word = match.group(1)
        if word not in english and word not in known and WORD.fullmatch(word):
            start, end = match.span(1)
            return [{"entity": OTHER_APP, "value": text[start:end], "start": start, "end": end}]
    return []


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class AppNameSpellings(GraphComponent):
    """After RegexEntityExtractor: app names it missed, and apps without steps (`app_names_in`)."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> AppNameSpellings:
        return cls(model_storage, resource, {}, set(), set())

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> AppNameSpellings:
        with model_storage.read_from(resource) as directory:
            saved = json.loads((directory / FILE).read_text())
        return cls(model_storage, resource, saved["names"], set(saved["english"]), set(saved["known"]))

    def __init__(
        self,
        model_storage: ModelStorage,
        resource: Resource,
        names: dict[str, str],
        english: set[str],
        known: set[str],
    ) -> None:
        self._model_storage, self._resource = model_storage, resource
        self._names, self._english, self._known = names, english, known

    def train(self, training_data: TrainingData) -> Resource:
        synonyms = training_data.entity_synonyms
        names, others = {}, set()
        for table in training_data.lookup_tables:
            for element in table.get("elements") or []:
                element = str(element).lower()
                joined = "".join(TOKEN.findall(element))
                if table.get("name") == APP:
                    names[joined] = synonyms.get(element, element)
                elif table.get("name") == OTHER_APP:
                    others.add(joined)
        apps = set(names.values())
        english = (
            {w for w, score in english_word_scores().items() if score >= ENGLISH and WORD.fullmatch(w)}
            - set(names)
            - apps
        )
        known = {
            w.lower() for e in training_data.training_examples for w in WORD.findall(e.get(TEXT) or "")
        } - others
        with self._model_storage.write_to(self._resource) as directory:
            (directory / FILE).write_text(
                json.dumps({"names": names, "english": sorted(english), "known": sorted(known)})
            )
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            entities = message.get(ENTITIES) or []
            if any(entity.get("entity") in (APP, OTHER_APP) for entity in entities):
                continue
            extra = app_names_in(message.get(TEXT) or "", self._names, self._english, self._known)
            for entity in extra:
                entity.update(confidence_entity=1.0, extractor=self.__class__.__name__)
            if extra:
                message.set(ENTITIES, [*entities, *extra], add_to_output=True)
        return messages
