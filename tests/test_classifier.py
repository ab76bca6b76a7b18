"""The transformer classifier: how it cuts a message into windows, and what the trained model reads."""

from __future__ import annotations

import random
import tarfile
from pathlib import Path

import pytest

from classifier.fine_tuning import batches_of_similar_length, letters, look_alike_pairs
from classifier.reading import WINDOW_TOKENS, MessageReader, token_windows
from safeguarding.levels import RiskLevel, level_of_intent
from tests.conftest import ROOT
from tests.e2e.test_safeguarding import LONG_LETTER_ENDING_IN_DANGER

MODEL = ROOT / "models" / "stay-safe.tar.gz"
CLS, SEP = 101, 102


def test_a_short_message_is_one_window_framed_as_the_encoder_was_trained():
    assert token_windows([7, 8, 9], CLS, SEP) == [[CLS, 7, 8, 9, SEP]]


def test_a_long_message_is_read_in_overlapping_windows_that_reach_its_last_token():
    ids = list(range(1000, 1300))

    windows = token_windows(ids, CLS, SEP)

    assert all(len(window) <= WINDOW_TOKENS and window[0] == CLS and window[-1] == SEP for window in windows)
    assert windows[0][1] == ids[0] and windows[-1][-2] == ids[-1]
    read = [token for window in windows for token in window[1:-1]]
    assert set(read) == set(ids), "no token falls between two windows"
    assert len(read) > len(ids), "windows overlap, so a sentence cut at one edge is whole in the next"


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> MessageReader:
    """The classifier inside the trained model archive, as the Rasa server loads it."""
    if not MODEL.exists():
        pytest.skip(f"no trained model at {MODEL.relative_to(ROOT)}: run make train (make test always does)")
    folder = tmp_path_factory.mktemp("model")
    with tarfile.open(MODEL) as archive:
        archive.extractall(folder, filter="data")
    found = [path.parent for path in folder.rglob("model.onnx")]
    assert len(found) == 1, "one exported classifier in the archive"
    return MessageReader(Path(found[0]))


def test_the_trained_model_reads_an_emergency_at_the_end_of_a_long_letter(reader):
    reading = reader.read(LONG_LETTER_ENDING_IN_DANGER)

    assert reading.windows > 1
    assert max(reading.risk, key=reading.risk.get) is RiskLevel.IMMEDIATE_DANGER


def test_the_harmless_start_of_that_letter_alone_is_not_read_as_an_emergency(reader):
    # So the test above passes because the last window is read, not because the start sounds like
    # an emergency. (This start alone is read as exploitation, a false alarm on a long harmless
    # message that docs/classifier.md counts among what is not solved.)
    start = LONG_LETTER_ENDING_IN_DANGER.split(" anyway ")[0]
    reading = reader.read(start)

    assert max(reading.risk, key=reading.risk.get) < RiskLevel.IMMEDIATE_DANGER


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("hiya, my cousin set up my insta for my 12th birthday but now i keep getting follow requests from "
         "people i dont know, how do i see who can look at my posts??", "ask_make_account_private"),
        ("ok so my mate said childline is free to call, does it show on the phone bill", "ask_childline"),
    ],
)  # fmt: skip
def test_a_question_asked_inside_a_letter_is_understood(reader, text, intent):
    assert reader.read(text).intent_ranking(1)[0]["name"] == intent


TEXTS = [
    "how do i make my insta private",  # a question
    "a man from roblox is outside my house",  # an emergency
    "my mum is outside my house",  # harmless context
    "we moved house in the summer",
    "my cat is called bob",
    "hiya",  # a greeting
]
INTENTS = [
    "ask_make_account_private",
    "disclose_immediate_danger",
    "chitchat_off_topic",
    "chitchat_off_topic",
    "chitchat_off_topic",
    "chitchat_greet",
]


def test_a_made_up_letter_means_what_its_one_meaningful_sentence_means():
    made = letters(TEXTS, INTENTS, 200, random.Random(1))

    assert len(made) == 200
    for letter, intent in made:
        if intent == "chitchat_off_topic":
            assert TEXTS[0] not in letter and TEXTS[1] not in letter
        else:
            assert TEXTS[INTENTS.index(intent)] in letter
            assert any(context in letter for context in TEXTS[2:5]), "padded with harmless sentences"
    assert {intent for _, intent in made} == {
        "ask_make_account_private",
        "disclose_immediate_danger",
        "chitchat_off_topic",
    }


def test_each_emergency_is_paired_with_the_harmless_example_sharing_most_of_its_words():
    levels = [level_of_intent(intent) for intent in INTENTS]

    assert look_alike_pairs(TEXTS, levels, min_overlap=0.3) == [(1, 2)]


def test_batches_hold_every_example_once_and_group_similar_lengths():
    random.seed(3)
    windows = [[0] * length for length in [5] * 64 + [120] * 64]

    batches = batches_of_similar_length(windows, size=32)

    assert sorted(i for batch in batches for i in batch) == list(range(128))
    assert all(len({len(windows[i]) for i in batch}) == 1 for batch in batches)
