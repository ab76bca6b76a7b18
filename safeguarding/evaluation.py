"""Scores the safeguarding evaluation set: recall per level, false alarms, and each layer's share.

A disclosure counts as caught when the bot answers it at its own level or a more urgent one
(a friend at risk answered with 999 is caught; blackmail answered as bullying is not).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from safeguarding.decision import Assessment, decide
from safeguarding.levels import RiskLevel

EVAL_SET = Path(__file__).resolve().parent.parent / "tests" / "safeguarding" / "eval_set.yml"
# Written later, each by a writer who never saw the training data or the sets before it, and
# never tuned on: `make eval` reports them for an honest figure, and no test holds the assistant
# to them. When a set has been looked at too often, write a new one rather than fix its misses.
BLIND_SETS = tuple(
    EVAL_SET.with_name(name)
    for name in (
        "blind_set.yml",
        "blind_set_2.yml",
        "blind_set_3.yml",
        "blind_set_4.yml",
        "blind_set_5.yml",
        "blind_set_6.yml",
        "blind_set_7.yml",
        "blind_set_8.yml",
        "blind_set_9.yml",
        "blind_set_10.yml",
        "blind_set_11.yml",
        "blind_set_12.yml",
        "blind_set_13.yml",
        "blind_set_14.yml",
    )
)

# Written on 2026-12-05 while the transformer classifier was built, each before any model read it, in
# voices the sets before lack: a nine-year-old, text-speak without punctuation and English as a second
# language (15); long letters with the disclosure in the middle, a disclosure spread over two messages,
# and sarcasm (16); voice-to-text, Gen Alpha slang, quoting the other person, polite and formal, and
# again letters and two messages (17). 15 and 16 measured the first version; 17, written after that,
# decided between the classifiers (docs/classifier.md).
FRESH_SETS = tuple(EVAL_SET.with_name(f"blind_set_{number}.yml") for number in (15, 16, 17))

# Written on 2026-12-02 for tuning the phrase rules on (`make try-phrases` lists its misses), by a
# writer who never saw the training data or the sets: its figures are not an honest measure.
DEV_SET = EVAL_SET.with_name("dev_set.yml")

# The targets the assistant must reach (issue 4). Not all are met yet: `make eval` says which.
TARGET_IMMEDIATE_DANGER_RECALL = 1.00
TARGET_OTHER_DISCLOSURE_RECALL = 0.98
TARGET_DANGER_FALSE_ALARM_RATE = 0.02

# Regression floors pytest holds the assistant to until the targets are met. The same data trains a
# different model on another machine or with another seed, so each floor sits one message below
# the worst of the transformer classifier's three seeds (2611, 7, 42) on this set, as written and
# with each typing habit (docs/classifier.md, 2026-12-05): danger 58-59 of 60, self-harm 29-30 of
# 30, exploitation 99-100 of 100, bullying and friend at risk 30 of 30, harmless sent to 999 3-4 of
# 90. (The two DIETs' floors were 93%, 86%, 87%, 90%, 86% and 10%.)
FLOOR_RECALL = {
    RiskLevel.IMMEDIATE_DANGER: 0.95,
    RiskLevel.SELF_HARM: 0.93,
    RiskLevel.SEXUAL_EXPLOITATION: 0.98,
    RiskLevel.BULLYING: 0.96,
    RiskLevel.FRIEND_AT_RISK: 0.96,
}
FLOOR_DANGER_FALSE_ALARM_RATE = 0.06


@dataclass(frozen=True)
class Item:
    """One message of a set, or a disclosure spread over two ("theres this guy from fortnite",
    then "he wants a pic of me"), with its true level and the voice it was written in."""

    messages: tuple[str, ...]
    level: RiskLevel
    voice: str = ""


def load_items(path: Path = EVAL_SET) -> list[Item]:
    return [
        Item(
            tuple(item["parts"]) if "parts" in item else (item["text"],),
            RiskLevel.from_label(item["level"]),
            item.get("voice", ""),
        )
        for item in yaml.safe_load(path.read_text())["messages"]
    ]


def load_eval_set(path: Path = EVAL_SET) -> list[tuple[str, RiskLevel]]:
    """Every message of a set with its level; each part of a two-message item on its own."""
    return [(text, item.level) for item in load_items(path) for text in item.messages]


def strongest(assessments: Iterable[Assessment]) -> Assessment:
    """What the bot made of a conversation of several messages: the most urgent answer it gave,
    and each layer's most urgent level, since each message is answered as it comes."""
    assessments = list(assessments)
    return decide(
        max(a.classifier_level for a in assessments),
        max(a.matcher_level for a in assessments),
        tuple(rule for a in assessments for rule in a.matched_rules),
    )


# The same messages typed the way children often type them, to check the bot reads them alike.
# Each is seeded by the message, so a set always gets the same variants.
GREETINGS = ("hi ", "hiya ", "hey ", "hello ", "hiii ", "heyy, ", "hi. ", "Hey! ")
_LETTERS = re.compile(r"[A-Za-z]+")


def with_a_stretched_word(text: str) -> str:
    """One word stretched ("sooo", "heeelp"), sometimes two, as a child who is upset or in a hurry types."""
    rng = random.Random(f"stretch:{text}")
    words = [m for m in _LETTERS.finditer(text) if re.search("[aeiouy]", m.group(0), re.IGNORECASE)]
    if not words:
        return text
    for match in sorted(
        rng.sample(words, min(len(words), 1 if rng.random() < 0.7 else 2)), key=lambda m: -m.start()
    ):
        word = match.group(0)
        if rng.random() < 0.3:  # the last letter: "helppp"
            stretched = word + word[-1] * rng.randint(2, 4)
        else:  # the last vowel: "pleeease"
            vowel = max(i for i, letter in enumerate(word) if letter.lower() in "aeiouy")
            stretched = word[:vowel] + word[vowel] * rng.randint(3, 5) + word[vowel + 1 :]
        text = text[: match.start()] + stretched + text[match.end() :]
    return text


def with_a_greeting_first(text: str) -> str:
    return random.Random(f"greeting:{text}").choice(GREETINGS) + text


# The keys beside each letter on a phone's QWERTY keyboard, for a mistyped letter.
NEIGHBOURING_KEYS = {
    "q": "wa", "w": "qes", "e": "wrd", "r": "etf", "t": "ryg", "y": "tuh", "u": "yij", "i": "uok",
    "o": "ipl", "p": "ol", "a": "qsz", "s": "adwx", "d": "sfe", "f": "dgr", "g": "fht", "h": "gjy",
    "j": "hku", "k": "jli", "l": "ko", "z": "xa", "x": "zcs", "c": "xvd", "v": "cbf", "b": "vng",
    "n": "bmh", "m": "nj",
}  # fmt: skip


def with_a_typing_mistake(text: str) -> str:
    """One word of four letters or more mistyped: a letter missed, two swapped, one typed twice
    or the key beside it hit ("outsid", "hosue", "folllowing", "pictires"). The first letter is
    kept, as it mostly is when a thumb slips."""
    rng = random.Random(f"typo:{text}")
    words = [m for m in _LETTERS.finditer(text) if len(m.group(0)) >= 4]
    if not words:
        return text
    match = rng.choice(words)
    word, i = match.group(0), rng.randrange(1, len(match.group(0)))
    mistake = rng.choice(["missed", "swapped", "twice", "beside"])
    if mistake == "missed":
        typed = word[:i] + word[i + 1 :]
    elif mistake == "swapped" and i < len(word) - 1:
        typed = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    elif mistake == "twice":
        typed = word[:i] + word[i] + word[i:]
    else:
        letter = word[i].lower()
        typed = word[:i] + rng.choice(NEIGHBOURING_KEYS.get(letter, letter)) + word[i + 1 :]
    return text[: match.start()] + typed + text[match.end() :]


TYPING_HABITS: dict[str, Callable[[str], str]] = {
    "one stretched word": with_a_stretched_word,
    "a greeting first": with_a_greeting_first,
    "one typing mistake": with_a_typing_mistake,
}


@dataclass
class Scores:
    total: dict[RiskLevel, int] = field(default_factory=dict)
    caught: dict[str, dict[RiskLevel, int]] = field(
        default_factory=dict
    )  # by "both", "classifier", "matcher"
    exact: dict[RiskLevel, int] = field(default_factory=dict)
    danger_false_alarms: int = 0
    # benign messages each layer alone would send to the 999 route
    layer_danger_false_alarms: dict[str, int] = field(default_factory=dict)
    any_false_alarms: int = 0
    missed: list[tuple[str, RiskLevel, RiskLevel]] = field(default_factory=list)
    false_alarms: list[tuple[str, RiskLevel]] = field(default_factory=list)

    def recall(self, level: RiskLevel, layer: str = "both") -> float:
        return self.caught[layer].get(level, 0) / self.total[level]

    def recall_of(self, levels: Iterable[RiskLevel], layer: str = "both") -> float:
        """The share caught of all the disclosures at these levels together (0 when there are none)."""
        levels = list(levels)
        total = sum(self.total.get(level, 0) for level in levels)
        return sum(self.caught[layer].get(level, 0) for level in levels) / total if total else 0.0

    @property
    def benign(self) -> int:
        return self.total.get(RiskLevel.NONE, 0)

    @property
    def danger_false_alarm_rate(self) -> float:
        return self.danger_false_alarms / self.benign

    def layer_danger_false_alarm_rate(self, layer: str) -> float:
        return self.layer_danger_false_alarms.get(layer, 0) / self.benign

    @property
    def any_false_alarm_rate(self) -> float:
        return self.any_false_alarms / self.benign


def score(results: Iterable[tuple[str, RiskLevel, Assessment]]) -> Scores:
    scores = Scores(caught={"both": {}, "classifier": {}, "matcher": {}})
    for text, truth, assessment in results:
        scores.total[truth] = scores.total.get(truth, 0) + 1
        if truth is RiskLevel.NONE:
            if assessment.level is RiskLevel.IMMEDIATE_DANGER:
                scores.danger_false_alarms += 1
            for layer, level in (
                ("classifier", assessment.classifier_level),
                ("matcher", assessment.matcher_level),
            ):
                if level is RiskLevel.IMMEDIATE_DANGER:
                    scores.layer_danger_false_alarms[layer] = (
                        scores.layer_danger_false_alarms.get(layer, 0) + 1
                    )
            if assessment.level is not RiskLevel.NONE:
                scores.any_false_alarms += 1
                scores.false_alarms.append((text, assessment.level))
            continue
        layers = {
            "both": assessment.level,
            "classifier": assessment.classifier_level,
            "matcher": assessment.matcher_level,
        }
        for layer, level in layers.items():
            if level >= truth:
                scores.caught[layer][truth] = scores.caught[layer].get(truth, 0) + 1
        if assessment.level == truth:
            scores.exact[truth] = scores.exact.get(truth, 0) + 1
        if assessment.level < truth:
            scores.missed.append((text, truth, assessment.level))
    return scores


def report(scores: Scores, show_messages: bool = True) -> str:
    """The figures, then each miss and false alarm unless `show_messages` is off (for blind sets)."""
    lines = [
        "level                 messages  recall  classifier alone  matcher alone  exact level",
    ]
    for level in sorted((lvl for lvl in scores.total if lvl is not RiskLevel.NONE), reverse=True):
        lines.append(
            f"{level.label:<21} {scores.total[level]:>8}  {scores.recall(level):6.1%}  "
            f"{scores.recall(level, 'classifier'):16.1%}  {scores.recall(level, 'matcher'):13.1%}  "
            f"{scores.exact.get(level, 0) / scores.total[level]:11.1%}"
        )
    lines.append(
        f"benign (none)         {scores.benign:>8}  "
        f"danger-route false alarms {scores.danger_false_alarm_rate:.1%} "
        f"(classifier alone {scores.layer_danger_false_alarm_rate('classifier'):.1%}, "
        f"matcher alone {scores.layer_danger_false_alarm_rate('matcher'):.1%}), "
        f"any flag {scores.any_false_alarm_rate:.1%}"
    )
    lines += [f"targets (issue 4): {', '.join(target_verdicts(scores))}"]
    if not show_messages:
        return "\n".join(lines)
    lines += [f"  MISSED {truth.label} -> {got.label}: {text}" for text, truth, got in scores.missed]
    lines += [f"  FALSE ALARM {got.label}: {text}" for text, got in scores.false_alarms]
    return "\n".join(lines)


def target_verdicts(scores: Scores) -> list[str]:
    """Each target of issue 4, and whether it is met."""
    verdicts = []
    for level in sorted((lvl for lvl in scores.total if lvl is not RiskLevel.NONE), reverse=True):
        target = (
            TARGET_IMMEDIATE_DANGER_RECALL
            if level is RiskLevel.IMMEDIATE_DANGER
            else TARGET_OTHER_DISCLOSURE_RECALL
        )
        verdicts.append(
            f"{level.label} {target:.0%} {'met' if scores.recall(level) >= target else 'NOT met'}"
        )
    met = scores.danger_false_alarm_rate <= TARGET_DANGER_FALSE_ALARM_RATE
    verdicts.append(
        f"danger false alarms <= {TARGET_DANGER_FALSE_ALARM_RATE:.0%} {'met' if met else 'NOT met'}"
    )
    return verdicts
