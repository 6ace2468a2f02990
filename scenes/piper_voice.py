"""The piper voice as a manim-voiceover speech service, and the choice of voice with its
fallback: when piper or its model is missing, or the model's sha256 differs, the narration
falls back to flite, and says so once.

Each block's written text goes through the lexicon (scenes/lexicon.py) before synthesis; the
audio is brought to the loudness target (scenes/loudness.py) and saved as a 16-bit wav; the
result carries one word boundary per written word, from the engine's phoneme durations, so
bookmarks and subtitles follow the words. Results are cached by manim-voiceover, keyed by
the written and spoken text and everything the audio depends on (engine, model hash,
loudness target).
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
from manim import logger
from manim_voiceover.helper import remove_bookmarks
from manim_voiceover.services.base import SpeechService

from .lexicon import to_spoken
from .loudness import CEILING, TARGET, normalise
from .piper_engine import MODEL_NAME, PiperEngine, PiperModel, VoiceUnavailable, locate_model
from .word_timing import word_boundaries

__all__ = ["PiperSpeech", "piper_or_none"]


class PiperSpeech(SpeechService):
    """Offline neural narration: piper with the joe voice, word-timed."""

    service_name = "piper"

    def __init__(self, model: PiperModel, **kwargs):
        self.model = model
        self._engine: PiperEngine | None = None  # loaded on the first block not in the cache
        super().__init__(**kwargs)

    @property
    def engine(self) -> PiperEngine:
        if self._engine is None:
            self._engine = PiperEngine(self.model)
        return self._engine

    def settings(self) -> dict:
        return {"engine": self.model.signature, "voice": MODEL_NAME,
                "loudness": {"lufs": TARGET, "ceiling_dbtp": CEILING}}

    def generate_from_text(self, text, cache_dir=None, path=None, **kwargs):
        cache_dir = Path(cache_dir or self.cache_dir)
        written = remove_bookmarks(text)
        spoken = to_spoken(written)
        input_data = {"input_text": written, "spoken_text": spoken.text,
                      "service": self.service_name, "config": self.settings()}
        cached = self.get_cached_result(input_data, cache_dir)
        if cached is not None and (cache_dir / cached["original_audio"]).exists():
            return {**cached, "input_text": text}  # this block's own bookmarks
        result = self.engine.synthesize(spoken)
        audio = normalise(result.audio, result.rate)
        # manim-voiceover reads any other extension as MP3
        name = str(path or self.get_audio_basename(input_data) + ".wav")
        write_wav(cache_dir / name, audio, result.rate)
        return {"input_text": text, "input_data": input_data, "original_audio": name,
                "word_boundaries": word_boundaries(written, result.word_times,
                                                   result.duration)}


def write_wav(path: Path, audio: np.ndarray, rate: int) -> Path:
    pcm = np.round(np.clip(audio, -1.0, 1.0) * 32767).astype("<i2")
    tmp = path.with_name(f".{path.name}.partial")
    with wave.open(str(tmp), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    tmp.replace(path)
    return path


def piper_or_none() -> PiperSpeech | None:
    """The piper service, or None (with one warning) when it cannot be used here."""
    try:
        return PiperSpeech(locate_model())
    except VoiceUnavailable as e:
        logger.warning("voice: piper is unavailable (%s); narrating with flite", e)
        return None
