"""The environment a scene process reads: the one home of the variables' names.

``lecture render`` sets them for each ``manim`` process through :func:`scene_environment`
(so do the dry run and the benchmarks); the scene and the voice read them by these names.
No Manim, no numpy.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["DATA", "LAYOUT", "VOICE", "VOICE_THREADS", "scene_environment"]

DATA = "LECTURE_DATA"  # the bundle directory the scene reads
VOICE = "LECTURE_VOICE"  # the voice choice (JSON, scenes.voice.choice), or a voice's name
LAYOUT = "LECTURE_LAYOUT"  # "strict": a text off the frame or overlapping is an error
VOICE_THREADS = "LECTURE_VOICE_THREADS"  # the neural voice's threads in one scene process


def scene_environment(data: os.PathLike | str, voice: str, *, layout: str | None = None,
                      voice_threads: int | None = None) -> dict[str, str]:
    """The variables for a scene process: ``voice`` as :meth:`VoiceChoice.to_env` gives it
    (or a voice's name, resolved by the scene itself)."""
    env = {DATA: str(Path(data).resolve()), VOICE: voice}
    if layout is not None:
        env[LAYOUT] = layout
    if voice_threads is not None:
        env[VOICE_THREADS] = str(voice_threads)
    return env
