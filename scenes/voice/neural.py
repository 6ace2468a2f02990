"""What the two neural voices (scenes/voice/hibari.py, scenes/voice/piper.py) share: the
verified model a build hands to its scenes, a synthesised block with its word times, and
the alignment that maps the phonemes the model timed back onto the written words.

Both engines predict how long each phoneme lasts and generate the audio from exactly those
durations, so each phoneme's start and length in the audio are the model's own. To find
which phonemes belong to which word, each word is phonemised on its own and the sentence's
phonemes are aligned to those by edit distance: a phonemiser joins some short words ("in
the") and reduces others in context, so the groups in the sentence cannot simply be counted.

Nothing here imports an engine: planning a build reads a model's record without loading it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np

__all__ = ["Synthesis", "VoiceModel", "VoiceUnavailable", "align_words", "fill_gaps",
           "installed", "sha256_of", "verified", "word_times"]

# Characters of a phoneme string that are not sounds: stress, length, word and clause marks,
# sentence start/end and padding.
_NOT_SOUNDS = set("ˈˌːˑ ,.;:!?'\"()-—–^$_“”…→↓↗↘\u0329\u032f")


class VoiceUnavailable(Exception):
    """A neural voice cannot be used here; the message says why, in a few words."""


@dataclass(frozen=True)
class VoiceModel:
    """A neural voice's verified model file and where it came from."""

    engine: str  # the engine's package, e.g. "hibari-tts"
    engine_version: str
    voice: str  # the voice's name, e.g. "heart"
    path: Path
    sha256: str
    licence: str  # of the weights
    lineage: str  # what the weights were trained or distilled from
    package: str = ""  # the package the model file came in, with its version, when not the engine's
    config: Path | None = None  # piper's voice settings
    speed: float = 1.0  # the pace asked of the model (hibari)
    seed: int = 0  # the noise seed (hibari): the same text gives the same samples

    @property
    def signature(self) -> str:
        """What the audio depends on: part of every scene's cache key and of the manifest."""
        package = f":{self.package}" if self.package else ""
        return (f"{self.engine}=={self.engine_version}{package}:{self.voice}:"
                f"sha256={self.sha256}:speed={self.speed:g}:seed={self.seed}")

    def to_dict(self) -> dict:
        return {name: (str(value) if isinstance(value, Path) else value)
                for name, value in self.__dict__.items()}

    @classmethod
    def from_dict(cls, fields: dict) -> VoiceModel:
        config = fields.get("config")
        return cls(**{**fields, "path": Path(fields["path"]),
                      "config": Path(config) if config else None})


def installed(package: str) -> str:
    """The installed version of ``package``; :class:`VoiceUnavailable` when it is not."""
    try:
        return version(package)
    except PackageNotFoundError:
        raise VoiceUnavailable(f"{package} is not installed") from None


def sha256_of(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def verified(path: Path, expected: str) -> str:
    """``path``'s sha256 if it is ``expected``; :class:`VoiceUnavailable` otherwise."""
    if not path.is_file():
        raise VoiceUnavailable(f"{path} is missing")
    digest = sha256_of(path)
    if digest != expected:
        raise VoiceUnavailable(f"{path.name} has sha256 {digest[:12]}..., expected "
                               f"{expected[:12]}...")
    return digest


@dataclass
class Synthesis:
    """One narration block: mono float audio, and each written word's (start, end) in s."""

    audio: np.ndarray
    rate: int
    word_times: list[tuple[float, float]]

    @property
    def duration(self) -> float:
        return len(self.audio) / self.rate


def _sounds(phonemes) -> list[int]:
    """Indices of the phonemes that are sounds (not stress or punctuation marks)."""
    return [i for i, p in enumerate(phonemes) if p and not set(p) <= _NOT_SOUNDS]


def align_words(words: list[list[str]], stream: list[str]) -> list[tuple[int, int] | None]:
    """For each word (its phonemes said alone), the first and last index in ``stream`` (the
    phonemes as said in the sentence) that belongs to it, by a minimum edit-distance
    alignment of the two phoneme sequences; None for a word with no phoneme matched."""
    ref, owner = [], []
    for w, phonemes in enumerate(words):
        for i in _sounds(phonemes):
            ref.append(phonemes[i])
            owner.append(w)
    positions = _sounds(stream)
    hyp = [stream[j] for j in positions]
    n, m = len(ref), len(hyp)
    # cost[i][j]: edits to turn ref[:i] into hyp[:j]
    cost = [list(range(m + 1))]
    for i in range(1, n + 1):
        prev, r, row = cost[-1], ref[i - 1], [i]
        for j in range(1, m + 1):
            row.append(min(prev[j - 1] + (r != hyp[j - 1]), prev[j] + 1, row[j - 1] + 1))
        cost.append(row)
    spans: list[list[int]] = [[] for _ in words]
    i, j = n, m
    while i > 0 and j > 0:
        if cost[i][j] == cost[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]):
            spans[owner[i - 1]].append(positions[j - 1])
            i, j = i - 1, j - 1
        elif cost[i][j] == cost[i - 1][j] + 1:
            i -= 1
        else:
            j -= 1
    return [(min(s), max(s)) if s else None for s in spans]


def word_times(spoken, phonemise, stream: list[str], starts: list[int], lengths: list[int],
               rate: int, duration: float) -> list[tuple[float, float]]:
    """Each written word's (start, end) in seconds: ``stream`` is the block's phonemes as the
    model timed them, ``starts`` and ``lengths`` each phoneme's samples; ``phonemise`` says
    one spoken word alone, as a list of phonemes."""
    tokens, owners = [], []
    for w, (_, _, a, b) in enumerate(spoken.words):
        for token in spoken.text[a:b].split():
            tokens.append(phonemise(token))
            owners.append(w)
    spans = align_words(tokens, stream)
    times: list[list[float] | None] = [None] * len(spoken.words)
    for owner, span in zip(owners, spans, strict=True):
        if span is None:
            continue
        start = starts[span[0]] / rate
        end = (starts[span[1]] + lengths[span[1]]) / rate
        if times[owner] is None:
            times[owner] = [start, end]
        else:
            times[owner][1] = max(times[owner][1], end)
    return fill_gaps(times, duration)


def fill_gaps(times: list, duration: float) -> list[tuple[float, float]]:
    """A word with no phonemes of its own (a dash, say) sits where the previous one ended."""
    filled, last = [], 0.0
    for t in times:
        if t is None:
            t = [last, last]
        last = max(last, t[1])
        filled.append((min(t[0], duration), min(t[1], duration)))
    return filled
