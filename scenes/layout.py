"""Layout checks: no text leaves the frame, no text overlaps other text, and no text sits
in the bottom-right corner where YouTube draws the video's duration
(:attr:`~scenes.theme.Layout.badge_left`, :attr:`~scenes.theme.Layout.badge_top`).

:class:`~scenes.lecture_scene.LectureScene` runs :func:`layout_problems` on what is on
screen at the end of every animation. With ``LECTURE_LAYOUT=strict`` (the tests) a problem
stops the render; otherwise it is logged as a warning.
"""

from __future__ import annotations

from collections.abc import Iterable

from manim import DL, UR, DecimalNumber, Mobject, SingleStringMathTex, Text, config
from manim.mobject.text.text_mobject import MarkupText, Paragraph

from .theme import LAYOUT

__all__ = ["LayoutError", "in_badge_corner", "layout_problems", "text_mobjects", "text_of"]

TEXT_TYPES = (Text, MarkupText, Paragraph, SingleStringMathTex, DecimalNumber)
TOLERANCE = 0.02  # scene units; boxes may touch


class LayoutError(Exception):
    pass


def _visible(mobject: Mobject) -> bool:
    for m in mobject.family_members_with_points():
        if m.get_fill_opacity() > 0.05 or (m.get_stroke_opacity() > 0.05
                                           and m.get_stroke_width() > 0):
            return True
    return False


def text_mobjects(mobjects: Iterable[Mobject]) -> list[Mobject]:
    """The visible text mobjects among ``mobjects`` and their submobjects (not descending
    into a text's own glyphs)."""
    found: list[Mobject] = []

    def visit(m: Mobject) -> None:
        if isinstance(m, TEXT_TYPES):
            if _visible(m):
                found.append(m)
            return
        for sub in m.submobjects:
            visit(sub)

    for m in mobjects:
        visit(m)
    return found


def text_of(m: Mobject) -> str | None:
    """What a text mobject says: a Text's string, a MathTex's LaTeX, a number's value."""
    text = getattr(m, "original_text", None) or getattr(m, "tex_string", None)
    if text is None and isinstance(m, DecimalNumber):
        text = f"{m.get_value():g}"
    return None if text is None else str(text)


def describe(m: Mobject) -> str:
    text = text_of(m)
    return repr(text[:40]) if text is not None else type(m).__name__


def in_badge_corner(right: float, bottom: float) -> bool:
    """Whether a box whose right edge and bottom are these reaches under the badge."""
    return (right > LAYOUT.badge_left + TOLERANCE
            and bottom < LAYOUT.badge_top - TOLERANCE)


def layout_problems(mobjects: Iterable[Mobject]) -> list[str]:
    texts = text_mobjects(mobjects)
    half_w, half_h = config.frame_width / 2, config.frame_height / 2
    boxes = []
    problems = []
    for m in texts:
        (x0, y0, _), (x1, y1, _) = m.get_corner(DL), m.get_corner(UR)
        boxes.append((x0, y0, x1, y1))
        if (x0 < -half_w - TOLERANCE or x1 > half_w + TOLERANCE
                or y0 < -half_h - TOLERANCE or y1 > half_h + TOLERANCE):
            problems.append(f"{describe(m)} leaves the frame "
                            f"(x {x0:.2f}..{x1:.2f}, y {y0:.2f}..{y1:.2f})")
        elif in_badge_corner(x1, y0):
            problems.append(f"{describe(m)} sits in the duration badge's corner "
                            f"(x to {x1:.2f}, y from {y0:.2f})")
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            a, b = boxes[i], boxes[j]
            w = min(a[2], b[2]) - max(a[0], b[0])
            h = min(a[3], b[3]) - max(a[1], b[1])
            if w > TOLERANCE and h > TOLERANCE:
                problems.append(f"{describe(texts[i])} overlaps {describe(texts[j])}")
    return problems
