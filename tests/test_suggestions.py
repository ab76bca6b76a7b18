"""`make suggestions` turns counsellors' "misunderstood" marks, read from a real tracker store, into
candidate NLU examples outside data/: grouped by suggested intent, de-duplicated, new ones only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.training_data.loading import load_data

from review.store import ReviewStore
from review.synthetic import Said, conversation, save_with_rasa
from scripts import export_suggestions
from scripts.check_data import ROOT

NOW = 1_790_000_000.0  # 2026-09-21 14:13 UTC

CONVERSATIONS = {
    "child-a": ["hi", "how do i stop ppl seeing where i am on snap", "wat do i do my game acc got hacked"],
    "child-b": ["How do I stop ppl seeing where I am on Snap??", "personal info"],
}
MARKS = [  # (conversation, message, counsellor, suggested intent)
    ("child-a", "how do i stop ppl seeing where i am on snap", "alex", "ask_location_sharing"),
    ("child-a", "wat do i do my game acc got hacked", "sam", ""),
    ("child-b", "How do I stop ppl seeing where I am on Snap??", "sam", "ask_location_sharing"),
    ("child-b", "personal info", "alex", "ask_what_not_to_share"),  # already in data/nlu/privacy.yml
]


@pytest.fixture
def tracker_store(tmp_path: Path) -> Iterator[str]:
    """A SQLite tracker store written by Rasa's SQLTrackerStore, with the counsellors' marks in it."""
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    save_with_rasa(
        url,
        [
            conversation(sender_id, [Said(text) for text in texts], NOW + position * 3600)
            for position, (sender_id, texts) in enumerate(CONVERSATIONS.items())
        ],
    )
    store = ReviewStore(url, clock=lambda: NOW + 86400)
    rows = {row["sender_id"]: row for row in store.list_conversations(per_page=100).rows}
    for sender_id, text, counsellor, intent in MARKS:
        turn = next(turn for turn in store.turns(sender_id) if turn.text == text)
        store.mark_misunderstood(store.conversation(rows[sender_id]["id"]), turn.event_id, counsellor, intent)
    store.dispose()
    yield url


def test_marks_become_candidates_grouped_by_intent_new_and_once_each(tracker_store, tmp_path):
    out = tmp_path / "suggestions" / "nlu_candidates.yml"
    count, written = export_suggestions.export(tracker_store, out)
    assert (count, written) == (2, out)
    candidates = load_data(str(out))  # Rasa reads it as NLU data, so a developer can copy from it
    assert sorted((message.get("intent"), message.get("text")) for message in candidates.intent_examples) == [
        ("ask_location_sharing", "how do i stop ppl seeing where i am on snap"),
        ("unlabelled", "wat do i do my game acc got hacked"),
    ]


def test_each_candidate_says_where_it_came_from_and_that_it_is_not_training_data(tracker_store, tmp_path):
    out = tmp_path / "nlu_candidates.yml"
    export_suggestions.export(tracker_store, out)
    text = out.read_text()
    assert text.startswith("# NOT TRAINING DATA.")
    assert (
        "# from user in child-a at 2026-09-21 14:13 UTC; predicted chitchat_greet; "
        "marked by alex at 2026-09-22 14:13 UTC\n"
        "- intent: ask_location_sharing\n"
        "  examples: |\n"
        "    - how do i stop ppl seeing where i am on snap\n"
    ) in text
    assert [group["intent"] for group in yaml.safe_load(text)["nlu"]] == [
        "ask_location_sharing",
        "unlabelled",
    ]


def test_no_marks_write_an_empty_list(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    save_with_rasa(url, [conversation("child-c", [Said("hi")], NOW)])
    count, out = export_suggestions.export(url, tmp_path / "out.yml")
    assert count == 0
    assert yaml.safe_load(out.read_text())["nlu"] == []


def test_the_command_writes_outside_the_training_data_and_says_where(tracker_store, tmp_path, capsys):
    assert export_suggestions.OUT.is_relative_to(ROOT / "results")
    out = tmp_path / "candidates.yml"
    assert export_suggestions.main(["--url", tracker_store, "--out", str(out)]) == 0
    assert capsys.readouterr().out == (
        f"2 candidate example(s) from counsellors' marks written to {out} (not training data).\n"
    )
