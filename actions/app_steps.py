"""Which steps to give for a how-to question about an app, fitted to the app and the child's age.

The steps themselves are in data/app_steps.yml, written from each app's official help pages with
each source named and dated. This module reads them and decides what to send: the app the child
named (or named earlier in the conversation), the how-to they asked (or asked last, for "what
about on tiktok"), and their age band if they told it. Everything here is plain data in, plain
data out; actions/app_help.py is the Rasa glue.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

STEPS_FILE = Path(__file__).resolve().parent.parent / "data" / "app_steps.yml"

PRIVATE, BLOCK, REPORT, STRANGERS, AGE = "private", "block", "report", "strangers", "age"
BLOCK_AND_REPORT = "block_and_report"
TOPICS = (PRIVATE, BLOCK, REPORT, STRANGERS, AGE)
UNDER_13 = "under_13"

# The how-to each intent asks. Blocking and reporting share one intent; its words say which.
TOPIC_OF_INTENT = {
    "ask_make_account_private": PRIVATE,
    "ask_block_and_report": BLOCK_AND_REPORT,
    "ask_stop_stranger_messages": STRANGERS,
    "ask_app_minimum_age": AGE,
}
FOLLOW_UP_INTENT = "ask_same_for_app"
# A child telling their age just after asking how old they must be for an app gets that answer
# again, fitted to their age; otherwise a thank-you and the topics.
AGE_INTENT = "inform_age"
REPORT_WORDS = re.compile(r"\breport", re.IGNORECASE)
# Said before the steps of a first question (not a follow-up), and after the steps.
LEAD_IN = {PRIVATE: "utter_private_account_why"}
CLOSING = {
    PRIVATE: (),
    BLOCK: ("utter_block_keep_messages", "utter_ceop_how_to_report"),
    REPORT: ("utter_block_keep_messages", "utter_ceop_how_to_report"),
    BLOCK_AND_REPORT: ("utter_block_keep_messages", "utter_ceop_how_to_report"),
    STRANGERS: ("utter_safety_message_known_contacts",),
    AGE: (),
}
# Every response this module sends (scripts/rasa_cli.py: no rule sends them, and Rasa need not warn).
RESPONSES = (
    "utter_ask_what_about_app",
    "utter_app_not_known",
    "utter_talk_to_parent_before_joining",
    "utter_app_steps_intro",
    "utter_general_steps_intro",
    "utter_name_your_app",
    "utter_tell_trusted_adult",
    "utter_topic_menu",
    "utter_age_noted",
    *LEAD_IN.values(),
    *(name for names in CLOSING.values() for name in names),
)
BLOCK_WORDS = re.compile(
    r"\b(?:block|blok|unfriend|unadd|mute|remove|delete\s+(?:him|her|them))", re.IGNORECASE
)


@dataclass(frozen=True)
class Source:
    title: str
    url: str
    checked: str
    read: str


@dataclass(frozen=True)
class Steps:
    full: tuple[str, ...]
    simple: tuple[str, ...]
    source: Source | None = None


@dataclass(frozen=True)
class App:
    key: str
    name: str
    minimum_age: int | None
    answers: Mapping[str, Steps]


@dataclass(frozen=True)
class Guide:
    apps: Mapping[str, App]
    general: Mapping[str, Steps]

    def lines(self, app: str | None, topic: str, version: str = "full") -> list[str]:
        """The messages of one answer: an app's, or the general one for None or "none"."""
        answer = self.apps[app].answers[topic] if app in self.apps else self.general[topic]
        return list(answer.full if version == "full" else answer.simple)


def _steps(answer: Mapping[str, Any], sources: Mapping[str, Source]) -> Steps:
    return Steps(
        full=tuple(answer.get("full") or ()),
        simple=tuple(answer.get("simple") or ()),
        source=sources.get(answer.get("source")) if answer.get("source") else None,
    )


def read_guide(data: Mapping[str, Any]) -> Guide:
    """The guide from the parsed YAML of data/app_steps.yml."""
    apps = {}
    for key, app in (data.get("apps") or {}).items():
        sources = {
            source_id: Source(
                str(s.get("title")), str(s.get("url")), str(s.get("checked")), str(s.get("read"))
            )
            for source_id, s in (app.get("sources") or {}).items()
        }
        answers = {topic: _steps(answer, sources) for topic, answer in (app.get("answers") or {}).items()}
        apps[key] = App(key, app["name"], app.get("minimum_age"), answers)
    general = {
        topic: _steps(answer, {})
        for topic, answer in ((data.get("general") or {}).get("answers") or {}).items()
    }
    return Guide(apps, general)


@functools.cache
def load_guide(path: Path = STEPS_FILE) -> Guide:
    return read_guide(yaml.safe_load(path.read_text(encoding="utf-8")))


def block_or_report(text: str) -> str:
    """ "how do i report him" asks to report, "how do i block them" to block; both or neither, both."""
    report, block = bool(REPORT_WORDS.search(text)), bool(BLOCK_WORDS.search(text))
    if report and not block:
        return REPORT
    if block and not report:
        return BLOCK
    return BLOCK_AND_REPORT


def topic_for(intent: str | None, text: str, last_topic: str | None) -> str | None:
    """The how-to the child is asking: the intent's, or for a follow-up the one asked last."""
    if intent == FOLLOW_UP_INTENT:
        return last_topic
    if intent == AGE_INTENT:
        return AGE if last_topic == AGE else None
    topic = TOPIC_OF_INTENT.get(intent or "")
    return block_or_report(text) if topic == BLOCK_AND_REPORT else topic


@dataclass(frozen=True)
class Reply:
    """One message: a response from domain.yml (with its template values) or a step's text."""

    response: str | None = None
    text: str | None = None
    values: Mapping[str, str] = field(default_factory=dict)


def _texts(lines: Iterable[str]) -> list[Reply]:
    return [Reply(text=line) for line in lines]


def _parts(topic: str) -> tuple[str, ...]:
    return (BLOCK, REPORT) if topic == BLOCK_AND_REPORT else (topic,)


def plan(
    guide: Guide,
    topic: str | None,
    app_key: str | None,
    *,
    unknown_app: str | None = None,
    follow_up: bool = False,
    age_band: str | None = None,
    after_disclosure: bool = False,
    already_said: Iterable[str] = (),
    age_told: bool = False,
) -> list[Reply]:
    """The messages that answer `topic` for the app.

    `app_key` is a known app (data/app_steps.yml); `unknown_app` names an app the bot has no
    steps for; a follow-up with neither named an app the bot does not know either. A child who
    said they are under 13 hears the app's minimum age and the suggestion to talk to a parent or
    carer first (once per conversation and app: `already_said` holds the texts sent so far), then
    the simplest steps. After a disclosure, blocking and reporting keep the disclosure's advice.
    A child who only told their age (`age_told`) with no age question before is thanked.
    """
    app = guide.apps.get(app_key or "")
    if topic is None and age_told:
        return [Reply("utter_age_noted"), Reply("utter_topic_menu")]
    if topic is None:
        return (
            [Reply("utter_ask_what_about_app", values={"app_name": app.name})]
            if app
            else [Reply("utter_topic_menu")]
        )

    under_13 = age_band == UNDER_13
    answers = app.answers if app else guide.general
    replies: list[Reply] = []
    if app is None and (unknown_app or follow_up):
        replies.append(Reply("utter_app_not_known", values={"app_name": unknown_app or "that app"}))
    if topic in LEAD_IN and not follow_up:
        replies.append(Reply(LEAD_IN[topic]))
    if under_13:
        age_lines = answers[AGE].simple
        if topic == AGE or not set(age_lines) <= set(already_said):
            replies += _texts(age_lines)
            replies.append(Reply("utter_talk_to_parent_before_joining"))
    if topic != AGE:
        replies.append(
            Reply("utter_app_steps_intro", values={"app_name": app.name})
            if app
            else Reply("utter_general_steps_intro")
        )
        for part in _parts(topic):
            replies += _texts(answers[part].simple if under_13 else answers[part].full)
    elif not under_13:
        replies += _texts(answers[AGE].full)
    for response in CLOSING[topic]:
        replies.append(Reply(response))
        if response == "utter_block_keep_messages" and after_disclosure:
            replies.append(Reply("utter_tell_trusted_adult"))
    if app is None and not (unknown_app or follow_up):
        replies.append(Reply("utter_name_your_app"))
    return replies
