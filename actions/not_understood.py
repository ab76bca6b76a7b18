"""What the bot says when it did not understand, or when a child hesitates before telling.

A child working up to a disclosure ("umm", "can i tell u something") is given time rather than
"Sorry, I didn't get that"; one who asks the bot to keep a secret is told honestly that it
cannot. The NLU marks such a message (`safeguarding.hesitation`); the rule that runs this action
then adds the 999 line and the topics, as for any message it did not understand.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from safeguarding.levels import HESITATION, Hesitation

REPLIES = {
    Hesitation.SECRECY: ["utter_cannot_keep_secrets", "utter_take_your_time"],
    Hesitation.HESITATING: ["utter_take_your_time"],
}
NOT_UNDERSTOOD = ["utter_did_not_understand"]


class ActionDidNotUnderstand(Action):
    def name(self) -> str:
        return "action_did_not_understand"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        for response in REPLIES.get(tracker.latest_message.get(HESITATION), NOT_UNDERSTOOD):
            dispatcher.utter_message(response=response)
        return []
