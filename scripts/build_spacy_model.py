"""Build the small spaCy pipeline the NLU uses: blank English with a lookup lemmatizer.

spaCy's pretrained English pipelines cannot be downloaded on our machines, so we build one
from spaCy's own tokenizer and the lemma tables in spacy-lookups-data, and save it where
config.yml points. Lemmas let "pics", "pictures" and "picture" count as one word.
"""

from __future__ import annotations

import sys
from pathlib import Path

import spacy

DEFAULT_TARGET = Path(__file__).resolve().parent.parent / "build" / "spacy-en-lemmas"


def build(target: Path = DEFAULT_TARGET) -> Path:
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    target.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(target)
    return target


if __name__ == "__main__":
    print(f"built {build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_TARGET)}")
