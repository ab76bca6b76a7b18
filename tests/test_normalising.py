"""Stretched words, an opening greeting and typing mistakes, undone before the NLU reads a child's message."""

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from safeguarding.normalising import (
    NormaliseTyping,
    correct_spelling,
    correct_word,
    spelling_index,
    unstretch,
    unstretch_word,
    without_greeting,
)

# A few of the real table's scores (log probabilities): commoner words score higher.
FREQUENCY = {
    "help": -7.8,
    "please": -8.5,
    "so": -5.8,
    "soo": -12.4,
    "to": -3.9,
    "too": -6.8,
    "good": -6.5,
    "god": -8.7,
    "hi": -11.3,
    "me": -5.9,
    "no": -6.4,
    "hmm": -12.0,
    "hm": -13.5,
}


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("heeelp", "help"),
        ("helppppp", "help"),
        ("pleeeease", "please"),
        ("sooooo", "so"),
        ("goooood", "good"),  # "good", not the rarer "god"
        ("hiiiii", "hi"),
        ("hmmmm", "hmm"),
        ("HEEELP", "HELP"),  # case kept: the pipeline lowercases later
        ("Noooo", "No"),
    ],
)
def test_a_stretched_word_gets_its_commonest_spelling(typed, meant):
    assert unstretch_word(typed, FREQUENCY) == meant


def test_a_stretched_word_with_no_known_spelling_keeps_doubles():
    assert unstretch_word("brrrrr", FREQUENCY) == "brr"


@pytest.mark.parametrize("word", ["help", "too", "hello", "1000", "xxx", "..."])
def test_words_typed_normally_numbers_and_kisses_are_left_alone(word):
    assert unstretch(word, FREQUENCY) == word


def test_a_whole_message_keeps_its_spaces_punctuation_and_emoji():
    assert (
        unstretch("pleeease heeelp!! hes at the door 😭 xxx", FREQUENCY)
        == "please help!! hes at the door 😭 xxx"
    )


def test_a_word_with_many_stretched_runs_is_not_searched_letter_by_letter():
    assert unstretch_word("hhheeelllpppmmmeee", FREQUENCY) == "hheellppmmee"


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("hi my friend is being blackmailed", "my friend is being blackmailed"),
        ("Hey! a man is following me home", "a man is following me home"),
        ("hiya, how do i block someone", "how do i block someone"),
        ("heyyy bot can u help me please", "can u help me please"),
        ("hello again i need to tell someone", "i need to tell someone"),
    ],
)
def test_a_greeting_before_a_longer_message_is_dropped(typed, read):
    assert without_greeting(typed) == read


@pytest.mark.parametrize(
    "typed",
    [
        "hi",
        "hi there",
        "hey is anyone there",  # a greeting, answered as one
        "hello?",
        "him and his mates keep calling me names",  # "hi" inside a word
        "high school starts next week and im scared",
        "my mum said hi to the man next door",  # not at the start
    ],
)
def test_greetings_alone_and_words_that_only_start_like_one_are_kept(typed):
    assert without_greeting(typed) == typed


def test_hey_there_is_a_man_keeps_there():
    assert without_greeting("hey there is a man outside my house") == "there is a man outside my house"


# Scores on the scale of spaCy's table (commoner words higher), and two words only the training
# data has (scored as rare).
SPELLINGS = {
    "outside": -9.0,
    "outbid": -16.0,
    "house": -8.6,
    "pictures": -9.5,
    "card": -9.0,
    "cart": -10.4,
    "scared": -10.1,
    "ecos": -15.0,
    "sent": -8.9,
    "rn": -19.0,
    "sumfin": -19.0,
}


@pytest.fixture(scope="module")
def index():
    return spelling_index(SPELLINGS)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("outsid", "outside"),  # a letter missing; "outbid" is as near but rarer
        ("hosue", "house"),  # two letters swapped
        ("pictuers", "pictures"),
        ("housse", "house"),  # a letter added
        ("Hosue", "House"),
        ("OUTSID", "OUTSIDE"),
        ("scard", "scared"),  # the same first letter, though "card" is commoner
    ],
)
def test_a_word_one_mistake_from_a_known_word_is_corrected(index, typed, meant):
    assert correct_word(typed, SPELLINGS, index) == meant


@pytest.mark.parametrize(
    "typed",
    [
        "sumfin",  # text-speak the training data has
        "card",  # a known word is never changed, even one a mistake away from another ("cart")
        "crd",  # shorter than four letters: "hw", "ppl" and "bc" are a child's own words
        "zxqwv",  # nothing near it
        "becos",  # "ecos" is one mistake away but starts with another letter
        "housen't",  # a word with an apostrophe is read whole
    ],
)
def test_known_short_and_unrecognisable_words_are_kept_as_typed(index, typed):
    assert correct_word(typed, SPELLINGS, index) == typed


def test_a_whole_message_is_corrected_word_by_word_keeping_everything_else(index):
    typed = "a man is outsid my hosue!! 😢 rn, at 9pm"

    assert correct_spelling(typed, SPELLINGS, index) == "a man is outside my house!! 😢 rn, at 9pm"


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """Trained on two examples, with spaCy's real English word table, then loaded from storage."""
    storage = LocalModelStorage(tmp_path_factory.mktemp("model"))
    resource = Resource("normalise_typing")
    context = ExecutionContext(graph_schema=None, model_id="test")  # type: ignore[arg-type]
    component = NormaliseTyping.create({}, storage, resource, context)
    training = TrainingData(
        [
            Message(data={TEXT: "he gave me robux", "intent": "disclose_gifts"}),
            Message(data={TEXT: "byeeee", "intent": "chitchat_goodbye"}),
        ]
    )
    component.train(training)
    component.process_training_data(training)
    return NormaliseTyping.load({}, storage, resource, context), training


def test_training_data_is_left_as_written_so_the_classifiers_train_as_before(trained):
    _, training = trained

    assert [example.get(TEXT) for example in training.training_examples] == ["he gave me robux", "byeeee"]


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("hiii pleeease heeelp hes sooo close", "please help hes so close"),
        ("he sent me more robuuux", "he sent me more robux"),  # a word of the training data
        ("someone is following meeee", "someone is following me"),
        ("theres a man outsid my hosue", "theres a man outside my house"),
        ("he keeps asking for pictuers rn", "he keeps asking for pictures rn"),
        ("he couldn't stop and itll happen again", "he couldn't stop and itll happen again"),
        ("hes scard and couldnt stop", "hes scared and couldnt stop"),
        ("hi", "hi"),
    ],
)
def test_the_loaded_component_reads_what_a_child_meant(trained, typed, read):
    component, _ = trained
    message = Message(data={TEXT: typed})

    component.process([message])

    assert message.get(TEXT) == read


def test_a_message_without_text_is_left_alone(trained):
    component, _ = trained
    message = Message(data={"action_name": "utter_greet"})

    component.process([message])

    assert message.get(TEXT) is None
