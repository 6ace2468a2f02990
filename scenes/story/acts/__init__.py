"""Each act's script, one module per act, named as the act's module in :mod:`scenes.acts`:
``script(found)`` returns the act's :class:`~scenes.story.script.Script` from the findings of
the bundle view the act reads. Numpy only: ``lecture script`` and the fact-checker read every
line of a lecture without Manim."""

from __future__ import annotations

import importlib

from ..findings import Findings
from ..script import Script

__all__ = ["script_for"]


def script_for(act, found: Findings) -> Script:
    """The script of ``act`` (a record of :mod:`scenes.acts`) for the bundle behind
    ``found``."""
    return importlib.import_module(f"{__name__}.{act.module}").script(found)
