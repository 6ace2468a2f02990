"""The default narration voice: hibari's "heart" (``hibari-tts``, Apache-2.0), a 7.9 MB int8
ONNX model run by ONNX Runtime on one CPU thread, fully offline, each word timed by the model.

``hibari-tts`` is pinned (pyproject.toml) and carries this voice inside its wheel: the model,
misaki's lexicons and its own grapheme-to-phoneme code, no espeak. Its NOTICE says the model
was distilled from Kokoro-82M (voice af_heart, Apache-2.0) on audio Kokoro synthesised. Its
other voices download from the network on first use; this module never names them, and loads
the model from the path it verified (sha256), so nothing is fetched.

Word timing. The model predicts each phoneme's duration (a Round -> Clip -> CumSum chain
ahead of its length regulator) and generates its frames (300 samples at 24 kHz) from exactly
those. :func:`duration_graph` marks the Clip's output as an extra graph output, in memory
(the file is untouched), as piper's ``add_alignment_output`` does for piper; one duration
unit is a whole number of frames (two, for "heart"), checked on every sentence.
:func:`scenes.voice.neural.word_times` maps the timed phonemes onto the written words.

Determinism. The audio's noise component comes from a numpy generator seeded per block
(:data:`SEED`), and the model runs on one thread, so the same text gives the same samples
on any number of cores, and two builds of a scene give the same narration track.

Nothing here imports hibari or ONNX Runtime at import time: planning a build reads
:func:`locate_model` without loading the engine.
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

import numpy as np

from .lexicon import Spoken
from .neural import Synthesis, VoiceModel, VoiceUnavailable, installed, verified, word_times

__all__ = ["CREDIT", "DURATIONS", "ENGINE", "MODEL_SHA256", "SEED", "SPEED", "VOICE",
           "HibariEngine", "duration_graph", "locate_model"]

ENGINE = "hibari-tts"
VOICE = "heart"
# sha256 of hibari/assets/hibari.onnx in hibari-tts 0.2.1: the value its own registry
# (assets/voices.json, "heart") gives, 7,936,868 bytes.
MODEL_SHA256 = "5f70741d4e900f4e85d0037498736cc1b3e1b9a63a13546a5da1e63abf4fccd8"
LICENCE = "Apache-2.0 (hibari-tts: code, model and lexicons)"
LINEAGE = ("distilled from Kokoro-82M (hexgrad, Apache-2.0), voice af_heart, on audio "
           "Kokoro synthesised; lexicons from misaki 0.9.4 (Apache-2.0)")
# hibari's pace. At 1.0 (its teacher's) the default narration is 867 s of speech, 146 words
# a minute, and the lecture 15.2 min at 1.1; at 1.2, 167 words a minute (piper's joe: 165)
SPEED = 1.2
SEED = 0
DURATIONS = "/Clip_output_0"  # the per-phoneme durations, before the cast to int64
CREDIT = 'Narrated by hibari\'s "heart" voice (Apache-2.0), distilled from Kokoro-82M.'


def locate_model() -> VoiceModel:
    """The installed, verified "heart" model; :class:`VoiceUnavailable` otherwise."""
    engine_version = installed(ENGINE)
    spec = importlib.util.find_spec("hibari")
    if spec is None or spec.origin is None:
        raise VoiceUnavailable(f"{ENGINE} is not importable")
    path = Path(spec.origin).parent / "assets" / "hibari.onnx"
    digest = verified(path, MODEL_SHA256)
    return VoiceModel(ENGINE, engine_version, VOICE, path, digest, LICENCE, LINEAGE,
                      speed=SPEED, seed=SEED)


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _read_varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[at]
        value, at, shift = value | (byte & 0x7F) << shift, at + 1, shift + 7
        if not byte & 0x80:
            return value, at


def _field(number: int, payload: bytes) -> bytes:
    """A length-delimited protobuf field."""
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def duration_graph(model: bytes) -> bytes:
    """The ONNX model ``model`` with its phoneme durations as a seventh output.

    An ONNX file is a protobuf ``ModelProto`` whose field 7 is the graph; a graph's outputs
    are its repeated field 12 of ``ValueInfoProto`` (name, then a 1-D float tensor type), and a
    repeated field may be appended anywhere in its message. So the output is added by
    rewriting only the graph field's length, without the ``onnx`` package (whose import
    alone costs 1.4 CPU-s, paid in every scene process). tests/test_voice.py checks the
    result with ``onnx`` itself."""
    if DURATIONS.encode() not in model:
        raise VoiceUnavailable(f"the model has no {DURATIONS} tensor to time the words by")
    # TypeProto.tensor_type { elem_type: FLOAT, shape { dim { dim_param: "L" } } }: one
    # duration per phoneme id
    float_tensor = _field(1, b"\x08\x01" + _field(2, _field(1, _field(2, b"L"))))
    output = _field(12, _field(1, DURATIONS.encode()) + _field(2, float_tensor))
    at = 0
    while at < len(model):
        start = at
        tag, at = _read_varint(model, at)
        number, kind = tag >> 3, tag & 7
        if kind == 0:
            _, at = _read_varint(model, at)
        elif kind == 1 or kind == 5:
            at += 8 if kind == 1 else 4
        elif kind == 2:
            length, body = _read_varint(model, at)
            at = body + length
            if number == 7:  # the graph
                graph = model[body:at] + output
                return model[:start] + _field(7, graph) + model[at:]
        else:
            break
    raise VoiceUnavailable("the model file holds no graph")


class HibariEngine:
    """The loaded voice (about 1 CPU-s: the model and the lexicons); one serves a scene."""

    def __init__(self, model: VoiceModel):
        from hibari import SAMPLE_RATE, Hibari, dsp

        data = model.path.read_bytes()
        if hashlib.sha256(data).hexdigest() != model.sha256:  # the file read is the one verified
            raise VoiceUnavailable(f"{model.path.name} changed since it was verified")
        # one thread, as hibari's default: the samples do not depend on the machine's cores
        self.tts = Hibari(voice=VOICE, model=duration_graph(data), threads=1)
        self.model, self.rate, self._synth = model, SAMPLE_RATE, dsp.synth
        self._hop = dsp.HOP
        self.tts.g2p  # noqa: B018 - its lexicons load now (0.5 s), as part of the engine

    def phonemes(self, text: str) -> list[str]:
        """The phonemes the model receives for ``text`` (its alphabet has one character each)."""
        vocab = self.tts.vocab
        return [c for sentence in self.tts.phonemize(text) for c in sentence if c in vocab]

    def timed(self, text: str) -> tuple[np.ndarray, list[str], list[int], list[int]]:
        """The audio of ``text``, and the phonemes the model timed, each with its first sample
        and its number of samples (they tile the audio exactly)."""
        rng = np.random.default_rng(self.model.seed)
        speed = np.asarray([self.model.speed], np.float32)
        audio, stream, starts, lengths, offset = [], [], [], [], 0
        for sentence in self.tts.phonemize(text):
            ids = self.tts.ids(sentence)
            if len(ids) < 3:
                continue
            *spectra, units = self.tts.sess.run(
                None, {"ids": np.asarray([ids], np.int64), "speed": speed})
            spectra, units = [o[0] for o in spectra], units.astype(np.int64)  # one per id
            frames, total = spectra[0].shape[1], int(units.sum())
            if total <= 0 or frames % total:
                raise VoiceUnavailable(f"the model's durations ({total}) do not divide its "
                                       f"{frames} frames")
            per_unit = frames // total * self._hop  # samples per duration unit
            samples = self._synth(*spectra, rng)
            if len(samples) != total * per_unit:
                raise VoiceUnavailable(f"the model's durations give {total * per_unit} "
                                       f"samples, its audio {len(samples)}")
            # ids: a pad, the sentence's phonemes in the vocabulary, a pad
            stream += ["^", *(c for c in sentence if c in self.tts.vocab), "$"]
            at = offset + np.concatenate([[0], np.cumsum(units[:-1])]) * per_unit
            starts += at.tolist()
            lengths += (units * per_unit).tolist()
            audio.append(samples)
            offset += len(samples)
        samples = np.concatenate(audio) if audio else np.zeros(0, np.float32)
        return samples, stream, starts, lengths

    def synthesize(self, spoken: Spoken) -> Synthesis:
        """Speak ``spoken.text``; time each written word from the model's phoneme durations."""
        samples, stream, starts, lengths = self.timed(spoken.text)
        return Synthesis(samples, self.rate, word_times(
            spoken, self.phonemes, stream, starts, lengths, self.rate, len(samples) / self.rate))
