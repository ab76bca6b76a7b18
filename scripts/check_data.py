"""`make check-data`: the mistakes that are easy to make when retraining, each named by file and item.

Checks the NLU examples (enough per intent, none in two intents), the domain's responses (each has
text, each is plain enough for a 9-year-old), the steps for each app in data/app_steps.yml (all five
answers, plain enough, each from a named and dated source, each app nameable in the NLU), that every
intent is answered by a rule or story, and every link in the responses, the app sources and the
Markdown docs. Prints `path: item: what is wrong and how to fix
it` for each problem and exits 1, or prints a one-line summary and exits 0.

    python -m scripts.check_data            # offline checks (what `make test` runs)
    python -m scripts.check_data --online   # also fetch every external link (needs the internet)

NLU files are read with Rasa's own loader (one file at a time, so each example keeps its file).
The domain, rules and stories are read as plain YAML: one broken response must not hide the others,
and Rasa's schema is checked by `rasa data validate` (`make validate`) anyway.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent

MIN_EXAMPLES = 25

# Reading level. A 9-year-old is in UK Year 5, US grade 4; Flesch-Kincaid gives a US school grade.
# Measured on the 79 response texts of 2026-11-25 (CONTRIBUTING.md "Reading level"): median grade
# 2.1, 85% at 5 or below; the 12 above 5 (up to 11.8) were long lists and long words, and were
# rewritten. The limit is grade 4 plus one grade for the noise of scoring a 10-20 word text (one
# more three-syllable word moves it by about a grade). Sentences are checked apart, because one
# long list hides in a short message's average: the longest plain one was 17 words (grade 1.7).
MAX_GRADE = 5.0
MAX_SENTENCE_WORDS = 18

# Anything that looks like an attempt at a link, well formed or not.
LINK_PATTERN = r"\b(?i:https?[:/]\S*|www\.\S+)"
LINK_LIKE = re.compile(LINK_PATTERN)

# Not words a child reads, so not scored: links, phone numbers and made-up examples such as the
# password "PurpleTractorKettle" (the names of services, CEOP, Childline, Samaritans, are scored).
NOT_SCORED = re.compile(rf"{LINK_PATTERN}|\b\d[\d ]*\d\b|\b\d\b|\b[A-Z][a-z]+(?:[A-Z][a-z]+)+\b")

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")

MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
CODE = re.compile(r"^(```|~~~).*?^\1", re.DOTALL | re.MULTILINE)
INLINE_CODE = re.compile(r"`[^`\n]*`")
TRAILING_PUNCTUATION = ".,;:!?)]}'\""
HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$|^localhost$|^\d{1,3}(?:\.\d{1,3}){3}$")
LOOPBACK = ("127.0.0.1", "localhost")
DOCS = ("README.md", "CONTRIBUTING.md")
ONLINE_TIMEOUT_SECONDS = 10


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    item: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.item}: {self.message}"


@dataclass(frozen=True)
class Example:
    intent: str
    text: str
    path: str


@dataclass(frozen=True)
class Link:
    url: str
    path: str
    item: str


def normalised(text: str) -> str:
    """Lower case letters and digits only, so "Hi!!" and "hi" count as the same example."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


# Two messages sharing this share of their words (token Jaccard, after `normalised`) are one
# message written twice: "a man is outside my house rn" and "a man is outside my house".
NEAR_COPY_OVERLAP = 0.8


def near_copies(
    texts: Iterable[str], reference: Iterable[str], threshold: float = NEAR_COPY_OVERLAP
) -> list[str]:
    """The texts that are an exact or near copy of a reference message."""
    bags = [frozenset(normalised(text).split()) for text in reference]
    by_word: dict[str, list[int]] = defaultdict(list)
    for index, bag in enumerate(bags):
        for word in bag:
            by_word[word].append(index)
    copies = []
    for text in texts:
        bag = frozenset(normalised(text).split())
        shared = Counter(index for word in bag for index in by_word.get(word, ()))
        if any(count / len(bag | bags[index]) >= threshold for index, count in shared.items()):
            copies.append(text)
    return copies


def relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def read_yaml(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


# --- reading the project ---------------------------------------------------------------------------


def load_examples(root: Path) -> list[Example]:
    """Every NLU example under data/nlu, with the file it is in (Rasa's loader, one file at a time)."""
    from rasa.shared.nlu.training_data.loading import load_data

    return [
        Example(message.get("intent"), message.get("text"), relative(path, root))
        for path in sorted((root / "data" / "nlu").rglob("*.yml"))
        for message in load_data(str(path)).intent_examples
    ]


def domain_intents(domain: dict[str, Any]) -> list[str]:
    """Intent names; an intent with properties is written as a one-key mapping."""
    return [next(iter(entry)) if isinstance(entry, dict) else entry for entry in domain.get("intents", [])]


def flow_intents(steps: Iterable[dict[str, Any]]) -> Iterator[str]:
    """Intents a rule or story's steps use, including those inside `or:` blocks."""
    for step in steps:
        if "intent" in step:
            yield step["intent"]
        for alternative in step.get("or", []):
            if "intent" in alternative:
                yield alternative["intent"]


def answered_intents(root: Path) -> set[str]:
    answered: set[str] = set()
    for path in sorted((root / "data").rglob("*.yml")):
        content = read_yaml(path)
        for flow in content.get("rules", []) + content.get("stories", []):
            answered |= set(flow_intents(flow.get("steps", [])))
    return answered


# --- the checks ------------------------------------------------------------------------------------


def too_few_examples(examples: Iterable[Example], minimum: int = MIN_EXAMPLES) -> list[Problem]:
    """An intent with fewer than `minimum` distinct examples (the same after normalising counts once)."""
    distinct: dict[str, set[str]] = defaultdict(set)
    files: dict[str, set[str]] = defaultdict(set)
    for example in examples:
        distinct[example.intent].add(normalised(example.text))
        files[example.intent].add(example.path)
    return [
        Problem(
            ", ".join(sorted(files[intent])),
            f"intent {intent}",
            f"has {len(texts)} distinct examples, fewer than {minimum}: "
            f"add {minimum - len(texts)} more, written the way children write",
        )
        for intent, texts in sorted(distinct.items())
        if len(texts) < minimum
    ]


def examples_in_two_intents(examples: Iterable[Example]) -> list[Problem]:
    """The same example (after normalising) under two or more intents."""
    places: dict[str, dict[str, str]] = defaultdict(dict)
    for example in examples:
        places[normalised(example.text)].setdefault(example.intent, example.path)
    problems = []
    for text, where in sorted(places.items()):
        if len(where) > 1:
            named = " and ".join(f"intent {intent} ({path})" for intent, path in sorted(where.items()))
            problems.append(
                Problem(
                    sorted(where.values())[0],
                    f'example "{text}"',
                    f"is in {named}: keep it in the one intent it means, reword or delete the others",
                )
            )
    return problems


def responses_without_text(domain: dict[str, Any], path: str) -> list[Problem]:
    """A response variant with no text (and no custom or image payload) shows the child nothing."""
    problems = []
    for name, variants in sorted((domain.get("responses") or {}).items()):
        for number, variant in enumerate(variants or [{}], start=1):
            variant = variant or {}
            text = variant.get("text")
            if (isinstance(text, str) and text.strip()) or variant.get("custom") or variant.get("image"):
                continue
            problems.append(
                Problem(path, name, f"variant {number} has no text: add `text:` with what the bot says")
            )
    return problems


def unanswered_intents(intents: Iterable[str], answered: set[str], path: str) -> list[Problem]:
    """A domain intent no rule or story uses: the bot would have nothing to say to it."""
    return [
        Problem(
            path,
            f"intent {intent}",
            "no rule or story uses it: add a rule in data/rules/<topic>.yml (or a story)",
        )
        for intent in intents
        if intent not in answered
    ]


def sentences(text: str) -> list[str]:
    return [sentence for sentence in SENTENCE_END.split(text.strip()) if sentence]


def scored_text(text: str) -> str:
    return " ".join(NOT_SCORED.sub(" ", text).split())


def reading_grade(text: str) -> float:
    """Flesch-Kincaid grade (a US school grade) of the words a child reads in `text`."""
    import textstat

    return textstat.flesch_kincaid_grade(scored_text(text))


def response_texts(domain: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(response name, text) for every text variant of every response in the domain."""
    for name, variants in sorted((domain.get("responses") or {}).items()):
        for variant in variants or []:
            text = (variant or {}).get("text")
            if isinstance(text, str) and text.strip():
                yield name, text


def too_hard_to_read(
    domain: dict[str, Any],
    path: str,
    max_grade: float = MAX_GRADE,
    max_sentence_words: int = MAX_SENTENCE_WORDS,
) -> list[Problem]:
    """A response above a 9-year-old's reading level, or with a sentence too long to follow."""
    return texts_too_hard(response_texts(domain), path, max_grade, max_sentence_words)


def texts_too_hard(
    texts: Iterable[tuple[str, str]],
    path: str,
    max_grade: float = MAX_GRADE,
    max_sentence_words: int = MAX_SENTENCE_WORDS,
) -> list[Problem]:
    """Each (item, text) above a 9-year-old's reading level, or with a sentence too long to follow."""
    import textstat

    problems = []
    for name, text in texts:
        grade = reading_grade(text)
        if grade > max_grade:
            problems.append(
                Problem(
                    path,
                    name,
                    f"reads at grade {grade:.1f} (Flesch-Kincaid), above {max_grade:.0f} for a "
                    f"9-year-old: use shorter words and sentences ({text!r})",
                )
            )
        for sentence in sentences(text):
            words = textstat.lexicon_count(scored_text(sentence))
            if words > max_sentence_words:
                problems.append(
                    Problem(
                        path,
                        name,
                        f"has a sentence of {words} words (most {max_sentence_words}): "
                        f"split it in two ({sentence!r})",
                    )
                )
    return problems


# --- the steps for each app (data/app_steps.yml) ---------------------------------------------------

APP_TOPICS = ("private", "block", "report", "strangers", "age")
SOURCE_READ = ("stored copy", "not found here")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def app_step_texts(steps: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(apps.<app>.<topic>.<full|simple>, text) for every message of every answer."""
    entries = [(f"apps.{key}", app) for key, app in sorted((steps.get("apps") or {}).items())]
    entries.append(("general", steps.get("general") or {}))
    for prefix, entry in entries:
        for topic, answer in sorted((entry.get("answers") or {}).items()):
            for version in ("full", "simple"):
                for number, text in enumerate((answer or {}).get(version) or []):
                    yield f"{prefix}.{topic}.{version}[{number}]", str(text)


def app_steps_problems(steps: dict[str, Any], path: str) -> tuple[list[Problem], list[Link]]:
    """Each app has all five answers, each answer full and simple steps and a source, each source
    a title, a link and the date it was checked; and the links, to check with the others."""
    problems, links = [], []
    if not steps:
        return problems, links  # a project with no app steps (the bot then gives only general steps)
    entries = [(f"apps.{key}", app, True) for key, app in sorted((steps.get("apps") or {}).items())]
    entries.append(("general", steps.get("general") or {}, False))
    for prefix, entry, needs_sources in entries:
        if needs_sources and not entry.get("name"):
            problems.append(Problem(path, prefix, "has no `name`: add the app's name as children see it"))
        sources = entry.get("sources") or {}
        for source_id, source in sorted(sources.items()):
            item = f"{prefix}.sources.{source_id}"
            source = source or {}
            for field in ("title", "url"):
                if not str(source.get(field) or "").strip():
                    problems.append(
                        Problem(path, item, f"has no `{field}`: name the help page it was written from")
                    )
            if not ISO_DATE.match(str(source.get("checked") or "")):
                problems.append(
                    Problem(path, item, "has no `checked` date (YYYY-MM-DD): say when the page was read")
                )
            if source.get("read") not in SOURCE_READ:
                problems.append(Problem(path, item, f"`read` must be one of {', '.join(SOURCE_READ)}"))
            links += [Link(url, path, item) for url in links_in(str(source.get("url") or ""))]
        answers = entry.get("answers") or {}
        for topic in APP_TOPICS:
            answer = answers.get(topic)
            if not answer:
                problems.append(
                    Problem(
                        path,
                        prefix,
                        f"has no `{topic}` answer: every app needs all of {', '.join(APP_TOPICS)}",
                    )
                )
                continue
            for version in ("full", "simple"):
                if not answer.get(version):
                    problems.append(Problem(path, f"{prefix}.{topic}", f"has no `{version}` steps"))
            if needs_sources and answer.get("source") not in sources:
                problems.append(
                    Problem(
                        path,
                        f"{prefix}.{topic}",
                        "names no source from the app's `sources`: say which help page it came from",
                    )
                )
    return problems, links


def apps_not_in_nlu(steps: dict[str, Any], root: Path, path: str) -> list[Problem]:
    """Every app with steps is an `app` name the NLU can give, and every name it gives has steps."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(root / "data" / "nlu"))
    named = set(data.entity_synonyms.values())
    for table in data.lookup_tables:
        if table.get("name") == "app":
            named |= {str(element).lower() for element in table.get("elements") or []} & set(
                steps.get("apps") or {}
            )
    apps = set(steps.get("apps") or {})
    problems = [
        Problem(
            path,
            f"apps.{key}",
            "is no `app` synonym in data/nlu/apps.yml: add one, or children cannot name it",
        )
        for key in sorted(apps - named)
    ]
    synonyms_of_apps = {value for name, value in data.entity_synonyms.items()}
    problems += [
        Problem("data/nlu/apps.yml", value, "is an `app` synonym with no steps in data/app_steps.yml")
        for value in sorted(synonyms_of_apps - apps)
    ]
    return problems


# --- links -----------------------------------------------------------------------------------------


def links_in(text: str) -> list[str]:
    return [match.rstrip(TRAILING_PUNCTUATION) for match in LINK_LIKE.findall(text)]


def response_links(domain: dict[str, Any], path: str) -> list[Link]:
    """Links in response texts, buttons (payload or url) and images."""
    found = []
    for name, variants in sorted((domain.get("responses") or {}).items()):
        for variant in variants or []:
            variant = variant or {}
            places = [variant.get("text"), variant.get("image")]
            for button in variant.get("buttons") or []:
                places += [button.get("payload"), button.get("url")]
            for place in places:
                if isinstance(place, str):
                    found += [Link(url, path, name) for url in links_in(place)]
    return found


def markdown_links(text: str) -> tuple[list[str], list[str]]:
    """(absolute links, relative link targets) in Markdown prose; code blocks and spans are skipped."""
    prose = INLINE_CODE.sub(" ", CODE.sub(" ", text))
    targets = MARKDOWN_LINK.findall(prose)
    absolute = [target for target in targets if LINK_LIKE.match(target) or ":" in target.split("/")[0]]
    relative_targets = [target for target in targets if target not in absolute and not target.startswith("#")]
    bare = links_in(MARKDOWN_LINK.sub(" ", prose))
    return [target.rstrip(TRAILING_PUNCTUATION) for target in absolute] + bare, relative_targets


def link_problem(url: str) -> str | None:
    """What is wrong with a link, or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not url.lower().startswith(f"{parts.scheme}://"):
        return "is not a well-formed link: write it as https://host/path"
    host = parts.hostname or ""
    if not HOST.match(host) or " " in url:
        return "is not a well-formed link: the part after https:// must be a host name like www.example.org"
    if parts.scheme == "http" and host not in LOOPBACK:
        return "uses http://: use https:// (check the site answers on https://)"
    return None


def broken_links(links: Iterable[Link]) -> list[Problem]:
    return [
        Problem(link.path, link.item, f"link {link.url} {problem}")
        for link in links
        if (problem := link_problem(link.url))
    ]


def doc_links(root: Path, docs: Iterable[str] = DOCS) -> tuple[list[Link], list[Problem]]:
    """External links in the Markdown docs, and problems with their relative links."""
    links: list[Link] = []
    problems: list[Problem] = []
    for name in docs:
        path = root / name
        if not path.exists():
            continue
        absolute, relative_targets = markdown_links(path.read_text(encoding="utf-8"))
        links += [Link(url, name, "link") for url in absolute]
        for target in relative_targets:
            file_part = target.split("#")[0].split("?")[0]
            if not (path.parent / file_part).exists():
                problems.append(
                    Problem(
                        name, f"link {target}", f"points at {file_part}, which does not exist: fix the path"
                    )
                )
    return links, problems


def unreachable_links(links: Iterable[Link], timeout: float = ONLINE_TIMEOUT_SECONDS) -> list[Problem]:
    """`--online`: each external link answers with a status below 400 (HEAD, then GET if HEAD fails)."""
    import requests

    problems = []
    checked: dict[str, str | None] = {}
    for link in links:
        host = urlsplit(link.url).hostname
        if host in LOOPBACK or link_problem(link.url):
            continue
        if link.url not in checked:
            checked[link.url] = fetch_problem(requests, link.url, timeout)
        if checked[link.url]:
            problems.append(Problem(link.path, link.item, f"link {link.url} {checked[link.url]}"))
    return problems


def fetch_problem(requests: Any, url: str, timeout: float) -> str | None:
    headers = {"User-Agent": "stay-safe-bot link check"}
    try:
        answer = requests.head(url, timeout=timeout, allow_redirects=True, headers=headers)
        if answer.status_code >= 400:
            answer = requests.get(url, timeout=timeout, allow_redirects=True, headers=headers, stream=True)
    except requests.RequestException as error:
        return f"could not be fetched ({type(error).__name__}): check it in a browser and fix or replace it"
    if answer.status_code >= 400:
        return f"answers HTTP {answer.status_code}: check it in a browser and fix or replace it"
    return None


# --- all of it -------------------------------------------------------------------------------------


def check(root: Path = ROOT, online: bool = False) -> tuple[list[Problem], str]:
    """Every problem in the project at `root`, and a one-line summary of what was checked."""
    domain_path = root / "domain.yml"
    domain_name = relative(domain_path, root)
    domain = read_yaml(domain_path)
    examples = load_examples(root)
    intents = domain_intents(domain)
    links = response_links(domain, domain_name)
    more_links, problems = doc_links(root)
    links += more_links

    problems += too_few_examples(examples)
    problems += examples_in_two_intents(examples)
    problems += responses_without_text(domain, domain_name)
    problems += unanswered_intents(intents, answered_intents(root), domain_name)
    problems += too_hard_to_read(domain, domain_name)
    steps_path = root / "data" / "app_steps.yml"
    steps_name = relative(steps_path, root)
    steps = read_yaml(steps_path) if steps_path.exists() else {}
    step_problems, step_links = app_steps_problems(steps, steps_name)
    problems += step_problems + texts_too_hard(app_step_texts(steps), steps_name)
    problems += apps_not_in_nlu(steps, root, steps_name)
    links += step_links
    problems += broken_links(links)
    if online:
        problems += unreachable_links(links)
    summary = (
        f"{len(intents)} intents, {len(examples)} examples, {len(domain.get('responses') or {})} responses "
        f"and {len(list(app_step_texts(steps)))} app steps for {len(steps.get('apps') or {})} apps "
        f"(reading level at most grade {MAX_GRADE:.0f}), {len(links)} links"
        + (" (fetched)" if online else " (not fetched: add --online)")
    )
    return problems, summary


def main(argv: list[str] | None = None, root: Path = ROOT) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--online", action="store_true", help="also fetch every external link")
    arguments = parser.parse_args(argv)
    problems, summary = check(root, online=arguments.online)
    for problem in problems:
        print(problem)
    if problems:
        print(
            f"\n{len(problems)} problem(s) in the training data and docs. Fix them, then run make check-data."
        )
        return 1
    print(f"Data checks passed: {summary}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
