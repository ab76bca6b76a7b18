"""A child who hesitates is given time, and one who asks for a secret is told the truth."""

from __future__ import annotations

import pytest
import spacy
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from actions.not_understood import ActionDidNotUnderstand
from safeguarding.hesitation import HesitationDetector
from safeguarding.levels import HESITATION, Hesitation
from safeguarding.nlu_component import SPACY_DOC, SafeguardingDetector
from scripts.build_spacy_model import DEFAULT_TARGET
from tests.conftest import tracker_with
from tests.test_disclosure_action import SECRET_PROMISES


@pytest.fixture(scope="module")
def nlp():
    return spacy.load(DEFAULT_TARGET)


@pytest.fixture(scope="module")
def detect(nlp):
    detector = HesitationDetector(nlp.vocab)
    # lower-cased as Rasa's SpacyNLP does
    return lambda text: detector.detect(nlp(text.lower()))


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("ummmm", Hesitation.HESITATING),
        ("errr so...", Hesitation.HESITATING),
        ("hmm ok so", Hesitation.HESITATING),
        ("nvm", Hesitation.HESITATING),
        ("forget i said anything", Hesitation.HESITATING),
        ("its nothing really", Hesitation.HESITATING),
        ("doesnt matter", Hesitation.HESITATING),
        ("i dont know how to explain it", Hesitation.HESITATING),
        ("can i tell you something", Hesitation.HESITATING),
        ("i need to tell someone something", Hesitation.HESITATING),
        ("something happend at the weekend", Hesitation.HESITATING),
        ("its kind of embarrassing", Hesitation.HESITATING),
        ("youll laugh at me", Hesitation.HESITATING),
        ("theres this guy and...", Hesitation.HESITATING),
        ("i dont wanna say it", Hesitation.HESITATING),
        # asks the bot to keep a secret, or who will see the chat
        ("promise u wont tell?", Hesitation.SECRECY),
        ("pls dont tell anyone", Hesitation.SECRECY),
        ("can you keep it a secret", Hesitation.SECRECY),
        ("will my parents see this", Hesitation.SECRECY),
        ("who can read this", Hesitation.SECRECY),
        ("is this chat private", Hesitation.SECRECY),
        ("do u save what i write", Hesitation.SECRECY),
        ("swear you wont tell my mum", Hesitation.SECRECY),
    ],
)
def test_a_child_working_up_to_telling_or_asking_for_a_secret_is_seen(detect, text, kind):
    assert detect(text) is kind


@pytest.mark.parametrize(
    "text",
    [
        "ok",
        "hi",
        "thanks",
        "what can you do",
        "how do i make my account private",
        "is it weird to accept friend requests from people i dont know",
        "any good films to watch this weekend",
        "whats the secret to a good password",
        "tell me a safety tip",
        "i never use snapchat",
        "how do i get an embarrassing video taken down",
        "he told me not to tell anyone",
        "um how do i block someone on roblox and report them to the game so they stop messaging me",
    ],
)
def test_ordinary_messages_are_not_hesitation(detect, text):
    assert detect(text) is None


def parsed(nlp, text: str, intent: str, confidence: float = 0.7) -> Message:
    """A message as the pipeline hands it to the detector: the spaCy doc and the classifier's reading."""
    message = Message(data={TEXT: text})
    message.set(SPACY_DOC, nlp(text.lower()))
    message.set(INTENT, {"name": intent, "confidence": confidence})
    message.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": confidence}])
    return message


def test_a_hesitation_read_as_safe_now_goes_to_the_not_understood_answer(nlp):
    (message,) = SafeguardingDetector().process([parsed(nlp, "its nothing", "inform_safe_now")])

    assert message.get(INTENT)["name"] == "nlu_fallback"
    assert message.get(HESITATION) == "hesitating"
    assert message.get("safeguarding")["level"] == "none"


def test_a_question_the_bot_answers_keeps_its_answer(nlp):
    (message,) = SafeguardingDetector().process(
        [parsed(nlp, "is there a real person reading this", "chitchat_ask_is_bot")]
    )

    assert message.get(INTENT)["name"] == "chitchat_ask_is_bot"


@pytest.mark.parametrize(
    "text",
    ["umm can i tell u something", "i need to tell someone something", "ok so can i ask you something"],
)
def test_only_asking_to_tell_is_given_time_whatever_question_the_classifier_read(nlp, text):
    (message,) = SafeguardingDetector().process([parsed(nlp, text, "ask_who_is_trusted_adult")])

    assert message.get(INTENT)["name"] == "nlu_fallback"
    assert message.get(HESITATION) == "hesitating"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("can i ask u something about snap map", "ask_location_sharing"),
        ("what if i dont wanna tell my parents", "ask_who_is_trusted_adult"),
    ],
)
def test_a_question_beside_asking_to_tell_keeps_its_answer(nlp, text, intent):
    (message,) = SafeguardingDetector().process([parsed(nlp, text, intent)])

    assert message.get(INTENT)["name"] == intent


def test_a_disclosure_is_never_turned_into_a_hesitation(nlp):
    (message,) = SafeguardingDetector().process(
        [
            parsed(
                nlp,
                "promise u wont tell but he says delete our messages so my mum doesnt see",
                "chitchat_off_topic",
            )
        ]
    )

    assert message.get(INTENT)["name"].startswith("disclose_")
    assert message.get("safeguarding")["level"] == "sexual_exploitation"


async def said(domain, dispatcher, hesitation: str | None) -> str:
    tracker = tracker_with([], text="...", intent="nlu_fallback")
    tracker.latest_message[HESITATION] = hesitation
    await ActionDidNotUnderstand().run(dispatcher, tracker, domain)
    return " ".join(domain["responses"][m["response"]][0]["text"] for m in dispatcher.messages)


async def test_a_hesitating_child_is_given_time(domain, dispatcher):
    text = await said(domain, dispatcher, "hesitating")

    assert "take your time" in text.lower()
    assert "didn't get that" not in text


async def test_a_child_asking_for_a_secret_is_told_the_bot_cannot_keep_one(domain, dispatcher):
    text = (await said(domain, dispatcher, "secrecy")).lower()

    assert "can't keep secrets" in text
    assert "read this chat" in text, "honest about who may see it"
    assert not any(promise in text for promise in SECRET_PROMISES)


async def test_a_message_not_understood_still_says_so(domain, dispatcher):
    text = await said(domain, dispatcher, None)

    assert "didn't get that" in text
