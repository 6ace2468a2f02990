"""Narration: offline speech services for manim-voiceover, and the scene every act extends.

Every step of a scene sits in a ``with self.voiceover(text=...)`` block, so the animation's
timing follows the words (manim-voiceover 0.4.0 works with Manim 0.22 here). The voice is
chosen by the ``LECTURE_VOICE`` environment variable, which ``lecture render --voice`` sets:

- ``piper`` (default): a neural voice, offline, timed word by word (scenes/piper_voice.py);
  flite when it is not installed;
- ``flite``: Debian's flite with its ``slt`` voice, offline;
- ``espeak``: espeak-ng, also offline; used too when flite is missing;
- ``none``: silence, each block as long as its text takes at about 150 words a minute.

Narration also becomes the subtitles: manim-voiceover passes each block to Manim's
``add_subcaption``, and Manim writes ``<Scene>.srt`` beside the video. Every voice reads the
text through the lecture's lexicon (scenes/lexicon.py) and reports a time for each word
(scenes/word_timing.py), so narration can mark a word with ``<bookmark mark='x'/>`` and an
animation can wait for it with ``self.wait_until_bookmark('x')``.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import wave
from pathlib import Path

from manim import FadeOut, Mobject, config, logger

from .bundle import DEFAULT_BUNDLE, Bundle, load_bundle
from .layout import LayoutError, layout_problems
from .lexicon import to_spoken
from .mobjects import get_chapter_card
from .theme import PALETTE, TIMING
from .word_timing import WordTimedSubtitles, even_word_boundaries

logging.getLogger("sox").setLevel(logging.ERROR)  # sox only serves global_speed != 1

from manim_voiceover import VoiceoverScene  # noqa: E402
from manim_voiceover.helper import remove_bookmarks  # noqa: E402
from manim_voiceover.services.base import SpeechService  # noqa: E402

__all__ = ["VOICES", "LectureScene", "OfflineSpeech", "SilentSpeech", "speech_service"]

VOICES = ("piper", "flite", "espeak", "none")
WORDS_PER_MINUTE = 150.0
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


class LectureScene(WordTimedSubtitles, VoiceoverScene):
    """The base of every act: theme, narration voice, the act's section, and its data.

    Subclasses set ``title`` (the act's chapter title) and ``reads``, the bundle keys or key
    prefixes the scene draws from: ``self.data`` holds only those, so the renderer knows
    exactly which arrays each picture depends on.
    """

    title: str = ""
    reads: tuple[str, ...] = ()

    def setup(self):
        super().setup()
        self.camera.background_color = PALETTE.background
        self.set_speech_service(speech_service(os.environ.get("LECTURE_VOICE", "piper")))
        self.data: Bundle = load_bundle(os.environ.get("LECTURE_DATA", DEFAULT_BUNDLE)).view(
            self.reads)
        self.layout_checks = 0
        self.next_section(self.title or type(self).__name__)
        self.show_chapter_card()

    def get_chapter_card(self) -> Mobject:
        from .acts import ACTS

        names = [act.scene for act in ACTS]
        number = names.index(type(self).__name__) + 1 if type(self).__name__ in names else 0
        return get_chapter_card(number, len(ACTS), self.title)

    def show_chapter_card(self):
        """Open the act on its card: the chapter's first frame is never blank."""
        card = self.get_chapter_card()
        self.add(card)
        self.wait(TIMING.slow)
        self.play(FadeOut(card), run_time=TIMING.fast)

    def next_section(self, *args, **kwargs):
        self.check_layout()
        super().next_section(*args, **kwargs)

    def play(self, *args, **kwargs):
        super().play(*args, **kwargs)
        self.check_layout()

    def check_layout(self):
        """No text outside the frame or on top of other text: checked where every animation
        ends, so at every section end too, before a step's closing fade clears the screen."""
        problems = layout_problems(self.mobjects)
        self.layout_checks += 1
        if not problems:
            return
        where = f"{type(self).__name__}, section {len(self.renderer.file_writer.sections)}"
        if os.environ.get("LECTURE_LAYOUT") == "strict":
            raise LayoutError(f"{where}: " + "; ".join(problems))
        for problem in problems:
            logger.warning("layout: %s: %s", where, problem)

    def narrate(self, text: str):
        """A narration block: ``with self.narrate("..."):`` plays its animations while the
        words are spoken, and waits for the words to finish."""
        return self.voiceover(text=text)

    def tear_down(self):
        # The audio track ends with the last sound; a silent bed as long as the video makes
        # it cover the whole scene, so joined scenes stay in sync.
        self.check_layout()
        duration = self.renderer.time
        if duration > 0 and not config.dry_run:
            bed = Path(config.media_dir) / f"silence-{duration:.3f}.wav"
            if not bed.exists():
                write_silence(bed, duration)
            self.add_sound(str(bed), time_offset=-duration)
        super().tear_down()
