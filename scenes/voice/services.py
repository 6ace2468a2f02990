"""The speech services manim-voiceover calls: one class per kind of engine, built from the
voice choice a build made (:mod:`scenes.voice.choice`), never deciding again.

- :class:`NeuralSpeech`: a neural voice, hibari (scenes/voice/hibari.py, the default) or piper
  (scenes/voice/piper.py), word-timed by the model, brought to the loudness target
  (scenes/voice/loudness.py);
- :class:`CommandSpeech`: Debian's flite (voice ``slt``) or espeak-ng, run as a program;
- :class:`SilentSpeech`: silence, each block as long as its text takes at about 150 words a
  minute.

Each writes a .wav per narration block (:func:`write_wav`, the one wav writer), cached by
text and settings in the voiceover cache of the media directory. Every voice reads the text
through the lecture's lexicon (scenes/voice/lexicon.py) and reports a time for each word
(scenes/voice/word_timing.py), so narration can mark a word with ``<bookmark mark='x'/>``
and an animation can wait for it with ``self.wait_until_bookmark('x')``.
"""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import numpy as np
from manim_voiceover.helper import remove_bookmarks
from manim_voiceover.services.base import SpeechService

from bundle.files import atomic_path

from .choice import VoiceChoice
from .hibari import ENGINE as HIBARI
from .hibari import HibariEngine
from .lexicon import Spoken, to_spoken
from .loudness import CEILING, TARGET, normalise
from .names import WORDS_PER_MINUTE
from .neural import VoiceModel
from .piper import PiperEngine
from .word_timing import even_word_boundaries, word_boundaries

__all__ = ["CommandSpeech", "NeuralSpeech", "SilentSpeech", "speech_service", "write_silence",
           "write_wav"]

SAMPLE_RATE = 16000  # the silent voice's and the silent bed's


def write_wav(path: Path, audio: np.ndarray, rate: int) -> Path:
    """Mono float audio in [-1, 1] as a 16-bit wav, written atomically."""
    pcm = np.round(np.clip(audio, -1.0, 1.0) * 32767).astype("<i2")
    with atomic_path(path) as tmp, wave.open(str(tmp), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return path


def write_silence(path: Path, seconds: float) -> Path:
    return write_wav(path, np.zeros(round(seconds * SAMPLE_RATE), np.float32), SAMPLE_RATE)


def _wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


class _WavSpeech(SpeechService):
    """A service that speaks a block into a .wav; cached by text and settings."""

    service_name = "wav"

    inline = False  # hibari reads inline phonemes (scenes/voice/lexicon.py)

    def settings(self) -> dict:
        return {}

    def speak(self, written: str, spoken: Spoken, out: Path) -> list[dict]:
        """Write the block's audio to ``out``; return its word boundaries."""
        raise NotImplementedError

    def generate_from_text(self, text, cache_dir=None, path=None, **kwargs):
        cache_dir = Path(cache_dir or self.cache_dir)
        written = remove_bookmarks(text)
        spoken = to_spoken(written, self.inline)
        input_data = {"input_text": written, "spoken_text": spoken.text,
                      "service": self.service_name, "config": self.settings()}
        cached = self.get_cached_result(input_data, cache_dir)
        if cached is not None and (cache_dir / cached["original_audio"]).exists():
            return {**cached, "input_text": text}  # this block's own bookmarks
        # manim-voiceover reads any other extension as MP3
        audio = str(path or self.get_audio_basename(input_data) + ".wav")
        return {"input_text": text, "input_data": input_data, "original_audio": audio,
                "word_boundaries": self.speak(written, spoken, cache_dir / audio)}


class NeuralSpeech(_WavSpeech):
    """Offline neural narration, word-timed by the model: hibari (the default) or piper."""

    def __init__(self, model: VoiceModel, **kwargs):
        self.model = model
        self.service_name = model.engine
        self.inline = model.engine == HIBARI
        self._engine: HibariEngine | PiperEngine | None = None  # loaded on the first block
        # not in the cache
        super().__init__(**kwargs)

    @property
    def engine(self) -> HibariEngine | PiperEngine:
        if self._engine is None:
            self._engine = (HibariEngine if self.inline else PiperEngine)(self.model)
        return self._engine

    def settings(self) -> dict:
        return {"engine": self.model.signature, "voice": self.model.voice,
                "loudness": {"lufs": TARGET, "ceiling_dbtp": CEILING}}

    def speak(self, written: str, spoken: Spoken, out: Path) -> list[dict]:
        result = self.engine.synthesize(spoken)
        write_wav(out, normalise(result.audio, result.rate), result.rate)
        return word_boundaries(written, result.word_times, result.duration)


class CommandSpeech(_WavSpeech):
    """flite (voice ``slt``) or espeak-ng, which report no timing: words spread evenly."""

    def __init__(self, engine: str = "flite", voice: str = "slt", **kwargs):
        if engine not in ("flite", "espeak"):
            raise ValueError(f"no command speaks as {engine!r}")
        self.engine, self.voice = engine, voice
        self.service_name = engine
        super().__init__(**kwargs)

    def settings(self) -> dict:
        return {"voice": self.voice if self.engine == "flite" else "en-us"}

    def speak(self, written: str, spoken: Spoken, out: Path) -> list[dict]:
        with atomic_path(out) as tmp:
            if self.engine == "flite":
                cmd = ["flite", "-voice", self.voice, "-t", spoken.text, "-o", str(tmp)]
            else:  # "--": text that starts with "-" is not an option
                cmd = ["espeak-ng", "-v", "en-us", "-s", "160", "-w", str(tmp), "--",
                       spoken.text]
            subprocess.run(cmd, check=True, capture_output=True)
        return even_word_boundaries(written, _wav_seconds(out))


class SilentSpeech(_WavSpeech):
    """No voice: silence as long as the text would take to say."""

    service_name = "silent"

    def settings(self) -> dict:
        return {"wpm": WORDS_PER_MINUTE}

    def speak(self, written: str, spoken: Spoken, out: Path) -> list[dict]:
        seconds = max(1.0, len(spoken.text.split()) * 60.0 / WORDS_PER_MINUTE)
        write_silence(out, seconds)
        return even_word_boundaries(written, _wav_seconds(out))


def speech_service(choice: VoiceChoice) -> SpeechService:
    """The service for a voice choice, as the choice says: nothing is looked up again."""
    if choice.model is not None:
        return NeuralSpeech(choice.model)
    if choice.service == "silence":
        return SilentSpeech()
    return CommandSpeech(engine=choice.service)
