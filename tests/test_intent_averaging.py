"""Averaging two classifiers' rankings: what the safeguarding rule and the fallback then see."""

import yaml
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from safeguarding.averaging import (
    REMEMBERED_RANKINGS,
    AverageIntentRankings,
    RememberIntentRanking,
    average_rankings,
)
from tests.conftest import ROOT


def ranking(**confidences: float) -> list[dict]:
    return [{"name": name, "confidence": value} for name, value in confidences.items()]


def classified(message: Message, **confidences: float) -> Message:
    """What a DIETClassifier leaves on the message: its top intent and its ranking."""
    entries = sorted(ranking(**confidences), key=lambda entry: -entry["confidence"])
    message.set(INTENT, entries[0], add_to_output=True)
    message.set(INTENT_RANKING_KEY, entries, add_to_output=True)
    return message


def test_an_emergency_one_model_ranks_second_comes_out_on_top():
    averaged = average_rankings(
        [
            ranking(ask_meet_online_friend=0.6, disclose_immediate_danger=0.3),
            ranking(disclose_immediate_danger=0.7, ask_meet_online_friend=0.2),
        ]
    )

    assert averaged[0] == {"name": "disclose_immediate_danger", "confidence": 0.5}
    assert averaged[1]["name"] == "ask_meet_online_friend"
    assert abs(averaged[1]["confidence"] - 0.4) < 1e-9


def test_an_intent_only_one_model_ranks_counts_as_zero_in_the_other():
    averaged = average_rankings([ranking(greet=0.9, goodbye=0.1), ranking(greet=0.8, thank=0.2)])

    assert {entry["name"]: round(entry["confidence"], 3) for entry in averaged} == {
        "greet": 0.85,
        "thank": 0.1,
        "goodbye": 0.05,
    }


def test_two_models_that_disagree_leave_the_top_intent_unsure_so_the_fallback_can_act():
    averaged = average_rankings([ranking(greet=0.9, goodbye=0.1), ranking(goodbye=0.9, greet=0.1)])

    assert [entry["confidence"] for entry in averaged] == [0.5, 0.5]


def test_the_ranking_is_cut_to_ten_intents_like_diets():
    averaged = average_rankings([ranking(**{f"intent_{i}": 0.01 * i for i in range(1, 16)})])

    assert len(averaged) == 10
    assert averaged[0]["name"] == "intent_15"


def test_the_pipeline_steps_replace_the_second_models_intent_with_the_average():
    message = classified(
        Message(data={TEXT: "hes in the car park waiting 4 me"}),
        ask_meet_online_friend=0.8,
        disclose_immediate_danger=0.2,
    )
    [message] = RememberIntentRanking().process([message])
    classified(message, disclose_immediate_danger=0.9, ask_meet_online_friend=0.1)

    [message] = AverageIntentRankings().process([message])

    assert message.get(INTENT)["name"] == "disclose_immediate_danger"
    assert abs(message.get(INTENT)["confidence"] - 0.55) < 1e-9
    assert [entry["name"] for entry in message.get(INTENT_RANKING_KEY)] == [
        "disclose_immediate_danger",
        "ask_meet_online_friend",
    ]
    assert REMEMBERED_RANKINGS not in message.as_dict(only_output_properties=True)
    assert REMEMBERED_RANKINGS not in message.data


def test_a_message_no_classifier_ranked_is_left_alone():
    message = Message(data={TEXT: ""})

    [message] = AverageIntentRankings().process(RememberIntentRanking().process([message]))

    assert message.get(INTENT) is None
    assert message.get(INTENT_RANKING_KEY) is None


def test_the_two_diet_pipeline_averages_two_differently_seeded_classifiers_before_the_fallback():
    pipeline = yaml.safe_load((ROOT / "tests" / "pipelines" / "two_diets.yml").read_text())["pipeline"]
    names = [component["name"] for component in pipeline]
    seeds = [component.get("random_seed") for component in pipeline if component["name"] == "DIETClassifier"]
    first_diet, last_diet = (
        names.index("DIETClassifier"),
        len(names) - 1 - names[::-1].index("DIETClassifier"),
    )

    assert len(seeds) == 2 and len(set(seeds)) == 2
    assert first_diet < names.index("safeguarding.averaging.RememberIntentRanking") < last_diet
    assert (
        last_diet
        < names.index("safeguarding.averaging.AverageIntentRankings")
        < names.index("FallbackClassifier")
    )
