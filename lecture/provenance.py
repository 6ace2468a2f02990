"""Where an output came from: the git commit and the versions that made it."""

from __future__ import annotations

import subprocess
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
