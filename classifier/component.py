"""The Rasa NLU component: fine-tuned by `rasa train`, stored in the model archive as ONNX.

It sets the intent and ranking as any intent classifier does, and also the risk head's
probabilities under `risk`, which safeguarding.nlu_component reads as the classifier's level.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from classifier.reading import MessageReader
from safeguarding.levels import RISK

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class TransformerClassifier(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "epochs": 6,
            "learning_rate": 1e-4,
            "batch_size": 32,
            "random_seed": 2611,
            "pair_margin": 4.0,
            "pair_weight": 0.5,
            "pairs_per_epoch": 256,
            "pair_min_overlap": 0.3,
            "letters_per_epoch": 300,
            "ranking_length": 10,
            # Threads for reading one message in the server; training uses every core.
            "threads": 1,
        }

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TransformerClassifier:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> TransformerClassifier:
        component = cls(config, model_storage, resource)
        try:
            with model_storage.read_from(resource) as folder:
                component.reader = MessageReader(Path(folder), threads=component.config["threads"])
        except ValueError:
            logger.warning("No trained transformer classifier in this model; it will read no intents.")
        return component

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.reader: MessageReader | None = None

    def train(self, training_data: TrainingData) -> Resource:
        from classifier.fine_tuning import Settings, fine_tune

        examples = [e for e in training_data.intent_examples if e.get(TEXT) and e.get(INTENT)]
        settings = Settings(
            epochs=self.config["epochs"],
            learning_rate=self.config["learning_rate"],
            batch_size=self.config["batch_size"],
            seed=self.config["random_seed"],
            pair_margin=self.config["pair_margin"],
            pair_weight=self.config["pair_weight"],
            pairs_per_epoch=self.config["pairs_per_epoch"],
            pair_min_overlap=self.config["pair_min_overlap"],
            letters_per_epoch=self.config["letters_per_epoch"],
            threads=os.cpu_count() or 1,
        )
        with self._model_storage.write_to(self._resource) as folder:
            fine_tune(
                [e.get(TEXT) for e in examples], [e.get(INTENT) for e in examples], settings, Path(folder)
            )
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if not text.strip() or self.reader is None:
                # Nothing to read: no intent, as DIET gives, so the FallbackClassifier answers
                # "I didn't get that" with the topics.
                message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
                continue
            reading = self.reader.read(text)
            ranking = reading.intent_ranking(self.config["ranking_length"])
            message.set(INTENT, dict(ranking[0]), add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            message.set(RISK, {level.label: p for level, p in reading.risk.items()}, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
