"""How fast the review app's list pages are over many conversations: `make benchmark`.

Loads N synthetic conversations into a fresh tracker store (Rasa creates the table; the rows are the
ones SQLTrackerStore.save writes, inserted in bulk), then times the first summary build, an
incremental refresh, and the list pages through the Flask app as a signed-in counsellor.

    python -m scripts.benchmark_review [--conversations 5000] [--url postgresql://...]
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from review.accounts import add_counsellor
from review.app import create_app
from review.config import ReviewConfig
from review.schema import events
from review.store import ReviewStore
from review.synthetic import Said, conversation, event_rows, save_with_rasa
from safeguarding.levels import RiskLevel

PASSWORD = "benchmark password"
PAGES = {
    "first page": "/",
    "flagged, unreviewed": "/?level=flagged&status=unreviewed",
    "one level": "/?level=bullying",
    "page 50": "/?page=50",
    "JSON API": "/api/conversations?page=20",
}


def synthetic_conversations(count: int, seed: int = 7) -> list:
    chooser = random.Random(seed)
    levels = [level.label for level in RiskLevel]
    weights = [70, 8, 8, 6, 4, 4]  # most conversations are questions, a few are disclosures
    start = time.time() - 60 * 86400
    trackers = []
    for number in range(count):
        messages = [Said("hi"), Said("how do i make my account private")]
        level = chooser.choices(levels, weights)[0]
        if level != "none":
            messages.append(Said(f"something worrying happened {number}", level))
        trackers.append(conversation(f"bench-{number:06d}", messages, start + number * 60))
    return trackers


def load(url: str, count: int) -> None:
    save_with_rasa(url, [])  # Rasa's tracker store creates its `events` table
    engine = sa.create_engine(url)
    rows = [row for tracker in synthetic_conversations(count) for row in event_rows(tracker)]
    with engine.begin() as connection:
        for start in range(0, len(rows), 5000):
            connection.execute(sa.insert(events), rows[start : start + 5000])
    engine.dispose()
    print(f"loaded {count} conversations ({len(rows)} events)")


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, default=5000)
    parser.add_argument("--url", help="an empty database's SQLAlchemy URL (default: a temporary SQLite file)")
    parser.add_argument("--repeat", type=int, default=20)
    arguments = parser.parse_args()
    url = arguments.url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'tracker.db'}"
    load(url, arguments.conversations)

    store = ReviewStore(url)
    print(f"first summary build: {timed(store.refresh):.0f} ms")
    save_with_rasa(url, [conversation("bench-new", [Said("he is outside", "immediate_danger")], time.time())])
    print(f"incremental refresh after one new conversation: {timed(store.refresh):.1f} ms")

    add_counsellor(store, "benchmark", PASSWORD)
    app = create_app(ReviewConfig(tracker_store_url=url, secret_key="benchmark"), store)
    client = app.test_client()
    token = re.search(
        r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)
    ).group(1)
    client.post("/login", data={"csrf_token": token, "username": "benchmark", "password": PASSWORD})
    print(f"list page latency over {arguments.conversations} conversations, median of {arguments.repeat}:")
    for name, path in PAGES.items():
        times = []
        for _ in range(arguments.repeat):
            times.append(
                timed(lambda path=path: client.get(path).status_code == 200 or exit(f"{path} failed"))
            )
        print(f"  {name:22} {statistics.median(times):6.1f} ms  (max {max(times):.1f} ms)")
    store.dispose()


if __name__ == "__main__":
    main()
