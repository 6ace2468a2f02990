"""Where the deck's slides fall: one per narration block of each rendered scene.

A slide's cuts fall at the ends of narration blocks: a slide plays its block and stops on
the picture its words describe (the step's closing fade, if any, opens the next slide), and
it starts on the frame where the previous slide ended, so stepping through looks continuous.
The first slide of a scene starts at its first frame, on the act's opening card; the last
runs to the scene's end. A slide shorter than ``MIN_SLIDE`` seconds joins the next slide of
its step, or else the one before it (a step with a single short block keeps it as its own
slide).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av

from lecture.deck import DeckError

__all__ = ["MIN_SLIDE", "SceneSource", "Slide", "frames_and_rate", "plan_slides",
           "slide_spans"]

MIN_SLIDE = 3.0  # seconds: a shorter slide joins a neighbour of the same step


@dataclass
class SceneSource:
    """A rendered scene: its video, its lossless narration track and its ``.json`` record."""

    number: int  # the act's place in the lecture, from 1
    name: str
    title: str
    video: Path
    record: dict
    key: str = ""

    @property
    def wav(self) -> Path:
        return self.video.with_suffix(".wav")


@dataclass
class Slide:
    number: int  # from 1, over the whole deck
    scene: SceneSource
    start_frame: int  # within the scene: [start_frame, end_frame)
    end_frame: int
    still_frame: int  # the handout's picture
    step: str  # the section's name
    fps: Fraction
    audio_start: float  # where the slide starts and ends in the scene's narration track,
    audio_end: float | None  # in seconds (None: the track's end); see plan_slides
    texts: list[str] = field(default_factory=list)

    def seconds(self, frame: int) -> float:
        return float(Fraction(frame) / self.fps)

    @property
    def start(self) -> float:
        return self.seconds(self.start_frame)

    @property
    def duration(self) -> float:
        return self.seconds(self.end_frame - self.start_frame)

    @property
    def file(self) -> str:
        return f"slides/{self.number:03d}.mp4"

    @property
    def captions(self) -> str:
        """The slide's captions (WebVTT), which the deck gives its video as a track."""
        return f"slides/{self.number:03d}.vtt"

    @property
    def act(self) -> str:
        return f"{self.scene.number} · {self.scene.title}"

    @property
    def title(self) -> str:
        return self.act if self.step == self.scene.title else f"{self.act} — {self.step}"

    @property
    def notes(self) -> str:
        return "\n\n".join(self.texts)


# --------------------------------------------------------------------------- the rule


def slide_spans(blocks: list[dict], frames: int, min_frames: int) -> list[tuple[int, int, list]]:
    """Cut ``frames`` frames into slides, ``(start, end, blocks)``, one per narration block.

    Cuts fall where a block ends; the first slide starts at frame 0 and the last ends at
    ``frames``, so the slides tile the scene. A slide shorter than ``min_frames`` joins the
    next slide of its section (``block["section"]``), or else the one before it."""
    if not blocks:
        return [(0, frames, [])]
    cuts = [0, *(b["end_frame"] for b in blocks[:-1]), frames]
    spans = [[cuts[i], cuts[i + 1], [b]] for i, b in enumerate(blocks)]
    changed = True
    while changed:
        changed = False
        for i, (start, end, group) in enumerate(spans):
            if end - start >= min_frames:
                continue
            section = group[0]["section"]
            if i + 1 < len(spans) and spans[i + 1][2][0]["section"] == section:
                nxt = spans.pop(i + 1)
                spans[i] = [start, nxt[1], group + nxt[2]]
            elif i > 0 and spans[i - 1][2][-1]["section"] == section:
                prev = spans.pop(i - 1)
                spans[i - 1] = [prev[0], end, prev[2] + group]
            else:
                continue
            changed = True
            break
    return [(s, e, g) for s, e, g in spans]


def plan_slides(scenes: list[SceneSource], min_seconds: float = MIN_SLIDE) -> list[Slide]:
    """Every scene's slides, numbered over the deck."""
    slides: list[Slide] = []
    for scene in scenes:
        narration = scene.record.get("narration") or {}
        blocks = narration.get("blocks", [])
        frames, fps = frames_and_rate(scene.video)
        if narration.get("frames") != frames:
            raise DeckError(f"scene {scene.name!r}: its record counts {narration.get('frames')} "
                            f"frames but {scene.video.name} has {frames}; render it again")
        sections = narration.get("sections", [])
        spans = slide_spans(blocks, frames, round(min_seconds * fps))
        # The narration track places each block at ``renderer.time``, which drifts from the
        # frames when Manim reuses cached animations (by up to 0.6 s, measured at 480p15):
        # the audio is cut where the track has the blocks' ends, so a slide keeps its words
        # and none of its neighbours'.
        times = [0.0, *(g[-1].get("end", float(Fraction(e) / fps)) for _, e, g in spans[:-1]),
                 None]
        for i, (start, end, group) in enumerate(spans):
            section = group[0]["section"] if group else 0
            still = min(group[-1]["end_frame"], end) - 1 if group else end - 1
            step = sections[section] if section < len(sections) else scene.title
            slides.append(Slide(len(slides) + 1, scene, start, end, max(still, start), step,
                                fps, times[i], times[i + 1], [b["text"] for b in group]))
    return slides



def frames_and_rate(video: Path) -> tuple[int, Fraction]:
    with av.open(str(video)) as c:
        s = c.streams.video[0]
        return s.frames, Fraction(s.base_rate)
