"""`make try-phrases`: the phrase rules run over the training data and the development set.

The classifier is trained on `data/nlu`, but the phrase rules in `safeguarding/phrases.py` are
written by hand, so the training examples are a fair place to try them. So is the development
set (`tests/safeguarding/dev_set.yml`), written for tuning the rules on; the evaluation sets are
not: reading their misses would make them less honest. Prints, per level, how many disclosure
examples the rules catch at their level or more urgently, and the harmless examples they would
send down the 999 route. `--misses LEVEL` also lists the examples of that level the rules miss.

    python -m scripts.try_phrase_rules
    python -m scripts.try_phrase_rules --misses immediate_danger
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from safeguarding.evaluation import DEV_SET, load_eval_set  # noqa: E402
from safeguarding.levels import INTENT_FOR_LEVEL, RiskLevel, level_of_intent  # noqa: E402
from safeguarding.phrases import PhraseMatch  # noqa: E402
from scripts.check_data import Example, load_examples  # noqa: E402


@dataclass
class Trial:
    total: Counter[RiskLevel] = field(default_factory=Counter)
    caught: Counter[RiskLevel] = field(default_factory=Counter)
    misses: list[tuple[Example, PhraseMatch]] = field(default_factory=list)
    danger_false_alarms: list[tuple[Example, PhraseMatch]] = field(default_factory=list)


def trial(examples: Iterable[Example], detect: Callable[[str], PhraseMatch]) -> Trial:
    result = Trial()
    for example in examples:
        truth = level_of_intent(example.intent)
        match = detect(example.text)
        result.total[truth] += 1
        if truth is RiskLevel.NONE:
            if match.level is RiskLevel.IMMEDIATE_DANGER:
                result.danger_false_alarms.append((example, match))
        elif match.level >= truth:
            result.caught[truth] += 1
        else:
            result.misses.append((example, match))
    return result


def report(result: Trial, show_misses: RiskLevel | None = None) -> str:
    lines = ["level                 examples  caught by the phrase rules"]
    for level in sorted((lvl for lvl in result.total if lvl is not RiskLevel.NONE), reverse=True):
        lines.append(
            f"{level.label:<21} {result.total[level]:>8}  "
            f"{result.caught[level]:>5} ({result.caught[level] / result.total[level]:.1%})"
        )
    benign = result.total[RiskLevel.NONE]
    lines.append(
        f"not a disclosure      {benign:>8}  {len(result.danger_false_alarms)} sent to the 999 route "
        f"({len(result.danger_false_alarms) / max(benign, 1):.1%})"
    )
    lines += [
        f"  999 ROUTE {example.path} {example.intent}: {example.text}  {list(match.rules)}"
        for example, match in result.danger_false_alarms
    ]
    lines += [
        f"  MISSED {example.path} {example.intent} (got {match.level.label}): {example.text}"
        for example, match in result.misses
        if level_of_intent(example.intent) is show_misses
    ]
    return "\n".join(lines)


def dev_set_examples() -> list[Example]:
    """The development set as examples: each message under its level's disclosure intent."""
    return [
        Example(INTENT_FOR_LEVEL.get(level, "none"), text, str(DEV_SET.relative_to(ROOT)))
        for text, level in load_eval_set(DEV_SET)
    ]


def phrase_detector() -> Callable[[str], PhraseMatch]:
    import spacy

    from safeguarding.phrases import PhraseDetector
    from scripts.build_spacy_model import DEFAULT_TARGET, build

    if not DEFAULT_TARGET.exists():
        build()
    nlp = spacy.load(DEFAULT_TARGET)
    detector = PhraseDetector(nlp.vocab)
    # Rasa's SpacyNLP lower-cases the text first (case_sensitive: false), so the rules do here too.
    return lambda text: detector.detect(nlp(text.lower()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--misses",
        choices=[level.label for level in RiskLevel if level is not RiskLevel.NONE],
        help="also list the examples of this level that the rules miss",
    )
    args = parser.parse_args(argv)
    show = RiskLevel.from_label(args.misses) if args.misses else None
    detect = phrase_detector()
    print("Training data (data/nlu)")
    print(report(trial(load_examples(ROOT), detect), show))
    print(f"\nDevelopment set ({DEV_SET.relative_to(ROOT)}, tuned on)")
    print(report(trial(dev_set_examples(), detect), show))
    return 0


if __name__ == "__main__":
    sys.exit(main())
