"""Random valid bundles at the edges of the contract, for the property tests (issue 15):
every bundle ``lecture check`` accepts must script and draw every act.

Each starts from a synthetic bundle (tests/support/synthetic.py: outcomes, gradient norms
from exact zeros to the contract's limits, sentence lengths) and redraws what a user's own
bundle may hold that ours never does: vocabularies of other words (up to the longest the
contract allows, the widest letters, markup and LaTeX in them, non-Latin scripts) and probe
sentences of one repeated word. Seeded: ``random_bundle(i)`` is the same for the same ``i``.
"""

from __future__ import annotations

import copy
import string
from pathlib import Path

import numpy as np

from bundle import Bundle, write_bundle
from bundle.reader import MAX_WORD_LENGTH
from tests.support.synthetic import _draw, _template

# words a bundle may carry that must stay inert text: markup, bookmarks, LaTeX, entities
HOSTILE = ("<b>dark</b>", "<bookmark mark='x'/>", "<span>rain</span>", r"{\i1}rain",
           r"\input{/etc/passwd}"[:MAX_WORD_LENGTH], "$x^2$", "&amp;", "%s {0}", "a_b^c~#")
DRAWN = (4, 9)  # the ones every act is also drawn from (a dry run each: tests/test_acts.py)
LETTERS = string.ascii_letters + string.digits + "-'éßøñüçå漢字かなДжЩ"


def _word(rng, used: set[str]) -> str:
    """One printable word of 1 to MAX_WORD_LENGTH characters, new to ``used``."""
    while True:
        kind = rng.integers(5)
        length = int(rng.integers(1, MAX_WORD_LENGTH + 1))
        if kind == 0:  # the longest and widest the contract allows
            word = "W" * (MAX_WORD_LENGTH - 2) + f"{len(used):02d}"
        elif kind == 1:
            word = str(rng.choice(HOSTILE))
        else:
            word = "".join(rng.choice(list(LETTERS), size=length))
        if word not in used:
            used.add(word)
            return word


def _vocab(rng, vocab: dict) -> dict:
    """The template's vocabulary, or each list redrawn word by word (as many words)."""
    vocab = copy.deepcopy(vocab)
    for task in vocab:
        for field, words in vocab[task].items():
            if rng.random() < 0.7:
                used: set[str] = set()
                vocab[task][field] = [_word(rng, used) for _ in words]
    return vocab


def _draw_random(i: int) -> tuple[dict, dict[str, np.ndarray], dict]:
    rng = np.random.default_rng([15, i])
    config, arrays = _draw(i)
    vocab = _vocab(rng, _template().vocab)
    for key in [k for k in arrays if k.endswith("/probe/tokens")]:
        if rng.random() < 0.3:  # one word, over and over
            arrays[key] = np.full_like(arrays[key], int(arrays[key][0]))
    return config, arrays, vocab


def random_bundle(i: int) -> Bundle:
    """The ``i``-th random bundle, in memory."""
    config, arrays, vocab = _draw_random(i)
    manifest = {**copy.deepcopy(_template().manifest), "config": config, "vocab": vocab}
    return Bundle(Path(f"random-{i}"), manifest, arrays)


def write_random(i: int, root: Path) -> Path:
    """The ``i``-th random bundle, written through the bundle writer (so it is valid)."""
    config, arrays, vocab = _draw_random(i)
    template = _template()
    return write_bundle(root / f"random-{i}", arrays, config=config, vocab=vocab,
                        generator=template.manifest["generator"])


def words_of(bundle: Bundle) -> set[str]:
    """Every word of the bundle's vocabulary."""
    return {w for task in bundle.vocab.values() for words in task.values() for w in words}

