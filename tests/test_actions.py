"""Custom actions, run with rasa-sdk's real Tracker and CollectingDispatcher."""

from __future__ import annotations

import pytest

from actions.reminders import ActionGiveSafetyReminder
from tests.conftest import bot_said, tracker_with


@pytest.mark.parametrize(
    ("earlier_replies", "expected"),
    [
        ([], "utter_safety_message_personal_info"),
        (
            [bot_said("utter_welcome"), bot_said("utter_safety_message_personal_info")],
            "utter_safety_message_known_contacts",
        ),
        (
            [
                bot_said("utter_safety_tips_intro"),
                bot_said("utter_safety_message_personal_info"),
                bot_said("utter_safety_message_known_contacts"),
                bot_said("utter_safety_message_think_before_post"),
            ],
            "utter_safety_message_tell_adult",
        ),
    ],
)
async def test_reminder_gives_a_safety_message_not_yet_given(dispatcher, domain, earlier_replies, expected):
    events = await ActionGiveSafetyReminder().run(dispatcher, tracker_with(earlier_replies), domain)

    assert events == []
    assert [message["response"] for message in dispatcher.messages] == [expected]
