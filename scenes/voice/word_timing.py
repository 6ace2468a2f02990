"""Word times for manim-voiceover: bookmarks an animation can wait for, and subtitles that
follow the words.

manim-voiceover's ``VoiceoverTracker`` reads a block's ``word_boundaries`` (one entry per
word: ``text_offset`` into the written text, ``audio_offset`` in units of 1e-7 s, as Azure's
service writes them) and interpolates a ``<bookmark mark='x'/>``'s position in the text to a
time; ``self.wait_until_bookmark('x')`` then waits until that word is said. Here every
service gives one boundary per written word: hibari and piper from their models' phoneme
durations (scenes/voice/neural.py), flite, espeak-ng and the silent voice spread evenly over the
block's length by characters (they report no timing of their own), and a closing boundary
at the block's end.
"""

from __future__ import annotations

import re
from math import ceil

from manim_voiceover.helper import chunks
from manim_voiceover.tracker import AUDIO_OFFSET_RESOLUTION

__all__ = ["WordTimedSubtitles", "even_word_boundaries", "word_boundaries"]


def word_boundaries(written: str, times, duration: float) -> list[dict]:
    """One boundary per written word (whitespace-separated) at its (start, end) in ``times``,
    then one at ``duration`` for the end of the text."""
    words = list(re.finditer(r"\S+", written))
    if len(words) != len(times):
        raise ValueError(f"{len(words)} words but {len(times)} word times")
    bounds = [{"audio_offset": int(round(start * AUDIO_OFFSET_RESOLUTION)),
               "duration_milliseconds": int(round((end - start) * 1000)),
               "text_offset": m.start(), "word_length": len(m[0]), "text": m[0],
               "boundary_type": "Word"} for m, (start, end) in zip(words, times, strict=True)]
    bounds.append({"audio_offset": int(round(duration * AUDIO_OFFSET_RESOLUTION)),
                   "text_offset": len(written), "word_length": 0, "text": "",
                   "boundary_type": "End"})
    return bounds


def even_word_boundaries(written: str, duration: float) -> list[dict]:
    """For an engine that reports no timing: words spread over ``duration`` by characters."""
    size = max(len(written), 1)
    times = [(m.start() / size * duration, m.end() / size * duration)
             for m in re.finditer(r"\S+", written)]
    return word_boundaries(written, times, duration)


class WordTimedSubtitles:
    """A ``VoiceoverScene`` mixin: each subtitle chunk (manim-voiceover's split into chunks of
    at most 70 characters) is shown from its first word's start until the next chunk's first
    word (the last chunk: until the block ends), instead of a share of the block's length in
    proportion to its characters."""

    def add_wrapped_subcaption(self, subcaption: str, duration: float,
                               subcaption_buff: float = 0.1, max_subcaption_len: int = 70):
        tracker = getattr(self, "current_tracker", None)
        data = tracker.data if tracker is not None else {}
        bounds = [b for b in data.get("word_boundaries", []) if b.get("boundary_type") == "Word"]
        tokens = subcaption.split()
        if not tokens or [b["text"] for b in bounds] != tokens:
            return super().add_wrapped_subcaption(subcaption, duration, subcaption_buff,
                                                  max_subcaption_len)
        starts = [b["audio_offset"] / AUDIO_OFFSET_RESOLUTION for b in bounds]
        n_chunk = ceil(len(" ".join(tokens)) / max_subcaption_len)
        size = ceil(len(tokens) / n_chunk)  # the same chunks as manim-voiceover's
        first = 0
        for chunk in chunks(tokens, size):
            last = first + len(chunk)
            begin = starts[first] if first else 0.0
            end = starts[last] - subcaption_buff if last < len(tokens) else duration
            self.add_subcaption(" ".join(chunk), duration=max(end - begin, 0.0), offset=begin)
            first = last
