"""How fast the assistant reads a message, and how much memory it takes: `make benchmark-bot`.

Loads the trained model as the Rasa server does, then times the NLU over every message of the
first evaluation set (both classifiers, the safeguarding check, the phrase and hesitation
detectors) and over awkward input (very long, emoji, markup, control characters). Prints the
model's load time, the latency per message (median, 95th percentile, slowest) and the process's
peak memory. The detectors alone are timed too, since they run on every message.

    python -m scripts.benchmark_bot [models/stay-safe.tar.gz]
"""

from __future__ import annotations

import asyncio
import logging
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from safeguarding.evaluation import load_eval_set  # noqa: E402

AWKWARD = [
    "",
    "a" * 10_000,
    "help " * 2_000,
    "😭😭😭 hes outside 😱",
    "<script>alert('hi')</script> is this safe",
    "he said \x00\x07 delete our chats\u202e",
    "il me demande des photos",
    "ÿ" * 500,
]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def line(name: str, millis: list[float]) -> str:
    return (
        f"{name:<34} {len(millis):>5} messages  median {statistics.median(millis):7.1f} ms  "
        f"p95 {percentile(millis, 0.95):7.1f} ms  slowest {max(millis):7.1f} ms"
    )


async def main(model: Path) -> None:
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    started = time.perf_counter()
    agent = Agent.load(str(model))
    loaded = time.perf_counter() - started

    messages = [text for text, _level in load_eval_set()]
    await agent.parse_message("warm up")

    async def parse_all(texts: list[str]) -> list[float]:
        millis = []
        for text in texts:
            begin = time.perf_counter()
            await agent.parse_message(text)
            millis.append((time.perf_counter() - begin) * 1000)
        return millis

    children = await parse_all(messages)
    awkward = await parse_all(AWKWARD)

    import spacy

    from safeguarding.hesitation import HesitationDetector
    from safeguarding.phrases import PhraseDetector
    from scripts.build_spacy_model import DEFAULT_TARGET

    nlp = spacy.load(DEFAULT_TARGET)
    phrases, hesitation = PhraseDetector(nlp.vocab), HesitationDetector(nlp.vocab)
    docs = [nlp(text.lower()) for text in messages]
    detectors = []
    for doc in docs:
        begin = time.perf_counter()
        phrases.detect(doc)
        hesitation.detect(doc)
        detectors.append((time.perf_counter() - begin) * 1000)

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"model {model} loaded in {loaded:.1f} s")
    print(line("NLU, first evaluation set", children))
    print(line("NLU, awkward input", awkward))
    slowest = AWKWARD[awkward.index(max(awkward))]
    print(f"  slowest awkward input: {len(slowest):,} characters starting {slowest[:12]!r}")
    print(line("phrase + hesitation detectors", detectors))
    print(f"peak memory of this process (model loaded): {peak_mb:.0f} MB")


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "models" / "stay-safe.tar.gz"))
