"""A rendered scene's narration blocks, located in frames, for ``lecture slides``.

The scene (``LectureScene.narrate``) writes ``<Scene>.blocks.json`` beside its video: each
block's text, section and first and last animation, and the movie file of every animation.
``lecture render`` reads it here and keeps it in the scene's ``.json`` record, with each
block's first and last frame counted from those files: a slide is cut on a frame the video
really holds, whatever ``renderer.time`` says (the two disagreed under Manim's animation
cache, which ``lecture render`` now turns off; the count stays exact either way).
"""

from __future__ import annotations

import json
from itertools import accumulate
from pathlib import Path

import av

__all__ = ["read_blocks"]


def _frames(path: str | None) -> int:
    if path is None:  # an animation Manim skipped writes no file
        return 0
    with av.open(path) as c:
        return c.streams.video[0].frames


def read_blocks(path: Path) -> dict:
    """The blocks file at ``path``, each block with ``start_frame`` and ``end_frame``."""
    data = json.loads(path.read_text())
    counts = [_frames(p) for p in data.pop("partial_movies")]
    starts = [0, *accumulate(counts)]  # the first frame of each animation, and the end
    for block in data["blocks"]:
        block["start_frame"] = starts[block["start_play"]]
        block["end_frame"] = starts[block["end_play"]]
    data["frames"] = starts[-1]
    return data
