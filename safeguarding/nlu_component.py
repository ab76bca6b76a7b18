"""A Rasa NLU component that runs after the intent classifier and the FallbackClassifier.

It asks both detectors about each message, records the assessment in the parse data (so it
reaches the tracker, the actions and the counsellors), and when the phrase detector sees a
higher risk than the classifier's intent, it sets the disclosure intent for that level so
the safeguarding rule answers at once, whatever the conversation was doing.

When neither sees any risk, it also asks whether the child is hesitating ("umm", "promise u wont
tell?"). Such a message, read as chit-chat or "I'm safe now", goes to the "not understood" rule,
whose action gives the child time and is honest about secrets (`safeguarding.hesitation`).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.utils.spacy_utils import SpacyNLP
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from spacy.tokens import Doc

from safeguarding.averaging import current_ranking
from safeguarding.decision import Assessment, classifier_level, decide, risk_head_level
from safeguarding.hesitation import HESITATION_INTENT, REPLACEABLE_INTENTS, HesitationDetector
from safeguarding.levels import HESITATION, INTENT_FOR_LEVEL, RISK, Hesitation, RiskLevel, level_of_intent
from safeguarding.phrases import PhraseDetector, PhraseMatch

SAFEGUARDING = "safeguarding"
SPACY_DOC = "text_spacy_doc"


def disclosure_intent(message: Message, level: RiskLevel) -> str:
    """The classifier's own best disclosure intent at this level, or the level's default one."""
    for entry in message.get(INTENT_RANKING_KEY) or []:
        if level_of_intent(entry.get("name")) == level:
            return entry["name"]
    return INTENT_FOR_LEVEL[level]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafeguardingDetector(GraphComponent):
    @classmethod
    def required_components(cls) -> list[type]:
        return [SpacyNLP, IntentClassifier]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafeguardingDetector:
        return cls()

    def __init__(self) -> None:
        self._detector: PhraseDetector | None = None
        self._hesitation_detector: HesitationDetector | None = None

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            assessment = self.assess(message)
            message.set(SAFEGUARDING, assessment.as_dict(), add_to_output=True)
            intent = message.get(INTENT) or {}
            if assessment.level > level_of_intent(intent.get("name")):
                message.data[INTENT] = {
                    "name": disclosure_intent(message, assessment.level),
                    "confidence": 1.0,
                }
            elif assessment.level is RiskLevel.NONE:
                hesitation = self._hesitation(message)
                message.set(HESITATION, hesitation and hesitation.value, add_to_output=True)
                if hesitation and (
                    intent.get("name") in REPLACEABLE_INTENTS or self._only_asks_to_tell(message)
                ):
                    message.data[INTENT] = {**intent, "name": HESITATION_INTENT}
        return messages

    def assess(self, message: Message) -> Assessment:
        # The classifier reads risk twice: the disclosure intents in its ranking and its risk head.
        by_classifier = max(classifier_level(current_ranking(message)), risk_head_level(message.get(RISK)))
        by_phrases = self._phrases(message)
        return decide(by_classifier, by_phrases.level, by_phrases.rules)

    def _phrases(self, message: Message) -> PhraseMatch:
        doc = _doc(message)
        if doc is None:
            return PhraseMatch(RiskLevel.NONE, ())
        if self._detector is None:
            self._detector = PhraseDetector(doc.vocab)
        return self._detector.detect(doc)

    def _only_asks_to_tell(self, message: Message) -> bool:
        doc = _doc(message)
        return doc is not None and self._hesitations(doc).only_asks_to_tell(doc)

    def _hesitation(self, message: Message) -> Hesitation | None:
        doc = _doc(message)
        return None if doc is None else self._hesitations(doc).detect(doc)

    def _hesitations(self, doc: Doc) -> HesitationDetector:
        """Built on first use, from the vocabulary of the first message's doc."""
        if self._hesitation_detector is None:
            self._hesitation_detector = HesitationDetector(doc.vocab)
        return self._hesitation_detector


def _doc(message: Message) -> Doc | None:
    """SpacyNLP's doc for the message text, or None for an empty message (or a button press)."""
    return message.get(SPACY_DOC) if message.get(TEXT) else None
