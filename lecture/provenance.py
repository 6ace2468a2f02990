"""Where an output came from: the git commit and the versions that made it."""

from __future__ import annotations

import platform
import subprocess
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The distribution's name, which every bundle `lecture data` writes names as its generator:
# `lecture data` replaces an existing bundle only if it carries this name.
GENERATOR = "vanishing-gradients-animated"


def git_commit() -> str | None:
    """The checkout's HEAD, or None outside a git checkout."""
    try:
        result = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"],
                                capture_output=True, text=True, timeout=5, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None


def made_from(bundle, data: Path) -> dict:
    """What a rendered output (the lecture, the deck) was made from: the bundle, the code's
    commit and the versions of the tools, for its manifest."""
    return {
        "bundle": {"path": str(Path(data).resolve()), "digest": bundle.digest(),
                   "seed": bundle.config.get("seed"), "seq_len": bundle.config.get("seq_len")},
        "git_commit": git_commit(),
        "versions": {"python": platform.python_version(), "manim": version("manim"),
                     "manim-voiceover": version("manim-voiceover"), "av": version("av"),
                     "numpy": version("numpy")},
    }
