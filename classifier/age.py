"""The child's own age band, when the child says it: "im 10", "i'm in year 6", "13 next month".

The bot never asks a child's age. When a child tells it, the answers about apps change: a child
under 13 hears the app's minimum age, a suggestion to talk to a parent or carer first, and the
simplest steps (actions/app_help.py). Only the child's own age counts: "my brother is 9" and
"a 30 year old man messaged me" set nothing, because an age is read only after "I'm", "I am",
"I turn" and the like, or when the message starts with it ("13 next month", "year 6 btw").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from symspellpy.editdistance import DistanceAlgorithm, EditDistance

ENTITY = "age_band"
UNDER_13 = "under_13"
THIRTEEN_PLUS = "13_plus"

NUMBER_WORDS = {
    word: value
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
# A number word spelled by sound ("elevin", "twelv", "thurteen") is read too, if it is one of
# the longer ones (eleven to nineteen) and at most two letters off with the first letter right:
# "fine" is never "five".
SPELT_BY_SOUND = {word: value for word, value in NUMBER_WORDS.items() if 11 <= value <= 19}
NUMBER = r"(?P<number>\d{1,2}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r"|[a-z]{5,10})"
# Where a child's own words about themselves begin: the message's start, or a new clause.
CLAUSE_START = r"(?:^|[.!?,;:]\s*|\b(?:and|but|btw|so|also|ok|okay|well|hi|hey|hello)\s+)"
# "ah'm" and "am" are how many Scottish and Northern English children write "I'm".
FIRST_PERSON = r"\b(?:i\s*['’]?\s*m|i\s+am|ah\s*['’]?\s*m|am|me)\s+"
HEDGE = r"(?:(?:only|just|nearly|almost|about|now|actually|really|literally)\s+)?"
NOT_YET = r"(?P<not_yet>(?:nearly|almost)\s+)?"
# The number is someone's age only if no unit or noun says it is something else.
NOT_AN_AGE = (
    r"(?!\s*(?:%|percent|p\b|pence|pounds?|quid|mins?|minutes?|hours?|hrs?|days?|weeks?|months?"
    r"|times|followers|likes|messages|texts|pics|pictures|photos|miles|km|am\b|pm\b|o'?clock"
    r"|year\s*old\s+(?:man|guy|boy|girl|woman|lady|person|bloke|dude)|:\d))"
)
YEARS = r"(?:ye+a?r?s?|yrs?|yers?|yeers?)"
YEARS_OLD = r"(?:\s*(?:" + YEARS + r"(?:\s*old)?|y\s*/?\s*o|yo)\b)?"
FUTURE = r"(?P<future>\s+(?:next|in\s+(?:a|\d+|two|three)|on\s+\w+|soon|this\s+(?:year|month|week)|tomorrow))"

# Patterns over the lower-cased text, each with a named group `number` (the age or school year).
AGE_PATTERNS = [
    # "I turn 13 next month", "i'll be 13 soon", "turning 13 in may": not 13 yet.
    re.compile(
        r"\b(?:i\s+turn|i\s*['’]?\s*ll\s+be|i\s+will\s+be|(?:i\s*['’]?\s*m\s+|im\s+)?turning)\s+"
        + NUMBER
        + r"\b(?P<future_turning>)"
    ),
    # "i just turned 13", "turned 12 last week": that age now.
    re.compile(r"\b(?:i\s+)?(?:just\s+)?turned\s+" + NUMBER + r"\b"),
    # "im 10", "i'm nearly 13", "I am 12 years old", "me 11".
    re.compile(
        FIRST_PERSON
        + r"(?:only\s+|just\s+|now\s+|actually\s+)?"
        + NOT_YET
        + NUMBER
        + r"\b"
        + NOT_AN_AGE
        + YEARS_OLD
        + r"(?:"
        + FUTURE
        + r")?"
    ),
    # "I have 12 years": how many children who learnt English after another language say it.
    re.compile(r"\bi\s+(?:have|got|has)\s+" + NUMBER + r"\s+" + YEARS + r"\b"),
    # "13 next month", "12 years old btw", "nearly 12", "age 15": at the start of a clause.
    re.compile(
        CLAUSE_START
        + r"(?:(?:my\s+)?age\s*(?:is\s*)?:?\s*|aged\s+)?"
        + NOT_YET
        + NUMBER
        + r"\b"
        + NOT_AN_AGE
        + YEARS_OLD
        + r"(?:"
        + FUTURE
        + r"|(?=\s*(?:$|[.!?,]|and\b|btw\b|here\b|if\b|so\b|lol\b)))"
    ),
]
# UK school years ("i'm in year 6", "yr 8", "y9 here"), Scottish ones ("P7", "S1") and US grades
# ("im in 6th grade").
SCHOOL_PATTERNS = [
    re.compile(
        r"(?:"
        + FIRST_PERSON
        + r"(?:in\s+)?|"
        + CLAUSE_START
        + r"(?:in\s+)?)"
        + HEDGE
        + r"(?:year|yr|y)\s*"
        + NUMBER
        + r"\b(?!\s*(?:old|olds))"
    ),
    re.compile(
        r"(?:"
        + FIRST_PERSON
        + r"(?:in\s+)?|"
        + CLAUSE_START
        + r"(?:in\s+)?)(?P<grade>\d{1,2})(?:st|nd|rd|th)\s+grade\b"
    ),
    re.compile(
        r"(?:"
        + FIRST_PERSON
        + r"(?:in\s+)?|"
        + CLAUSE_START
        + r"(?:in\s+)?)(?:p|primary\s*)(?P<primary>[1-7])\b"
    ),
    re.compile(
        r"(?:"
        + FIRST_PERSON
        + r"(?:in\s+)?|"
        + CLAUSE_START
        + r"(?:in\s+)?)(?:s|secondary\s*)(?P<secondary>[1-6])\b"
    ),
]
# Year 8 is ages 12 to 13 in England: most of it is under 13, and the simpler answer is the safer one.
LAST_SCHOOL_YEAR_UNDER_13 = 8
# In Scotland P1 to P7 are primary school (ages 4 to 12) and S1 is ages 11 to 13, like year 8.
LAST_SECONDARY_YEAR_UNDER_13 = 1
# US 7th grade is ages 12 to 13.
LAST_GRADE_UNDER_13 = 7
# Ages outside this are not a child of our age group telling theirs ("I'm 2 scared", "im 99% sure").
YOUNGEST, OLDEST = 5, 25


_distance = EditDistance(DistanceAlgorithm.DAMERAU_OSA)


@dataclass(frozen=True)
class AgeMention:
    band: str
    start: int
    end: int
    age: int | None = None
    school_year: int | None = None


def _number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text in NUMBER_WORDS:
        return NUMBER_WORDS[text]
    near = [
        (_distance.compare(text, word, 2), value)
        for word, value in SPELT_BY_SOUND.items()
        if word[0] == text[0] and abs(len(word) - len(text)) <= 2
    ]
    near = [(distance, value) for distance, value in near if distance >= 0]
    return min(near)[1] if near else None


def age_mention(text: str) -> AgeMention | None:
    """The first place in `text` where the child says their own age or school year, if any."""
    lower = text.lower()
    found: list[AgeMention] = []
    for pattern in AGE_PATTERNS:
        for match in pattern.finditer(lower):
            age = _number(match.group("number"))
            if age is None:
                continue
            groups = match.groupdict()
            if groups.get("future") or groups.get("not_yet") or groups.get("future_turning") is not None:
                age -= 1
            if YOUNGEST <= age <= OLDEST:
                band = UNDER_13 if age < 13 else THIRTEEN_PLUS
                found.append(AgeMention(band, match.start("number"), match.end(), age=age))
                break
    for pattern in SCHOOL_PATTERNS:
        for match in pattern.finditer(lower):
            groups = match.groupdict()
            if groups.get("primary") or groups.get("secondary"):
                year = int(groups.get("primary") or groups["secondary"])
                band = (
                    UNDER_13
                    if groups.get("primary") or year <= LAST_SECONDARY_YEAR_UNDER_13
                    else THIRTEEN_PLUS
                )
                group = "primary" if groups.get("primary") else "secondary"
                found.append(AgeMention(band, match.start(group), match.end(), school_year=year))
                break
            if groups.get("grade"):
                grade = int(groups["grade"])
                if 1 <= grade <= 12:
                    band = UNDER_13 if grade <= LAST_GRADE_UNDER_13 else THIRTEEN_PLUS
                    found.append(AgeMention(band, match.start("grade"), match.end(), school_year=grade))
                    break
                continue
            year = _number(groups["number"])
            if year is not None and 1 <= year <= 13:
                band = UNDER_13 if year <= LAST_SCHOOL_YEAR_UNDER_13 else THIRTEEN_PLUS
                found.append(AgeMention(band, match.start("number"), match.end(), school_year=year))
                break
    return min(found, key=lambda mention: mention.start) if found else None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class AgeExtractor(GraphComponent):
    """Adds an `age_band` entity ("under_13" or "13_plus") when the child says their own age."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> AgeExtractor:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            mention = age_mention(message.get(TEXT) or "")
            if mention is None:
                continue
            entity = {
                "entity": ENTITY,
                "value": mention.band,
                "start": mention.start,
                "end": mention.end,
                "confidence_entity": 1.0,
                "extractor": self.__class__.__name__,
            }
            message.set(ENTITIES, [*(message.get(ENTITIES) or []), entity], add_to_output=True)
        return messages


# --- a question asked beside the age ---------------------------------------------------------------

AGE_INTENT = "inform_age"
# Words that go with telling one's age and ask nothing ("hi im 10 btw", "Dear bot, I am eleven").
FILLER = set(
    "i im i'm am me my age is a and so ok okay btw hi hey hello hiya dear bot yo yes yeah lol just only now "
    "years year yrs yr old olds turned turning nearly almost next month week soon in the at".split()
)
WORDS = re.compile(r"[a-z0-9']+")
# More words than this beside the age ask something too ("im 12 lol" does not).
MOST_FILLER_FREE_WORDS = 1


def asks_more_than_age(text: str, mention: AgeMention | None) -> bool:
    """True when the message says more than the child's age: words left once the age and the
    words that go with it are taken out ("I am eleven. Am I allowed WhatsApp?")."""
    lower = text.lower()
    if mention is not None:
        lower = lower[: mention.start] + " " + lower[mention.end :]
    rest = [word for word in WORDS.findall(lower) if word not in FILLER and not word.isdigit()]
    return len(rest) > MOST_FILLER_FREE_WORDS


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class AgeWithAQuestion(GraphComponent):
    """ "inform_age" means the child only told their age. When the message asks something too, the
    classifier's next reading that is not "not understood" is taken: the age is kept anyway (the
    `age_band` entity), and the question gets its answer."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> AgeWithAQuestion:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            text = message.get(TEXT) or ""
            if intent.get("name") != AGE_INTENT or not asks_more_than_age(text, age_mention(text)):
                continue
            ranking = message.get(INTENT_RANKING_KEY) or []
            other = next(
                (entry for entry in ranking if entry.get("name") not in (AGE_INTENT, "nlu_fallback")), None
            )
            if other is not None:
                message.set(
                    INTENT,
                    {"name": other["name"], "confidence": other.get("confidence", 0.0)},
                    add_to_output=True,
                )
        return messages
