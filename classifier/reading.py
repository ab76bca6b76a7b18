"""Reads a message with the fine-tuned encoder: intent and risk probabilities, no PyTorch.

The Rasa server loads only this module: onnxruntime runs the exported network and `tokenizers`
splits the text, so the server starts fast and stays small. Training (classifier.fine_tuning)
uses the same `token_windows`, so both sides cut a message the same way.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnxruntime
from tokenizers import Tokenizer

from safeguarding.levels import RiskLevel

MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
LABELS_FILE = "labels.json"

# The encoder reads at most this many tokens at once (all-MiniLM-L6-v2 was trained on 128, and
# a message of 128 tokens is about 90 words). A longer message is read in windows that overlap
# by half, so a sentence cut at one window's edge is whole in the next.
WINDOW_TOKENS = 128
WINDOW_STRIDE = 64


def token_windows(
    ids: Sequence[int], cls_id: int, sep_id: int, size: int = WINDOW_TOKENS, stride: int = WINDOW_STRIDE
) -> list[list[int]]:
    """The message's word-piece ids (without special tokens) as overlapping windows, each framed by
    [CLS] and [SEP] as the encoder was trained to read them. The last window ends at the last token."""
    inner = size - 2
    if len(ids) <= inner:
        return [[cls_id, *ids, sep_id]]
    starts = list(range(0, len(ids) - inner, stride)) + [len(ids) - inner]
    return [[cls_id, *ids[start : start + inner], sep_id] for start in starts]


def padded(windows: Sequence[Sequence[int]], pad_id: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Token ids and attention mask for a batch of windows, padded to the longest."""
    length = max(len(window) for window in windows)
    ids = np.full((len(windows), length), pad_id, dtype=np.int64)
    mask = np.zeros((len(windows), length), dtype=np.int64)
    for row, window in enumerate(windows):
        ids[row, : len(window)] = window
        mask[row, : len(window)] = 1
    return ids, mask


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


@dataclass(frozen=True)
class Reading:
    """What the encoder made of one message."""

    intents: dict[str, float]  # every intent and its probability
    risk: dict[RiskLevel, float]  # every risk level and its probability
    windows: int  # how many windows the message was read in

    def intent_ranking(self, length: int) -> list[dict[str, float | str]]:
        ranked = sorted(self.intents.items(), key=lambda item: (-item[1], item[0]))
        return [{"name": name, "confidence": confidence} for name, confidence in ranked[:length]]


class MessageReader:
    """The exported encoder with its tokenizer and label names, loaded from one folder."""

    def __init__(self, folder: Path, threads: int = 1) -> None:
        self.tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        labels = json.loads((folder / LABELS_FILE).read_text())
        self.intents: list[str] = labels["intents"]
        self.levels: list[RiskLevel] = [RiskLevel.from_label(label) for label in labels["levels"]]
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(
            str(folder / MODEL_FILE), options, providers=["CPUExecutionProvider"]
        )
        self.cls_id = self.tokenizer.token_to_id("[CLS]")
        self.sep_id = self.tokenizer.token_to_id("[SEP]")

    def windows(self, text: str) -> list[list[int]]:
        ids = self.tokenizer.encode(text, add_special_tokens=False).ids
        return token_windows(ids, self.cls_id, self.sep_id)

    def read(self, text: str) -> Reading:
        """Reads every window at once. The riskiest window speaks for the message, so a disclosure
        at the end of a long letter is not outvoted by the harmless paragraphs before it; when no
        window shows risk, the window most sure of its intent does."""
        windows = self.windows(text)
        ids, mask = padded(windows)
        intent_logits, risk_logits = self.session.run(None, {"input_ids": ids, "attention_mask": mask})
        intents, risks = softmax(intent_logits), softmax(risk_logits)
        none = self.levels.index(RiskLevel.NONE)
        riskiest = int(np.argmin(risks[:, none]))
        shows_risk = int(np.argmax(risks[riskiest])) != none
        chosen = riskiest if shows_risk else int(np.argmax(intents.max(axis=1)))
        return Reading(
            intents={name: float(p) for name, p in zip(self.intents, intents[chosen], strict=True)},
            risk={level: float(p) for level, p in zip(self.levels, risks[riskiest], strict=True)},
            windows=len(windows),
        )
