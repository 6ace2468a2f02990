"""The narration voices by name: what ``--voice`` accepts. Pure Python, so the command line
can list them without importing Manim; the services behind them are in :mod:`scenes.voice.services`.
"""

from __future__ import annotations

__all__ = ["DEFAULT_VOICE", "VOICES", "WORDS_PER_MINUTE"]

VOICES = ("hibari", "piper", "flite", "espeak", "none")
DEFAULT_VOICE = "hibari"
# The pace of the silent voice, "none": each block lasts as long as its words take at this rate.
WORDS_PER_MINUTE = 150.0
