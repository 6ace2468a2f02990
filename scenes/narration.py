"""Narration: offline speech services for manim-voiceover, and the scene every act extends.

Every step of a scene sits in a ``with self.voiceover(text=...)`` block, so the animation's
timing follows the words (manim-voiceover 0.4.0 works with Manim 0.22 here). The voice is
chosen by the ``LECTURE_VOICE`` environment variable, which ``lecture render --voice`` sets:

- ``flite`` (default): Debian's flite with its ``slt`` voice, offline;
- ``espeak``: espeak-ng, also offline; used too when flite is missing;
- ``none``: silence, each block as long as its text takes at about 150 words a minute.

Narration also becomes the subtitles: manim-voiceover passes each block to Manim's
``add_subcaption``, and Manim writes ``<Scene>.srt`` beside the video.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import wave
from contextlib import contextmanager
from pathlib import Path

from manim import FadeOut, Mobject, config, logger

from .bundle import DEFAULT_BUNDLE, Bundle, load_bundle
from .layout import LayoutError, layout_problems
from .mobjects import get_chapter_card
from .theme import PALETTE, TIMING

logging.getLogger("sox").setLevel(logging.ERROR)  # sox only serves global_speed != 1

from manim_voiceover import VoiceoverScene  # noqa: E402
from manim_voiceover.helper import remove_bookmarks  # noqa: E402
from manim_voiceover.services.base import SpeechService  # noqa: E402

__all__ = ["VOICES", "LectureScene", "OfflineSpeech", "SilentSpeech", "speech_service"]

VOICES = ("flite", "espeak", "none")
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


class LectureScene(VoiceoverScene):
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
        self.set_speech_service(speech_service(os.environ.get("LECTURE_VOICE", "flite")))
        self.data: Bundle = load_bundle(os.environ.get("LECTURE_DATA", DEFAULT_BUNDLE)).view(
            self.reads)
        self.layout_checks = 0
        self.narration_blocks: list[dict] = []  # for `lecture slides`; see narrate()
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

    # -- narration blocks, recorded for `lecture slides` (lecture/slides.py) -- begin --
    @contextmanager
    def narrate(self, text: str):
        """A narration block: ``with self.narrate("..."):`` plays its animations while the
        words are spoken, and waits for the words to finish.

        Each block's text, section index, and first and last animation (``num_plays``, so a
        block starts and ends on an animation boundary) are recorded, with ``renderer.time``
        for reference; ``tear_down`` writes them beside the video for the slide deck, with the
        animations' movie files, from which ``lecture render`` counts the frames."""
        start, first = self.renderer.time, self.renderer.num_plays
        with self.voiceover(text=text) as tracker:
            yield tracker
        self.narration_blocks.append({
            "text": text, "section": len(self.renderer.file_writer.sections) - 1,
            "start_play": first, "end_play": self.renderer.num_plays,
            "start": start, "end": self.renderer.time})

    def write_narration_blocks(self) -> None:
        """``<Scene>.blocks.json`` beside the video: sections, blocks, animation files."""
        try:
            video = Path(self.renderer.file_writer.movie_file_path)
        except AttributeError:  # a still or a dry run: no video, no blocks
            return
        writer = self.renderer.file_writer
        video.parent.mkdir(parents=True, exist_ok=True)
        video.with_suffix(".blocks.json").write_text(json.dumps({
            "sections": [s.name for s in writer.sections], "blocks": self.narration_blocks,
            "partial_movies": [f and str(f) for f in writer.partial_movie_files]}, indent=1))
    # -- narration blocks -- end --

    def tear_down(self):
        # The audio track ends with the last sound; a silent bed as long as the video makes
        # it cover the whole scene, so joined scenes stay in sync.
        self.check_layout()
        self.write_narration_blocks()
        duration = self.renderer.time
        if duration > 0 and not config.dry_run:
            bed = Path(config.media_dir) / f"silence-{duration:.3f}.wav"
            if not bed.exists():
                write_silence(bed, duration)
            self.add_sound(str(bed), time_offset=-duration)
        super().tear_down()
