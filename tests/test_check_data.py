"""`make check-data` names the file and the item for each kind of mistake, and passes on the real project."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts import check_data
from scripts.check_data import Link, Problem, check, main

GREETINGS = [
    f"hello number {word}" for word in "one two three four five six seven eight nine ten".split()
] + [f"hi there {word}" for word in "a b c d e f g h i j k l m n o".split()]
GOODBYES = [f"bye for now {word}" for word in "one two three four five six seven eight nine ten".split()] + [
    f"see you {word}" for word in "a b c d e f g h i j k l m n o".split()
]


def nlu(intents: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "version": "3.1",
        "nlu": [
            {"intent": intent, "examples": "".join(f"- {text}\n" for text in texts)}
            for intent, texts in intents.items()
        ],
    }


def rules(*intents: str) -> dict[str, Any]:
    return {
        "version": "3.1",
        "rules": [
            {"rule": f"answer {intent}", "steps": [{"intent": intent}, {"action": "utter_hello"}]}
            for intent in intents
        ],
    }


def write_project(root: Path, **changes: Any) -> Path:
    """A tiny project that passes every check; `changes` replace its files (path -> YAML data or text)."""
    files: dict[str, Any] = {
        "domain.yml": {
            "version": "3.1",
            "intents": ["greet", "goodbye"],
            "responses": {
                "utter_hello": [{"text": "Hi! I can help you stay safe online."}],
                "utter_bye": [{"text": "Bye for now. See https://www.childline.org.uk/ for help."}],
            },
        },
        "data/nlu/chitchat.yml": nlu({"greet": GREETINGS, "goodbye": GOODBYES}),
        "data/rules/chitchat.yml": rules("greet", "goodbye"),
        "README.md": "# Bot\n\nSee [how to help](CONTRIBUTING.md).\n",
        "CONTRIBUTING.md": "# Contributing\n\nRead the [README](README.md#bot).\n",
    }
    files.update(changes)
    for name, content in files.items():
        if content is None:
            continue
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content if isinstance(content, str) else yaml.safe_dump(content, sort_keys=False))
    return root


def problems_in(root: Path) -> list[str]:
    return [str(problem) for problem in check(root)[0]]


def test_a_tidy_project_passes(tmp_path, capsys):
    write_project(tmp_path)
    assert main([], root=tmp_path) == 0
    assert capsys.readouterr().out.startswith("Data checks passed: 2 intents, 50 examples, 2 responses")


def test_an_intent_with_too_few_examples_names_its_files(tmp_path):
    write_project(
        tmp_path,
        **{
            "data/nlu/chitchat.yml": nlu({"greet": GREETINGS}),
            "data/nlu/leaving.yml": nlu({"goodbye": GOODBYES[:20]}),
            "data/nlu/more_leaving.yml": nlu({"goodbye": ["ok bye", "OK, bye!!"]}),
        },
    )
    assert problems_in(tmp_path) == [
        "data/nlu/leaving.yml, data/nlu/more_leaving.yml: intent goodbye: has 21 distinct examples, "
        "fewer than 25: add 4 more, written the way children write"
    ]


def test_an_example_in_two_intents_names_both_files_and_intents(tmp_path):
    write_project(tmp_path, **{"data/nlu/leaving.yml": nlu({"goodbye": ["Hello number ONE!"]})})
    assert problems_in(tmp_path) == [
        'data/nlu/chitchat.yml: example "hello number one": is in intent goodbye (data/nlu/leaving.yml) '
        "and intent greet (data/nlu/chitchat.yml): keep it in the one intent it means, reword or delete "
        "the others"
    ]


def test_a_response_with_no_text_is_named(tmp_path):
    domain = yaml.safe_load((write_project(tmp_path) / "domain.yml").read_text())
    domain["responses"]["utter_menu"] = [{"buttons": [{"title": "Tips", "payload": "/greet"}]}]
    domain["responses"]["utter_blank"] = [{"text": "  "}]
    domain["responses"]["utter_card"] = [{"custom": {"card": "tips"}}]
    write_project(tmp_path, **{"domain.yml": domain})
    assert problems_in(tmp_path) == [
        "domain.yml: utter_blank: variant 1 has no text: add `text:` with what the bot says",
        "domain.yml: utter_menu: variant 1 has no text: add `text:` with what the bot says",
    ]


def test_an_intent_no_rule_or_story_uses_is_named(tmp_path):
    stories = {
        "version": "3.1",
        "stories": [
            {
                "story": "either hello",
                "steps": [{"or": [{"intent": "greet"}, {"intent": "wave"}]}, {"action": "utter_hello"}],
            }
        ],
    }
    domain = yaml.safe_load((write_project(tmp_path) / "domain.yml").read_text())
    domain["intents"] += [{"wave": {"use_entities": []}}]
    write_project(
        tmp_path,
        **{
            "domain.yml": domain,
            "data/nlu/chitchat.yml": nlu({"greet": GREETINGS, "goodbye": GOODBYES, "wave": GOODBYES}),
            "data/rules/chitchat.yml": rules("greet"),
            "data/stories/chitchat.yml": stories,
        },
    )
    problems = [problem for problem in problems_in(tmp_path) if "example" not in problem]
    assert problems == [
        "domain.yml: intent goodbye: no rule or story uses it: add a rule in data/rules/<topic>.yml "
        "(or a story)"
    ]


def test_a_response_above_a_9_year_olds_reading_level_is_named():
    domain = {
        "responses": {
            "utter_plain": [{"text": "Call 0800 1111. It is free, and you can call any time."}],
            "utter_hard": [
                {"text": "Sextortion constitutes a criminal offence regardless of circumstances."}
            ],
            "utter_long": [
                {
                    "text": "Be careful if a profile is new, has few friends, gives you lots of compliments, "
                    "or asks lots of questions about you and your friends."
                }
            ],
        }
    }
    problems = check_data.too_hard_to_read(domain, "domain.yml")
    assert [(problem.path, problem.item) for problem in problems] == [
        ("domain.yml", "utter_hard"),
        ("domain.yml", "utter_long"),
        ("domain.yml", "utter_long"),
    ]
    assert problems[0].message.startswith("reads at grade 1")
    assert "above 5 for a 9-year-old" in problems[0].message
    assert problems[2].message.startswith("has a sentence of 25 words (most 18): split it in two")


def test_links_phone_numbers_and_made_up_examples_are_not_scored():
    assert check_data.scored_text(
        "Call 0800 1111 or 999, or see https://www.ceop.police.uk/ceop-reporting/ PurpleTractorKettle."
    ) == ("Call or , or see .")


@pytest.mark.parametrize(
    ("url", "wrong"),
    [
        ("http://www.childline.org.uk/", "uses http://: use https://"),
        ("https//www.childline.org.uk/", "is not a well-formed link"),
        ("https://childline", "is not a well-formed link"),
        ("www.childline.org.uk", "is not a well-formed link"),
    ],
)
def test_a_bad_link_in_a_response_text_or_button_is_named(tmp_path, url, wrong):
    domain = yaml.safe_load((write_project(tmp_path) / "domain.yml").read_text())
    domain["responses"]["utter_hello"] = [{"text": f"Hi! Help is at {url}."}]
    domain["responses"]["utter_bye"] = [
        {"text": "Bye for now.", "buttons": [{"title": "Childline", "url": url, "payload": "/goodbye"}]}
    ]
    write_project(tmp_path, **{"domain.yml": domain})
    problems = problems_in(tmp_path)
    assert [problem.split(": link")[0] for problem in problems] == [
        "domain.yml: utter_bye",
        "domain.yml: utter_hello",
    ]
    assert all(f"link {url} {wrong}" in problem for problem in problems)


def test_bad_links_in_the_markdown_docs_are_named(tmp_path):
    readme = (
        "# Bot\n\n[guide](docs/missing.md), [contributing](CONTRIBUTING.md#the-loop), [top](#bot),\n"
        "local http://127.0.0.1:5005 is fine, http://example.org/ is not.\n\n"
        "```sh\ncat not/a/link.md http://example.com\n```\n"
    )
    write_project(tmp_path, **{"README.md": readme})
    assert problems_in(tmp_path) == [
        "README.md: link docs/missing.md: points at docs/missing.md, which does not exist: fix the path",
        "README.md: link: link http://example.org/ uses http://: use https:// (check the site answers on "
        "https://)",
    ]


def test_main_prints_each_problem_and_exits_1(tmp_path, capsys):
    write_project(tmp_path, **{"data/rules/chitchat.yml": rules("greet")})
    assert main([], root=tmp_path) == 1
    out = capsys.readouterr().out
    assert "domain.yml: intent goodbye: no rule or story uses it" in out
    assert "1 problem(s)" in out


class FakeRequests:
    """requests' head/get, answering from a table, so --online is tested without the internet."""

    RequestException = OSError

    def __init__(self, answers: dict[str, int | Exception]) -> None:
        self.answers = answers
        self.asked: list[tuple[str, str]] = []

    def answer(self, method: str, url: str, **_: Any) -> Any:
        self.asked.append((method, url))
        found = self.answers[url]
        if isinstance(found, Exception):
            raise found
        return type("Answer", (), {"status_code": found})()

    def head(self, url: str, **options: Any) -> Any:
        return self.answer("HEAD", url, **options)

    def get(self, url: str, **options: Any) -> Any:
        return self.answer("GET", url, **options)


def test_online_reports_links_that_do_not_answer(monkeypatch):
    fake = FakeRequests(
        {
            "https://www.ceop.police.uk/": 200,
            "https://gone.example.org/": 404,
            "https://down.example.org/": OSError("no route"),
        }
    )
    monkeypatch.setitem(__import__("sys").modules, "requests", fake)
    links = [
        Link("https://www.ceop.police.uk/", "domain.yml", "utter_ceop"),
        Link("https://gone.example.org/", "README.md", "link"),
        Link("https://down.example.org/", "domain.yml", "utter_help"),
        Link("https://gone.example.org/", "domain.yml", "utter_again"),
        Link("http://127.0.0.1:5005", "README.md", "link"),
    ]
    assert check_data.unreachable_links(links) == [
        Problem("README.md", "link", "link https://gone.example.org/ answers HTTP 404: check it in a browser "
                "and fix or replace it"),
        Problem("domain.yml", "utter_help", "link https://down.example.org/ could not be fetched (OSError): "
                "check it in a browser and fix or replace it"),
        Problem("domain.yml", "utter_again", "link https://gone.example.org/ answers HTTP 404: check it in a "
                "browser and fix or replace it"),
    ]  # fmt: skip
    assert fake.asked.count(("HEAD", "https://gone.example.org/")) == 1, "each link is fetched once"
    assert ("GET", "https://gone.example.org/") in fake.asked, "a failed HEAD is tried again with GET"


def test_the_real_project_passes(capsys):
    assert main([]) == 0, capsys.readouterr().out


# --- the steps for each app (data/app_steps.yml) ---


def answer(
    source: str | None = "help",
    full: str = "Go to your page and find the lock. Turn it on.",
    simple: str = "Turn on the lock.",
) -> dict:
    return {"source": source, "full": [full], "simple": [simple]}


def app_steps(**app_changes: Any) -> dict[str, Any]:
    topics = ("private", "block", "report", "strangers", "age")
    app = {
        "name": "TikTok",
        "minimum_age": 13,
        "sources": {
            "help": {
                "title": "TikTok Help",
                "url": "https://support.tiktok.com/en",
                "checked": "2026-12-05",
                "read": "stored copy",
            }
        },
        "answers": {topic: answer() for topic in topics},
    }
    app.update(app_changes)
    return {
        "version": 1,
        "apps": {"tiktok": app},
        "general": {"answers": {topic: answer(None) for topic in topics}},
    }


def apps_nlu(*names: str) -> dict[str, Any]:
    return {"version": "3.1", "nlu": [{"synonym": name, "examples": f"- {name}s\n"} for name in names]}


def test_app_steps_with_every_answer_a_dated_source_and_an_nlu_name_pass(tmp_path):
    write_project(tmp_path, **{"data/app_steps.yml": app_steps(), "data/nlu/apps.yml": apps_nlu("tiktok")})

    assert problems_in(tmp_path) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"answers": {topic: answer() for topic in ("private", "block", "report", "strangers")}},
            "data/app_steps.yml: apps.tiktok: has no `age` answer",
        ),
        (
            {
                "sources": {
                    "help": {
                        "title": "TikTok Help",
                        "url": "https://support.tiktok.com/en",
                        "read": "stored copy",
                    }
                }
            },
            "data/app_steps.yml: apps.tiktok.sources.help: has no `checked` date",
        ),
        (
            {"answers": {**app_steps()["apps"]["tiktok"]["answers"], "block": answer("nowhere")}},
            "data/app_steps.yml: apps.tiktok.block: names no source",
        ),
        (
            {
                "answers": {
                    **app_steps()["apps"]["tiktok"]["answers"],
                    "report": answer(
                        full="Subsequently, communicate your dissatisfaction utilising the platform's "
                        "reporting functionality."
                    ),
                }
            },
            "data/app_steps.yml: apps.tiktok.report.full[0]: reads at grade",
        ),
    ],
)
def test_a_missing_answer_an_undated_or_unnamed_source_or_a_hard_step_is_named(tmp_path, change, expected):
    write_project(
        tmp_path, **{"data/app_steps.yml": app_steps(**change), "data/nlu/apps.yml": apps_nlu("tiktok")}
    )

    problems = problems_in(tmp_path)

    assert any(problem.startswith(expected) for problem in problems), problems


def test_an_app_children_cannot_name_and_a_name_with_no_steps_are_named(tmp_path):
    write_project(tmp_path, **{"data/app_steps.yml": app_steps(), "data/nlu/apps.yml": apps_nlu("snapchat")})

    assert problems_in(tmp_path) == [
        "data/app_steps.yml: apps.tiktok: is no `app` synonym in data/nlu/apps.yml: "
        "add one, or children cannot name it",
        "data/nlu/apps.yml: snapchat: is an `app` synonym with no steps in data/app_steps.yml",
    ]
