"""Reusable mobjects: every act draws its RNNs, LSTMs, gradients and charts from here.

Two kinds, one convention each:
- a composite drawing is a class whose parts have names, set when it is built (a chain's
  ``cells``, a chart's ``bars``; the LSTM cell, with many parts, keeps them in ``parts``):
  scenes never reach into a drawing by position;
- a ``get_*`` factory returns a simple group indexed by the data (bar ``t`` for time step
  ``t``, ``heatmap[r][c]``) or a single mobject.
Both take arrays and plain values, never paths, bundles or models. Animations are returned,
not played: the scene decides when.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    Arrow,
    Axes,
    Create,
    CurvedArrow,
    Dot,
    FadeIn,
    GrowArrow,
    Line,
    MathTex,
    Rectangle,
    RoundedRectangle,
    Square,
    Text,
    VGroup,
    VMobject,
)

from .story.numbers import log_fraction, log_levels
from .theme import FONTS, LAYOUT, PALETTE, SIZES, grad_to_color, signed_to_color

__all__ = [
    "ExponentAxes",
    "ExponentChart",
    "GradientChart",
    "LoopArrow",
    "LstmCell",
    "RnnCell",
    "UnrolledChain",
    "fit_right",
    "fit_width",
    "keep_in_frame",
    "spread_labels",
    "get_backward_arrows",
    "get_bullets",
    "get_caption",
    "get_chapter_card",
    "get_gradient_bars",
    "get_heading",
    "get_heatmap",
    "get_polyline",
    "get_text",
    "get_vector",
    "get_word",
    "get_words",
]


def safe_width() -> float:
    return LAYOUT.right - LAYOUT.left


def fit_right(mobject, right: float | None = None):
    """Scale ``mobject`` down about its left edge (never up) so that it ends before
    ``right`` (the safe frame's right edge by default): a picture placed beside another
    whose words came from the bundle."""
    right = LAYOUT.right if right is None else right
    room = right - mobject.get_left()[0]
    if 0 < room < mobject.width:
        mobject.scale(room / mobject.width, about_edge=LEFT)
    return mobject


def keep_in_frame(mobject):
    """Shift ``mobject`` sideways just enough to sit inside the safe frame (a label placed
    under a chart's first or last bar, its word from the bundle)."""
    edge = LAYOUT.right
    left, right = mobject.get_left()[0], mobject.get_right()[0]
    if left < -edge:
        mobject.shift(RIGHT * (-edge - left))
    elif right > edge:
        mobject.shift(LEFT * (right - edge))
    return mobject


def spread_labels(labels, gap: float = 0.05) -> None:
    """Push labels at the ends of curves apart vertically, upwards, so none overlaps the
    next (two curves that end at about one height)."""
    ordered = sorted(labels, key=lambda m: m.get_y())
    for below, above in pairwise(ordered):
        lift = below.get_top()[1] + gap - above.get_bottom()[1]
        if lift > 0:
            above.shift(UP * lift)


def fit_width(mobject, width: float | None = None):
    """Scale ``mobject`` down (never up) so it fits ``width`` (the safe frame by default)."""
    width = safe_width() if width is None else width
    if mobject.width > width:
        mobject.scale_to_fit_width(width)
    return mobject


def get_text(text: str, size: float = SIZES.body, color: str = PALETTE.text, **kwargs) -> Text:
    return Text(text, font=FONTS.text, font_size=size, color=color, **kwargs)


def get_heading(text: str) -> Text:
    """An act's slide title, at the top of the frame."""
    heading = fit_width(get_text(text, SIZES.heading, weight="BOLD"))
    return heading.move_to(UP * LAYOUT.heading_y)


def get_caption(text: str, size: float = SIZES.label, color: str = PALETTE.muted) -> Text:
    return fit_width(get_text(text, size, color))


def get_bullets(lines: Sequence[str], size: float = SIZES.body, width: float | None = None,
                buff: float = 0.3) -> VGroup:
    """Left-aligned lines, each with a bullet, fitted to ``width``. The bullet is its own
    mobject, so each line's text is the script's line as written."""
    items = VGroup(*(_bulleted(line, size) for line in lines))
    items.arrange(DOWN, aligned_edge=LEFT, buff=buff)
    return fit_width(items, width)


def _bulleted(line: str, size: float) -> VGroup:
    """A bullet glyph and ``line`` where they sit in the text "•  line": the same shapes,
    with the line a text of its own."""
    ghost = get_text(f"•  {line}", size)
    text = get_text(line, size).move_to(VGroup(*ghost[1:]))
    return VGroup(ghost[0].copy(), text)


def get_word(word: str, width: float, size: float = SIZES.small, color: str = PALETTE.text,
             min_scale: float = 0.6) -> Text:
    """A word from the bundle in a place ``width`` wide: as it is when it fits, scaled down
    (to ``min_scale`` of ``size`` at most, so it stays legible) when not, and past that cut
    short with an ellipsis ("Wwwwwwww…"). The narration says the whole word."""
    text = get_text(word, size, color)
    if text.width <= width:
        return text
    if text.width * min_scale <= width:
        return text.scale(width / text.width)
    for cut in range(len(word) - 1, 0, -1):
        text = get_text(word[:cut] + "…", size * min_scale, color)
        if text.width <= width:
            return text
    return text


def get_words(words: Sequence[str], size: float = SIZES.label, color: str = PALETTE.text,
              buff: float = 0.18) -> VGroup:
    """A sentence as separate word mobjects in a row, so each word can be pointed at."""
    row = VGroup(*(get_text(w, size, color) for w in words))
    row.arrange(RIGHT, buff=buff, aligned_edge=DOWN)
    return fit_width(row)


# ------------------------------------------------------------------------------ RNN


class RnnCell(VGroup):
    """A recurrent cell: a rounded ``box`` with its ``symbol`` (``h_t``)."""

    def __init__(self, symbol: str = "h", size: float = LAYOUT.cell_size,
                 color: str = PALETTE.forward):
        super().__init__()
        self.box = RoundedRectangle(corner_radius=0.12, width=size, height=size, color=color,
                                    stroke_width=3, fill_color=PALETTE.panel, fill_opacity=1)
        self.symbol = MathTex(symbol, font_size=SIZES.label * 1.3, color=PALETTE.text)
        self.symbol.scale_to_fit_height(min(self.symbol.height, size * 0.45)).move_to(self.box)
        self.add(self.box, self.symbol)


class LoopArrow(VGroup):
    """The folded RNN's loop, drawn outside a cell's box: out of its right side, over the
    top right corner and back in through its top. Parts: ``arrow`` and its weight
    ``symbol``."""

    def __init__(self, cell: RnnCell, symbol: str = "W_h"):
        super().__init__()
        box = cell.box
        self.arrow = CurvedArrow(box.get_right() + UP * 0.2 * box.height,
                                 box.get_top() + RIGHT * 0.2 * box.width, angle=3 * math.pi / 2,
                                 color=PALETTE.weight_h, stroke_width=4, tip_length=0.18)
        self.symbol = MathTex(symbol, font_size=SIZES.label, color=PALETTE.weight_h)
        self.symbol.next_to(self.arrow, UP + RIGHT, buff=0.05)
        self.add(self.arrow, self.symbol)


class UnrolledChain(VGroup):
    """An RNN unrolled through time: cells left to right, the hidden state passed along.

    Parts: ``cells``, ``links`` (h_{t-1} -> h_t arrows, all in the W_h colour: one shared
    weight), ``link_labels``, ``inputs`` (x_t arrows from below), ``input_labels``.
    """

    def __init__(self, steps: int, cell_labels: Sequence[str] | None = None,
                 input_labels: Sequence[str] | None = None, size: float = LAYOUT.cell_size,
                 gap: float = 0.55, weight_label: str | None = "W_h",
                 input_weight_label: str | None = None, width: float | None = None):
        super().__init__()
        cell_labels = cell_labels or [f"h_{{{t + 1}}}" for t in range(steps)]
        self.cells = VGroup(*(RnnCell(label, size) for label in cell_labels))
        self.cells.arrange(RIGHT, buff=gap)
        self.links = VGroup(*(
            Arrow(a.box.get_right(), b.box.get_left(), buff=0.04, color=PALETTE.weight_h,
                  stroke_width=4, max_tip_length_to_length_ratio=0.35)
            for a, b in zip(self.cells[:-1], self.cells[1:], strict=True)))
        self.link_labels = VGroup()
        if weight_label:
            self.link_labels = VGroup(*(
                MathTex(weight_label, font_size=SIZES.small, color=PALETTE.weight_h)
                .next_to(link, UP, buff=0.06) for link in self.links))
        self.inputs = VGroup(*(
            Arrow(cell.box.get_bottom() + DOWN * 0.7, cell.box.get_bottom(), buff=0.03,
                  color=PALETTE.weight_x, stroke_width=3, max_tip_length_to_length_ratio=0.3)
            for cell in self.cells))
        self.input_labels = VGroup()
        if input_labels is not None:
            pitch = size + gap - 0.1  # a word never reaches under the next cell's
            self.input_labels = VGroup(*(
                get_word(word, pitch).next_to(arrow, DOWN, buff=0.08)
                for word, arrow in zip(input_labels, self.inputs, strict=True)))
        self.input_weight_labels = VGroup()
        if input_weight_label:
            self.input_weight_labels = VGroup(*(
                MathTex(input_weight_label, font_size=SIZES.small, color=PALETTE.weight_x)
                .next_to(arrow, RIGHT, buff=0.04) for arrow in self.inputs))
        self.add(self.links, self.link_labels, self.inputs, self.input_labels,
                 self.input_weight_labels, self.cells)
        fit_width(self, width)


def get_backward_arrows(chain: UnrolledChain, scales: Sequence[float] | None = None,
                        color: str = PALETTE.gradient, angle: float = 0.0,
                        offset: float = 0.28) -> VGroup:
    """The gradient flowing back through an unrolled chain: ``arrows[i]`` runs from cell i+1
    back to cell i. Straight (``angle`` 0) under each W_h link, ``offset`` below it; or, with
    an ``angle``, an arc from the bottom of one cell to the bottom of the one before.
    ``scales[i]`` thickens or thins arrow i (clipped to stay drawable)."""
    scales = np.ones(len(chain.links)) if scales is None else np.asarray(scales, dtype=float)
    arrows = VGroup()
    for a, b, scale in zip(chain.cells[:-1], chain.cells[1:], scales, strict=True):
        if angle:
            arrows.add(CurvedArrow(b.box.get_bottom() + DOWN * offset,
                                   a.box.get_bottom() + DOWN * offset, angle=angle,
                                   color=color, stroke_width=float(np.clip(4 * scale, 0.75, 16)),
                                   tip_length=0.18))
        else:
            arrows.add(Arrow(b.box.get_left() + DOWN * offset, a.box.get_right() + DOWN * offset,
                             buff=0.06, color=color,
                             stroke_width=float(np.clip(5 * scale, 0.75, 16)), tip_length=0.25,
                             max_stroke_width_to_length_ratio=50,
                             max_tip_length_to_length_ratio=0.3))
    return arrows


def get_vector(values: Sequence[float], scale: float | None = None,
               cell: float = LAYOUT.vector_cell) -> VGroup:
    """A hidden-state vector as a column of small squares, blue positive, orange negative."""
    values = np.asarray(values, dtype=float)
    scale = scale or float(np.abs(values).max()) or 1.0
    squares = VGroup(*(
        Square(cell, stroke_width=0.6, stroke_color=PALETTE.background,
               fill_color=signed_to_color(v, scale), fill_opacity=1)
        for v in values))
    return squares.arrange(DOWN, buff=0)


# ------------------------------------------------------------------------- gradients


def get_gradient_bars(norms: Sequence[float], lo: float, hi: float, width: float = 10.0,
                      height: float = 2.5, bar_fill: float = 0.8) -> VGroup:
    """One bar per time step, its height log10(norm) above ``lo`` (from 10^lo to 10^hi:
    exponents), coloured by size.

    Exact zeros (underflow) get a hollow stub at the baseline, drawn differently from a
    small value, so the picture never hides them. ``bars[t]`` is step t's bar.
    """
    norms = np.asarray(norms, dtype=float)
    step = width / len(norms)
    bars = VGroup()
    for t, norm in enumerate(norms):
        if norm > 0:
            frac = log_fraction(norm, lo, hi)
            bar = Rectangle(width=step * bar_fill, height=max(frac * height, 0.02),
                            stroke_width=0, fill_color=grad_to_color(norm, lo, hi),
                            fill_opacity=1)
        else:
            bar = Rectangle(width=step * bar_fill, height=0.06, stroke_width=1.5,
                            stroke_color=PALETTE.muted, fill_opacity=0)
        bar.move_to([(t + 0.5) * step - width / 2, -height / 2, 0], aligned_edge=DOWN)
        bars.add(bar)
    return bars


class GradientChart(VGroup):
    """Gradient bars with a log10 ``axis`` on the left, ticks at each power of ten.

    ``bars[t]`` is step t's bar (see :func:`get_gradient_bars`). The axis runs from 10^lo to
    10^hi, exponents as :func:`scenes.story.numbers.decades` gives them (``hi`` > ``lo``)."""

    def __init__(self, norms: Sequence[float], lo: int, hi: int, width: float = 10.0,
                 height: float = 2.5, label_every: int | None = None):
        super().__init__()
        if hi <= lo:
            raise ValueError(f"a log axis from 10^{lo} to 10^{hi} has no length")
        self.bars = get_gradient_bars(norms, lo, hi, width, height)
        x = -width / 2 - 0.15
        self.axis = VGroup(Line([x, -height / 2, 0], [x, height / 2, 0], color=PALETTE.muted,
                                stroke_width=2))
        decades = hi - lo
        every = label_every or max(1, math.ceil(decades / 5))
        for k in range(lo, hi + 1):
            y = -height / 2 + height * (k - lo) / decades
            self.axis.add(Line([x - 0.08, y, 0], [x, y, 0], color=PALETTE.muted,
                               stroke_width=2))
            if (hi - k) % every == 0:
                self.axis.add(MathTex(f"10^{{{k}}}", font_size=SIZES.small, color=PALETTE.muted)
                              .next_to([x - 0.08, y, 0], LEFT, buff=0.08))
        self.add(self.axis, self.bars)


def get_chapter_card(number: int, total: int, title: str) -> VGroup:
    """An act's opening card: its place in the lecture and its title."""
    part = get_text(f"Part {number} of {total}", SIZES.label, PALETTE.muted)
    name = fit_width(get_text(title, SIZES.title, weight="BOLD"))
    rule = Line(LEFT * 1.5, RIGHT * 1.5, color=PALETTE.accent, stroke_width=3)
    return VGroup(part, name, rule).arrange(DOWN, buff=0.3)


class ExponentAxes(Axes):
    """A value on a log10 scale, from 10^lo to 10^hi, against x from 0 to ``steps``.

    The y axis counts decades above 10^lo, so the x axis runs along the bottom (not through
    10^0, as Manim's log scaling puts it), and the powers of ten are labelled at a size that
    reads at 480p. ``value_to_point(x, v)`` places a value; ``c2p(x, log10(v) - lo)`` is the
    same point.
    """

    def __init__(self, steps: int, lo: int, hi: int, every: int = 1, width: float = 9.0,
                 height: float = 4.5):
        tick = next(n for n in (1, 2, 5, 10, 20, 50, 100, 200, 500, 10**9) if n >= steps / 6)
        super().__init__(x_range=[0, steps, tick], y_range=[0, hi - lo + 1, every],
                         x_length=width, y_length=height, tips=False,
                         axis_config={"color": PALETTE.muted, "include_tip": False})
        self.lo, self.hi = lo, hi
        for k in range(hi, lo - 1, -every):
            self.add(MathTex(f"10^{{{k}}}", font_size=SIZES.label, color=PALETTE.muted)
                     .next_to(self.c2p(0, k - lo), LEFT, buff=0.15))
        for t in range(tick, steps + 1, tick):
            self.add(get_text(str(t), SIZES.small, PALETTE.muted)
                     .next_to(self.c2p(t, 0), DOWN, buff=0.15))

    def value_to_point(self, x: float, value: float) -> np.ndarray:
        """Where ``value`` sits at ``x``; zero on the floor, anything beyond the axis at its
        end (:func:`scenes.story.numbers.log_levels`)."""
        return self.c2p(x, float(log_levels(value, self.lo, self.hi)))


class ExponentChart(VGroup):
    """:class:`ExponentAxes` (``axes``) with optional axis names, below and to the left.
    ``lo``, ``hi`` and ``every`` as :func:`scenes.story.numbers.exponent_range` gives them."""

    def __init__(self, steps: int, lo: int, hi: int, every: int = 1, width: float = 9.0,
                 height: float = 4.5, x_label: str | None = None, y_label: str | None = None):
        super().__init__()
        self.axes = ExponentAxes(steps, lo, hi, every, width, height)
        self.add(self.axes)
        if x_label:
            self.add(get_caption(x_label, SIZES.small).next_to(self.axes, DOWN, buff=0.15))
        if y_label:
            self.add(get_caption(y_label, SIZES.small).rotate(math.pi / 2)
                     .next_to(self.axes, LEFT, buff=0.15))


def get_polyline(axes: Axes, xs: Sequence[float], ys: Sequence[float], color: str,
                 width: float = 5) -> VMobject:
    """A curve through data points, straight between them, in the axes' coordinates."""
    points = [axes.c2p(x, y) for x, y in zip(xs, ys, strict=True)]
    return VMobject(stroke_color=color, stroke_width=width).set_points_as_corners(points)


def get_heatmap(matrix, cell: float = 0.12, scale: float | None = None) -> VGroup:
    """A (rows, cols) array as coloured squares, signed colours; ``heatmap[r][c]``."""
    matrix = np.asarray(matrix, dtype=float)
    scale = scale or float(np.abs(matrix).max()) or 1.0
    rows = VGroup(*(
        VGroup(*(Square(cell, stroke_width=0, fill_color=signed_to_color(v, scale),
                        fill_opacity=1) for v in row)).arrange(RIGHT, buff=0)
        for row in matrix))
    return rows.arrange(DOWN, buff=0)


# ------------------------------------------------------------------------------ LSTM


class LstmCell(VGroup):
    """An LSTM cell in the familiar layout: the cell-state line across the top, the gates
    below it. Its parts, by name in ``parts``:

    - ``body``; ``cell_line`` (C_{t-1} -> C_t, an arrow); ``hidden_line`` (h_{t-1} in);
    - the gates ``forget_gate``, ``input_gate``, ``candidate_gate``, ``output_gate``;
    - the operations ``times_f``, ``plus``, ``times_i``, ``times_o``, ``tanh_c``;
    - the wires ``bus`` (h_{t-1} and x_t), ``to_forget``, ``to_input``, ``to_candidate``,
      ``to_output``, ``forget_to_times``, ``input_up``, ``input_to_times``,
      ``candidate_up``, ``candidate_to_times``, ``times_i_to_plus``, ``output_to_times``,
      ``cell_to_tanh``, ``tanh_to_times``, ``to_h`` (h_t out);
    - the labels ``label_c_prev``, ``label_c``, ``label_h_prev``, ``label_h``, ``label_x``,
      ``label_f``, ``label_i``, ``label_candidate``, ``label_o``.

    :meth:`reveal` returns the animations that draw named parts in."""

    GATES = ("forget_gate", "input_gate", "candidate_gate", "output_gate")

    def __init__(self, width: float = 7.0, height: float = 3.6):
        super().__init__()
        w, h = width, height
        parts: dict[str, VMobject] = {}
        parts["body"] = RoundedRectangle(corner_radius=0.25, width=w, height=h,
                                         color=PALETTE.muted, stroke_width=2,
                                         fill_color=PALETTE.panel, fill_opacity=1)
        top, bottom = h / 2 - 0.55, -h / 2 + 0.5
        left, right = -w / 2, w / 2
        parts["cell_line"] = Arrow([left - 0.8, top, 0], [right + 0.8, top, 0], buff=0,
                                   color=PALETTE.cell_state, stroke_width=7,
                                   max_tip_length_to_length_ratio=0.04)
        parts["hidden_line"] = Line([left - 0.8, bottom, 0], [left + 0.6, bottom, 0],
                                    color=PALETTE.forward, stroke_width=4)
        xs = np.linspace(left + 1.0, right - 1.3, 4)
        gate_y = bottom + 0.75
        colors = (PALETTE.forget_gate, PALETTE.input_gate, PALETTE.candidate,
                  PALETTE.output_gate)
        for name, x, symbol, color in zip(self.GATES, xs, (r"\sigma", r"\sigma", r"\tanh",
                                                           r"\sigma"), colors, strict=True):
            box = RoundedRectangle(corner_radius=0.08, width=0.8, height=0.5, color=color,
                                   stroke_width=3, fill_color=PALETTE.background,
                                   fill_opacity=1).move_to([x, gate_y, 0])
            parts[name] = VGroup(box, MathTex(symbol, font_size=SIZES.label,
                                              color=color).move_to(box))

        def node(symbol, point, color=PALETTE.text):
            circle = Dot(point, radius=0.2, color=PALETTE.background).set_stroke(color, 3)
            return VGroup(circle, MathTex(symbol, font_size=SIZES.label, color=color)
                          .move_to(point))

        mid = (xs[1] + xs[2]) / 2
        parts["times_f"] = node(r"\times", [xs[0], top, 0], PALETTE.forget_gate)
        parts["plus"] = node("+", [mid, top, 0], PALETTE.input_gate)
        parts["times_i"] = node(r"\times", [mid, gate_y + 0.75, 0], PALETTE.input_gate)
        parts["times_o"] = node(r"\times", [xs[3] + 0.9, bottom + 0.2, 0], PALETTE.output_gate)
        box = RoundedRectangle(corner_radius=0.08, width=0.8, height=0.45,
                               color=PALETTE.cell_state, stroke_width=2,
                               fill_color=PALETTE.background, fill_opacity=1)
        box.move_to([xs[3] + 0.9, top - 0.85, 0])
        parts["tanh_c"] = VGroup(box, MathTex(r"\tanh", font_size=SIZES.small,
                                              color=PALETTE.cell_state).move_to(box))

        def edge(part: str, side) -> np.ndarray:  # a point on a gate's or node's outline
            return parts[part][0].get_critical_point(side)

        wire = dict(color=PALETTE.muted, stroke_width=2.5)
        ends = {
            "bus": ([left + 0.6, bottom, 0], [xs[3], bottom, 0]),
            **{f"to_{name.split('_')[0]}": ([x, bottom, 0], edge(name, DOWN))
               for x, name in zip(xs, self.GATES, strict=True)},
            "forget_to_times": (edge("forget_gate", UP), edge("times_f", DOWN)),
            "input_up": (edge("input_gate", UP), [xs[1], gate_y + 0.75, 0]),
            "input_to_times": ([xs[1], gate_y + 0.75, 0], edge("times_i", LEFT)),
            "candidate_up": (edge("candidate_gate", UP), [xs[2], gate_y + 0.75, 0]),
            "candidate_to_times": ([xs[2], gate_y + 0.75, 0], edge("times_i", RIGHT)),
            "times_i_to_plus": (edge("times_i", UP), edge("plus", DOWN)),
            "output_to_times": (edge("output_gate", RIGHT), edge("times_o", LEFT)),
            "cell_to_tanh": ([xs[3] + 0.9, top, 0], edge("tanh_c", UP)),
            "tanh_to_times": (edge("tanh_c", DOWN), edge("times_o", UP)),
        }
        wires = VGroup()
        for name, (start, end) in ends.items():
            parts[name] = Line(start, end, **wire)
            wires.add(parts[name])
        parts["to_h"] = Line(edge("times_o", RIGHT), [right + 0.8, bottom + 0.2, 0],
                             color=PALETTE.forward, stroke_width=4)
        wires.add(parts["to_h"])

        def label(name: str, tex: str, color: str, size: float = SIZES.label):
            parts[name] = MathTex(tex, font_size=size, color=color)
            return parts[name]

        labels = VGroup(
            label("label_c_prev", "C_{t-1}", PALETTE.cell_state)
            .next_to(parts["cell_line"].get_start(), UP, buff=0.1),
            label("label_c", "C_t", PALETTE.cell_state)
            .next_to(parts["cell_line"].get_end(), UP, buff=0.1),
            label("label_h_prev", "h_{t-1}", PALETTE.forward)
            .next_to(parts["hidden_line"].get_start(), DOWN, buff=0.1),
            label("label_h", "h_t", PALETTE.forward)
            .next_to([right + 0.8, bottom + 0.2, 0], DOWN, buff=0.1),
            label("label_x", "x_t", PALETTE.weight_x)
            .next_to([left + 0.6, bottom, 0], DOWN, buff=0.35),
            *(label(name, tex, color, SIZES.small).next_to(parts[gate], UP, buff=0.06,
                                                           aligned_edge=LEFT)
              for name, tex, gate, color in zip(
                  ("label_f", "label_i", "label_candidate", "label_o"),
                  ("f_t", "i_t", r"\tilde{C}_t", "o_t"), self.GATES, colors, strict=True)),
        )
        self.parts = parts
        self.add(parts["body"], wires, parts["cell_line"], parts["hidden_line"],
                 *(parts[name] for name in self.GATES),
                 *(parts[name] for name in ("times_f", "plus", "times_i", "times_o", "tanh_c")),
                 labels)

    def reveal(self, *names: str) -> list[Animation]:
        """Animations that draw the named parts in: arrows grow, wires are drawn, the rest
        fades in."""
        animations = []
        for name in names:
            part = self.parts[name]
            if isinstance(part, Arrow):
                animations.append(GrowArrow(part))
            elif isinstance(part, Line):
                animations.append(Create(part))
            else:
                animations.append(FadeIn(part))
        return animations
