"""Offline speech services for manim-voiceover: the voices ``lecture render --voice`` offers.

- ``piper`` (default): a neural voice, offline, timed word by word (scenes/piper_voice.py);
  flite when it is not installed;
- ``flite``: Debian's flite with its ``slt`` voice, offline;
- ``espeak``: espeak-ng, also offline; used too when flite is missing;
- ``none``: silence, each block as long as its text takes at about 150 words a minute.

Each service writes a .wav per narration block, cached by text and settings in the
voiceover cache of the media directory. Every voice reads the text through the lecture's
lexicon (scenes/lexicon.py) and reports a time for each word (scenes/word_timing.py), so
narration can mark a word with ``<bookmark mark='x'/>`` and an animation can wait for it
with ``self.wait_until_bookmark('x')``.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import wave
from pathlib import Path

logging.getLogger("sox").setLevel(logging.ERROR)  # sox only serves global_speed != 1

from manim_voiceover.helper import remove_bookmarks  # noqa: E402
from manim_voiceover.services.base import SpeechService  # noqa: E402

from .lexicon import to_spoken  # noqa: E402
from .voices import VOICES, WORDS_PER_MINUTE  # noqa: E402
from .word_timing import even_word_boundaries  # noqa: E402

__all__ = ["OfflineSpeech", "SilentSpeech", "speech_service", "write_silence"]

SAMPLE_RATE = 16000


class _WavSpeech(SpeechService):
    """A service whose audio is a .wav made by ``_write_wav``; cached by text and settings."""

    service_name = "wav"

    def _settings(self) -> dict:
        return {}

    def _write_wav(self, text: str, out: Path) -> None:
        raise NotImplementedError

    def generate_from_text(self, text, cache_dir=None, path=None, **kwargs):
        cache_dir = Path(cache_dir or self.cache_dir)
        written = remove_bookmarks(text)
        spoken = to_spoken(written).text
        input_data = {"input_text": written, "spoken_text": spoken,
                      "service": self.service_name, "config": self._settings()}
        cached = self.get_cached_result(input_data, cache_dir)
        if cached is not None and (cache_dir / cached["original_audio"]).exists():
            return {**cached, "input_text": text}  # this block's own bookmarks
        # manim-voiceover reads any other extension as MP3
        audio = str(path or self.get_audio_basename(input_data) + ".wav")
        self._write_wav(spoken, cache_dir / audio)
        with wave.open(str(cache_dir / audio)) as w:
            duration = w.getnframes() / w.getframerate()
        return {"input_text": text, "input_data": input_data, "original_audio": audio,
                "word_boundaries": even_word_boundaries(written, duration)}


class OfflineSpeech(_WavSpeech):
    """flite (voice ``slt``), or espeak-ng."""

    def __init__(self, engine: str = "flite", voice: str = "slt", **kwargs):
        if engine == "flite" and not shutil.which("flite"):
            engine = "espeak"
        self.engine, self.voice = engine, voice
        self.service_name = engine
        super().__init__(**kwargs)

    def _settings(self) -> dict:
        return {"voice": self.voice if self.engine == "flite" else "en-us"}

    def _write_wav(self, text: str, out: Path) -> None:
        if self.engine == "flite":
            cmd = ["flite", "-voice", self.voice, "-t", text, "-o", str(out)]
        else:  # "--": text that starts with "-" is not an option
            cmd = ["espeak-ng", "-v", "en-us", "-s", "160", "-w", str(out), "--", text]
        subprocess.run(cmd, check=True, capture_output=True)


class SilentSpeech(_WavSpeech):
    """No voice: silence as long as the text would take to say."""

    service_name = "silent"

    def _settings(self) -> dict:
        return {"wpm": WORDS_PER_MINUTE}

    def _write_wav(self, text: str, out: Path) -> None:
        seconds = max(1.0, len(text.split()) * 60.0 / WORDS_PER_MINUTE)
        write_silence(out, seconds)


def write_silence(path: Path, seconds: float) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(b"\0\0" * round(seconds * SAMPLE_RATE))
    return path


def speech_service(voice: str) -> SpeechService:
    if voice == "piper":
        from .piper_voice import piper_or_none

        return piper_or_none() or OfflineSpeech(engine="flite")
    if voice == "none":
        return SilentSpeech()
    if voice in ("flite", "espeak"):
        return OfflineSpeech(engine=voice)
    raise ValueError(f"unknown voice {voice!r}; choose one of {', '.join(VOICES)}")
