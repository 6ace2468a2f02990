"""Captions: one timeline of cues, written as SubRip (``.srt``) and WebVTT (``.vtt``).

Each scene's subtitles are what Manim wrote beside its video (``<Scene>.srt``, timed to the
words by scenes/voice/word_timing.py). The lecture's cues are those, shifted by each scene's
start and cut at its end; a slide's are its scene's, cut to the slide and shifted to its
start. Both files are written by webvtt-py from the same cues, so the two agree cue by cue
(pysubs2 1.9 needs Python 3.12; webvtt-py 0.6.0 reads and writes both formats).

Cue text is inert (:data:`scenes.story.script.INERT`): a ``<`` or ``&`` would be a tag or an
entity to a WebVTT parser, and no narration line holds one (bundle words have theirs
replaced already).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import srt
import webvtt

from scenes.story.script import INERT

__all__ = ["MIN_CUE", "Cue", "read_srt", "seconds_of", "shifted", "to_srt", "to_vtt", "vtt_time"]


@dataclass(frozen=True)
class Cue:
    start: float  # seconds
    end: float
    text: str


# A cue cut to less than this is dropped: a cue that ends a moment after a slide begins
# (speech timing puts a sentence's end past the next bookmark by a few milliseconds) would be
# a zero-length cue at 0 in the slide's file, which nobody can read and which browsers order
# before the slide's real first cue (they sort equal starts by end, latest first).
MIN_CUE = 0.05  # seconds


def read_srt(path: Path) -> list[Cue]:
    """A scene's subtitles, as Manim wrote them; none when it wrote no file."""
    if not path.exists():
        return []
    return [Cue(s.start.total_seconds(), s.end.total_seconds(), s.content)
            for s in srt.parse(path.read_text(encoding="utf-8"))]


def shifted(cues: list[Cue], start: float, end: float | None, by: float) -> list[Cue]:
    """The cues that show between ``start`` and ``end`` (None: no end), cut to them and moved
    by ``by`` seconds; one left shorter than :data:`MIN_CUE` is dropped."""
    out = []
    for cue in cues:
        a, b = max(cue.start, start), cue.end if end is None else min(cue.end, end)
        if b - a >= MIN_CUE:
            out.append(Cue(a + by, b + by, cue.text))
    return out


def vtt_time(seconds: float) -> str:
    """``HH:MM:SS.mmm``, as both formats need (SRT with a comma)."""
    ms = max(round(seconds * 1000), 0)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def seconds_of(stamp: str) -> float:
    """A cue's ``HH:MM:SS.mmm`` (or SRT's ``,``) as seconds: the inverse of :func:`vtt_time`."""
    h, m, rest = stamp.replace(",", ".").split(":")
    return int(h) * 3600 + int(m) * 60 + float(rest)


def _captions(cues: list[Cue]) -> list[webvtt.Caption]:
    return [webvtt.Caption(vtt_time(c.start), vtt_time(c.end),
                           " ".join(c.text.translate(INERT).split()))
            for c in cues]


def to_vtt(cues: list[Cue]) -> str:
    return webvtt.WebVTT(captions=_captions(cues)).content


def to_srt(cues: list[Cue]) -> str:
    buffer = io.StringIO()
    webvtt.srt.write(buffer, _captions(cues))
    text = buffer.getvalue()
    return text + "\n" if text else ""
