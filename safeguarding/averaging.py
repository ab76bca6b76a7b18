"""Two intent classifiers, trained with different seeds, averaged into one ranking.

Used by the two-DIET pipeline that the transformer classifier replaced on 2026-12-05, kept in
tests/pipelines/two_diets.yml so `make compare` can measure against it; `current_ranking` is read
by safeguarding.nlu_component whatever the classifier.

One DIET training is one sample: the same data and another seed train a model that reads some
messages differently. Averaging two models' confidences catches disclosures that either one
alone misses (docs/safeguarding.md, measured). In the pipeline:

    DIETClassifier (seed A) -> RememberIntentRanking -> DIETClassifier (seed B)
        -> AverageIntentRankings -> FallbackClassifier -> SafeguardingDetector

The second classifier overwrites the first's intent, so `RememberIntentRanking` keeps the first
ranking on the message and `AverageIntentRankings` averages it with the second.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message

# Where the earlier classifiers' rankings wait on the message (not part of the parse output).
REMEMBERED_RANKINGS = "remembered_intent_rankings"
# As many intents as DIET ranks by default.
RANKING_LENGTH = 10


def average_rankings(
    rankings: Sequence[Iterable[Mapping[str, Any]]], length: int = RANKING_LENGTH
) -> list[dict[str, Any]]:
    """Each intent's mean confidence over the rankings, highest first.

    An intent missing from a ranking (each classifier ranks only its top intents) counts as 0
    there, so only an intent that several classifiers rank keeps a high confidence.
    """
    totals: dict[str, float] = {}
    for ranking in rankings:
        for entry in ranking:
            name = entry.get("name")
            if name:
                totals[name] = totals.get(name, 0.0) + float(entry.get("confidence") or 0.0)
    count = max(len(rankings), 1)
    averaged = [{"name": name, "confidence": total / count} for name, total in totals.items()]
    averaged.sort(key=lambda entry: (-entry["confidence"], entry["name"]))
    return averaged[:length]


def current_ranking(message: Message) -> list[dict[str, Any]]:
    ranking = message.get(INTENT_RANKING_KEY)
    if ranking:
        return list(ranking)
    intent = message.get(INTENT)
    return [intent] if intent and intent.get("name") else []


class _RankingStep(GraphComponent):
    @classmethod
    def required_components(cls) -> list[type]:
        return [IntentClassifier]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> _RankingStep:
        return cls()


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RememberIntentRanking(_RankingStep):
    """Keeps the ranking of the classifier before it, for `AverageIntentRankings`."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            remembered = list(message.get(REMEMBERED_RANKINGS) or [])
            message.set(REMEMBERED_RANKINGS, [*remembered, current_ranking(message)])
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class AverageIntentRankings(_RankingStep):
    """Replaces the intent and ranking with the average of the remembered and current ones."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            rankings = [*message.data.pop(REMEMBERED_RANKINGS, []), current_ranking(message)]
            averaged = average_rankings([ranking for ranking in rankings if ranking])
            if not averaged:
                continue
            message.set(INTENT, dict(averaged[0]), add_to_output=True)
            message.set(INTENT_RANKING_KEY, averaged, add_to_output=True)
        return messages
