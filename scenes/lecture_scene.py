"""The scene every act extends: theme, voice, the act's data, its chapter card, narration
blocks and layout checks.

Each act's scene class sets ``act`` to its record from :mod:`scenes.acts`; the record gives
the chapter's title and number and what the scene reads. ``construct()`` opens with
``self.show_chapter_card()``, the first step of every act, so no chapter starts on a blank
frame.

Every step sits in a narration block, ``with self.narrate("..."):`` (manim-voiceover's
``voiceover``, which works with Manim 0.22 here), so the animation's timing follows the
words, and the words become the subtitles. The voice comes from the ``LECTURE_VOICE``
environment variable and the bundle from ``LECTURE_DATA``, both set by ``lecture render``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from manim import FadeOut, Mobject, config, logger
from manim_voiceover import VoiceoverScene
from manim_voiceover.helper import remove_bookmarks

from bundle import DEFAULT_BUNDLE, Bundle, load_bundle

from . import environment
from .acts import Act
from .layout import LayoutError, layout_problems
from .mobjects import get_chapter_card
from .story.acts import script_for
from .story.findings import Findings
from .story.script import Script
from .theme import PALETTE, TIMING
from .voice.choice import scene_voice
from .voice.services import speech_service, write_silence
from .voice.word_timing import WordTimedSubtitles

__all__ = ["Block", "LectureScene", "act_data"]


def act_data(act: Act) -> tuple[Bundle, Findings, Script]:
    """What a scene draws from: only the arrays ``act`` reads (the renderer has checked the
    whole bundle), their findings, and the act's script."""
    data = load_bundle(os.environ.get(environment.DATA, DEFAULT_BUNDLE), keys=act.reads,
                       verify_all=False).view(act.reads)
    found = Findings(data)
    return data, found, script_for(act, found)


@dataclass(frozen=True)
class Block:
    """One narration block: its words (as said: bookmarks removed), its section, its first
    animation and the one after its last (``start_play``, ``end_play``: a block starts and
    ends on an animation boundary), and when it was spoken, in scene seconds
    (``renderer.time``)."""

    text: str
    start: float
    end: float
    section: int
    start_play: int
    end_play: int
    key: str = ""  # the script's line (scenes.story.script), for the transcript


class LectureScene(WordTimedSubtitles, VoiceoverScene):
    """The base of every act. ``self.data`` holds only what the act's record ``reads``, so
    the renderer knows exactly which arrays each picture depends on; ``self.findings``
    judges them (what the narration may say)."""

    act: Act
    script: Script  # what the act says and shows, from scenes/story/acts/

    def setup(self):
        super().setup()
        self.camera.background_color = PALETTE.background
        self.voice = voice = scene_voice(os.environ.get(environment.VOICE))
        if voice.warning:  # a scene run by hand: lecture render has said it already
            logger.warning("voice: %s", voice.warning)
        self.set_speech_service(speech_service(voice))
        self.data, self.findings, self.script = act_data(self.act)
        self.blocks: list[Block] = []
        self.next_section(self.act.title)

    def get_chapter_card(self) -> Mobject:
        return get_chapter_card(self.act.number, self.act.total, self.act.title)

    def show_chapter_card(self):
        """Open the act on its card: the chapter's first frame is never blank."""
        card = self.get_chapter_card()
        self.add(card)
        self.wait(TIMING.slow)
        self.play(FadeOut(card), run_time=TIMING.fast)

    @contextmanager
    def narrate(self, key: str) -> Iterator:
        """A narration block: ``with self.narrate("answer.judge"):`` plays its animations
        while the script's line ``key`` is spoken, and waits for the words to finish."""
        text = self.script.voiced(key)
        start, first = self.renderer.time, self.renderer.num_plays
        with self.voiceover(text=text) as tracker:
            yield tracker
        section = len(self.renderer.file_writer.sections) - 1
        self.blocks.append(Block(remove_bookmarks(text), start, self.renderer.time, section,
                                 first, self.renderer.num_plays, key))

    def write_blocks(self) -> None:
        """``<Scene>.blocks.json`` beside the video: the sections, the narration blocks and
        every animation's movie file, from which ``lecture render`` counts each block's
        frames for ``lecture slides`` (lecture/blocks.py)."""
        writer = self.renderer.file_writer
        video = Path(writer.movie_file_path)
        video.parent.mkdir(parents=True, exist_ok=True)
        video.with_suffix(".blocks.json").write_text(json.dumps({
            "sections": [s.name for s in writer.sections],
            "blocks": [asdict(block) for block in self.blocks],
            "partial_movies": [f and str(f) for f in writer.partial_movie_files]}, indent=1))

    def play(self, *args, **kwargs):
        super().play(*args, **kwargs)
        self.check_layout()

    def check_layout(self):
        """No text outside the frame or on top of other text: checked where every animation
        ends, so at every step's end too, before its closing fade clears the screen. Strict
        (an error) under ``LECTURE_LAYOUT=strict``, a warning otherwise."""
        problems = layout_problems(self.mobjects)
        if not problems:
            return
        where = f"{type(self).__name__}, section {len(self.renderer.file_writer.sections)}"
        if os.environ.get(environment.LAYOUT) == "strict":
            raise LayoutError(f"{where}: " + "; ".join(problems))
        for problem in problems:
            logger.warning("layout: %s: %s", where, problem)

    def tear_down(self):
        # The audio track ends with the last sound; a silent bed as long as the video makes
        # it cover the whole scene, so joined scenes stay in sync.
        duration = self.renderer.time
        if not config.dry_run:
            self.write_blocks()
        if duration > 0 and not config.dry_run:
            bed = Path(config.media_dir) / f"silence-{duration:.3f}.wav"
            if not bed.exists():
                write_silence(bed, duration)
            self.add_sound(str(bed), time_offset=-duration)
        super().tear_down()
