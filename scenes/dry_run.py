"""An act without rendering: ``construct()`` runs as written, but every animation jumps to
its end state and no frame is drawn or encoded.

What comes out is the act's transcript: every narration block with its time, every text
shown on screen, and the layout checked after every animation, as in a real render. The
tests use it to run every act in seconds, on any bundle; ``lecture script`` prints it.

The end state of an animation is what Manim leaves after it: an animation that brings a
mobject in (``FadeIn``, ``Create``, ``Write``, the ``Grow`` family) leaves it as it was
built, one that takes it out (``FadeOut``, ``Uncreate``) removes it, one that only points at
it (``Indicate``, ``Circumscribe``, ``Flash``, ``ShowPassingFlash``) leaves it unchanged;
every other animation (transforms, ``.animate``, ``MoveAlongPath``...) really runs from its
start to its end, without frames in between. The slow tests render the same acts for real.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from manim import (
    AnimationGroup,
    ApplyWave,
    Circumscribe,
    Create,
    DrawBorderThenFill,
    FadeIn,
    FadeOut,
    Flash,
    FocusOn,
    GrowArrow,
    GrowFromCenter,
    GrowFromEdge,
    GrowFromPoint,
    Indicate,
    ShowIncreasingSubsets,
    ShowPassingFlash,
    SpinInFromNothing,
    Uncreate,
    Unwrite,
    Wait,
    Wiggle,
    Write,
    tempconfig,
)
from manim.animation.animation import Animation

from .acts import Act
from .environment import scene_environment
from .layout import text_mobjects, text_of
from .lecture_scene import Block, LectureScene
from .voice.choice import resolve_voice

__all__ = ["Transcript", "preview_act"]

# Checked in this order: FadeIn and the Grow family are Transforms underneath.
POINTERS = (Indicate, Circumscribe, Flash, ShowPassingFlash, Wiggle, ApplyWave, FocusOn, Wait)
INTRODUCERS = (FadeIn, Create, Write, DrawBorderThenFill, GrowArrow, GrowFromCenter,
               GrowFromEdge, GrowFromPoint, ShowIncreasingSubsets, SpinInFromNothing)
REMOVERS = (FadeOut, Uncreate, Unwrite)


@dataclass
class Transcript:
    """What an act says and shows."""

    act: Act
    blocks: list[Block] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # each text shown, in order of appearance
    duration: float = 0.0

    @property
    def narration(self) -> list[str]:
        return [block.text for block in self.blocks]


def _parts(animations) -> Iterator[Animation]:
    for animation in animations:
        if isinstance(animation, AnimationGroup):
            yield from _parts(animation.animations)
        else:
            yield animation


def _finish(scene: LectureScene, animation: Animation) -> None:
    if isinstance(animation, AnimationGroup):
        if not animation.animations:  # as a real render stops (a bundle with nothing to show)
            raise ValueError(f"Trying to play {animation} without animations, this is not "
                             "supported. Please add at least one subanimation.")
        for part in animation.animations:
            _finish(scene, part)
    elif isinstance(animation, POINTERS):
        pass
    elif isinstance(animation, INTRODUCERS):
        scene.add(animation.mobject)
    elif isinstance(animation, REMOVERS):
        scene.remove(animation.mobject)
    else:
        animation._setup_scene(scene)
        animation.begin()
        animation.finish()
        animation.clean_up_from_scene(scene)


class _Preview:
    """Mixed in before an act's scene class: plays every animation to its end at once."""

    def setup(self):
        super().setup()
        self.shown: dict[str, None] = {}

    def play(self, *args, **kwargs):
        animations = self.compile_animations(*args, **kwargs)
        run_time = self.get_run_time(animations)
        self.add_mobjects_from_animations(animations)
        for animation in animations:
            _finish(self, animation)
        self.update_mobjects(0)
        self.renderer.time += run_time
        self.renderer.num_plays += 1
        self.check_layout()
        # what is on screen, and what a transform turned a text into (the mobject keeps
        # its own string, but shows its target's)
        targets = [a.target_mobject for a in _parts(animations)
                   if getattr(a, "target_mobject", None) is not None]
        self.shown.update((text, None) for m in text_mobjects([*self.mobjects, *targets])
                          if (text := text_of(m)) is not None)

    def wait(self, duration: float = 1.0, *args, **kwargs):
        self.update_mobjects(0)
        self.renderer.time += duration

    def tear_down(self):
        pass  # no audio bed: nothing is written


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def preview_act(act: Act, data: os.PathLike | str, media_dir: os.PathLike | str, *,
                strict: bool = True, voice: str = "none") -> Transcript:
    """Run ``act`` on the bundle at ``data`` without rendering and return its transcript.

    ``media_dir`` keeps LaTeX's and the voice's caches between runs. With ``strict``, a text
    that leaves the frame or overlaps another raises :class:`~scenes.layout.LayoutError`.
    """
    module = importlib.import_module(f"scenes.acts.{act.module}")
    scene_class = type(act.scene, (_Preview, getattr(module, act.scene)), {})
    settings = {"dry_run": True, "media_dir": str(Path(media_dir)), "quality": "low_quality",
                "disable_caching": True, "verbosity": "WARNING", "progress_bar": "none"}
    env = scene_environment(data, resolve_voice(voice).to_env(),
                            layout="strict" if strict else "warn")
    with _environment(**env), tempconfig(settings):
        scene = scene_class(skip_animations=True)
        scene.render()
    return Transcript(act, scene.blocks, list(scene.shown), scene.renderer.time)
