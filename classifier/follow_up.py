"""A short message that names an app and says little else is a follow-up: "snap?", "k and discord",
"thx, what about insta", "ok but fb tho".

The classifier reads such messages as chit-chat or does not understand them, and the child hears
"Sorry, I didn't get that" right after the bot explained something for another app. Named on its
own, an app asks for the same again for that app (`ask_same_for_app`); with nothing asked
before, the bot offers that app's how-tos. A greeting, a goodbye and "are you a bot?" keep their
answers (the welcome says it is a bot), and a disclosure always wins: the safeguarding detector
runs after this.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

FOLLOW_UP_INTENT = "ask_same_for_app"
APP_ENTITIES = ("app", "other_app")
# The readings a short message naming an app is taken from; every other intent keeps its answer.
REPLACEABLE = ("nlu_fallback", "chitchat_off_topic", "chitchat_thanks", "inform_age")
# "ok thanks what about on insta then" is seven; a longer message says what it wants.
MOST_WORDS = 7
WORD = re.compile(r"\w+")


def is_app_on_its_own(text: str, intent: str | None, entities: list[dict[str, Any]]) -> bool:
    named = any(entity.get("entity") in APP_ENTITIES for entity in entities)
    return named and intent in REPLACEABLE and len(WORD.findall(text)) <= MOST_WORDS


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class AppOnItsOwn(GraphComponent):
    """Sets `ask_same_for_app` on a short message that names an app (`is_app_on_its_own`)."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> AppOnItsOwn:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            if is_app_on_its_own(message.get(TEXT) or "", intent.get("name"), message.get(ENTITIES) or []):
                message.set(
                    INTENT,
                    {"name": FOLLOW_UP_INTENT, "confidence": intent.get("confidence", 0.0)},
                    add_to_output=True,
                )
        return messages
