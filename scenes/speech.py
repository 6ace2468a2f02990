"""Offline speech services for manim-voiceover: the voices ``lecture render --voice`` offers.

- ``flite`` (default): Debian's flite with its ``slt`` voice, offline;
- ``espeak``: espeak-ng, also offline; used too when flite is missing;
- ``none``: silence, each block as long as its text takes at about 150 words a minute.

Each service writes a .wav per narration block, cached by text and settings in the
voiceover cache of the media directory.
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

from .voices import VOICES, WORDS_PER_MINUTE  # noqa: E402

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
        spoken = remove_bookmarks(text)
        input_data = {"input_text": spoken, "service": self.service_name,
                      "config": self._settings()}
        cached = self.get_cached_result(input_data, cache_dir)
        if cached is not None and (cache_dir / cached["original_audio"]).exists():
            return cached
        # manim-voiceover reads any other extension as MP3
        audio = str(path or self.get_audio_basename(input_data) + ".wav")
        self._write_wav(spoken, cache_dir / audio)
        return {"input_text": text, "input_data": input_data, "original_audio": audio}


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
    if voice == "none":
        return SilentSpeech()
    if voice in ("flite", "espeak"):
        return OfflineSpeech(engine=voice)
    raise ValueError(f"unknown voice {voice!r}; choose one of {', '.join(VOICES)}")
