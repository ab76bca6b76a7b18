"""Trying the phrase rules on the training data: what they catch, miss and wrongly send to 999."""

from __future__ import annotations

from safeguarding.levels import RiskLevel
from safeguarding.phrases import PhraseMatch
from scripts.check_data import Example
from scripts.try_phrase_rules import main, report, trial

DANGER = PhraseMatch(RiskLevel.IMMEDIATE_DANGER, ("someone_at_my_home",))
NOTHING = PhraseMatch(RiskLevel.NONE, ())
EXAMPLES = [
    Example("disclose_immediate_danger", "hes outside my house", "data/nlu/disclosures_danger.yml"),
    Example("disclose_immediate_danger", "im at his and cant go", "data/nlu/disclosures_danger.yml"),
    Example("report_friend_at_risk", "my mate is meeting him rn", "data/nlu/disclosures_friend.yml"),
    Example("chitchat_off_topic", "my mum is outside the house", "data/nlu/lookalikes.yml"),
    Example("chitchat_greet", "hiya", "data/nlu/chitchat.yml"),
]
RULES = {
    "hes outside my house": DANGER,
    "my mate is meeting him rn": DANGER,
    "my mum is outside the house": DANGER,
}


def detect(text: str) -> PhraseMatch:
    return RULES.get(text, NOTHING)


def test_a_disclosure_sent_to_a_more_urgent_route_is_caught_and_a_harmless_one_is_a_false_alarm():
    result = trial(EXAMPLES, detect)

    assert result.caught == {RiskLevel.IMMEDIATE_DANGER: 1, RiskLevel.FRIEND_AT_RISK: 1}
    assert [example.text for example, _ in result.misses] == ["im at his and cant go"]
    assert [example.text for example, _ in result.danger_false_alarms] == ["my mum is outside the house"]


def test_the_report_names_the_file_intent_and_rule_of_each_false_alarm_and_lists_misses_on_request():
    result = trial(EXAMPLES, detect)

    quiet, listed = report(result), report(result, show_misses=RiskLevel.IMMEDIATE_DANGER)

    assert "immediate_danger             2      1 (50.0%)" in quiet
    assert "2 sent to the 999 route" not in quiet and "1 sent to the 999 route (50.0%)" in quiet
    assert "data/nlu/lookalikes.yml chitchat_off_topic: my mum is outside the house" in quiet
    assert "someone_at_my_home" in quiet
    assert "im at his and cant go" not in quiet
    assert "MISSED data/nlu/disclosures_danger.yml disclose_immediate_danger (got none): im at his" in listed


def test_the_real_rules_over_the_real_data_print_a_line_for_every_level(capsys):
    assert main([]) == 0

    printed = capsys.readouterr().out
    for level in RiskLevel:
        if level is not RiskLevel.NONE:
            assert level.label in printed
    assert "sent to the 999 route" in printed
    assert "Training data (data/nlu)" in printed
    assert "Development set (tests/safeguarding/dev_set.yml, tuned on)" in printed
