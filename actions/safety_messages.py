"""The five basic safety messages from CEOP, and which one to give next."""

from __future__ import annotations

from collections.abc import Iterable

# In the order CEOP gives them; each name is a response in domain.yml.
SAFETY_MESSAGES: tuple[str, ...] = (
    "utter_safety_message_personal_info",
    "utter_safety_message_known_contacts",
    "utter_safety_message_think_before_post",
    "utter_safety_message_tell_adult",
    "utter_safety_message_look_out_for_friends",
)


def next_safety_message(already_said: Iterable[str]) -> str:
    """The first safety message not yet said in this conversation.

    Once all five have been said, start again with the one said longest ago, so a child who
    chats for a long time still hears a message at every goodbye.
    """
    said = list(already_said)
    for message in SAFETY_MESSAGES:
        if message not in said:
            return message
    return min(SAFETY_MESSAGES, key=lambda message: max(i for i, name in enumerate(said) if name == message))
