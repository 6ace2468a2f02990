"""Frame comparisons of the reusable mobjects, drawn from a small fixed bundle, and the
pure maps and layout checks they rely on. Regenerate the control frames after a reviewed
visual change with ``pytest tests/test_mobjects.py --set_test``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from manim import DOWN, LEFT, RIGHT, UP, Text
from manim.utils.testing import frames_comparison as frames_module
from manim.utils.testing.frames_comparison import frames_comparison

from bundle import load_bundle
from scenes.layout import layout_problems
from scenes.mobjects import (
    ExponentChart,
    GradientChart,
    LoopArrow,
    LstmCell,
    RnnCell,
    UnrolledChain,
    fit_width,
    get_backward_arrows,
    get_heatmap,
    get_polyline,
    get_vector,
)
from scenes.story.numbers import (
    decades,
    exponent_range,
    number_to_tex,
    number_to_text,
    number_to_words,
    percent_to_text,
    percent_to_words,
    share_to_words,
)
from scenes.theme import LAYOUT, PALETTE, grad_to_color, signed_to_color, value_to_color

__module_test__ = "mobjects"

# Manim skips frame tests below Cairo 1.18, whose output differs from older versions. Debian
# 12 ships 1.16; the control frames here were made with it, on the machine CI runs on, so
# they compare like with like.
frames_module.MIN_CAIRO_VERSION = 0

BUNDLE = load_bundle(Path(__file__).parent / "data" / "quick")


@frames_comparison
def test_rnn_cell(scene):
    scene.add(RnnCell("h_t"))


@frames_comparison
def test_unrolled_chain_with_hidden_states(scene):
    words = BUNDLE.words("recall", BUNDLE["rnn_tanh/probe/tokens"][:5])
    chain = UnrolledChain(5, input_labels=words, input_weight_label="W_x")
    vectors = [get_vector(h[:8]).next_to(cell, UP) for h, cell in
               zip(BUNDLE["rnn_tanh/probe/h"][:5], chain.cells, strict=True)]
    scene.add(chain, *vectors)


@frames_comparison
def test_gradient_chart_with_an_exact_zero(scene):
    norms = BUNDLE["rnn_sigmoid/grad/h_norm"][-1].copy()
    norms[0] = 0.0  # underflow, drawn as a hollow stub
    scene.add(GradientChart(norms, *decades(norms), width=10, height=3))


@frames_comparison
def test_folded_cell_with_its_loop(scene):
    cell = RnnCell("h_t")
    scene.add(cell, LoopArrow(cell))


@frames_comparison
def test_backward_arrows_scaled_by_real_factors(scene):
    chain = UnrolledChain(5)
    norms = BUNDLE["rnn_tanh/grad/h_norm"][-1][-5:]
    scene.add(chain, get_backward_arrows(chain, norms[:-1] / norms[1:]))


@frames_comparison
def test_log_chart_of_two_gradient_curves(scene):
    tanh = BUNDLE["rnn_tanh/grad/h_norm"][-1]
    lstm = BUNDLE["lstm/grad/c_norm"][-1]
    curves = [tanh / tanh[-1], lstm / lstm[-1]]
    lo, hi, every = exponent_range(np.concatenate(curves))
    chart = ExponentChart(len(tanh), lo, hi, every, x_label="word", y_label="relative")
    steps = np.arange(1, len(tanh) + 1)
    lines = [get_polyline(chart.axes, steps, np.log10(c) - lo, color)
             for c, color in zip(curves, (PALETTE.rnn_tanh, PALETTE.lstm), strict=True)]
    scene.add(chart, *lines)


@frames_comparison
def test_lstm_cell(scene):
    scene.add(LstmCell())


@frames_comparison
def test_forget_gate_heatmap(scene):
    scene.add(get_heatmap(BUNDLE["cuisine/lstm/probe/gate/forget"].T, cell=0.2))


def test_zero_gradients_are_drawn_unlike_small_ones():
    chart = GradientChart([0.0, 1e-12, 1.0], -12, 0)
    zero, tiny, big = chart.bars
    assert zero.get_fill_opacity() == 0 and zero.get_stroke_width() > 0
    assert tiny.get_fill_opacity() == 1 and big.height > tiny.height


@pytest.mark.parametrize("norms", [
    [0.0] * 5,  # everything underflowed
    [1e300] * 5,  # all huge and equal: an axis of one value
    [5e-324] * 5,  # denormal: 10 ** floor(log10) is 0.0 in a float
    [5e-324, 1.0, 1.7e308, 0.0],  # the whole float range, and a zero
])
def test_gradient_charts_draw_any_valid_norms(norms):
    """Issue 15: any norms draw, zeros included, and even values beyond the contract's
    limits (1e300, denormals), which lecture check refuses."""
    lo, hi = decades(norms)
    assert hi > lo
    chart = GradientChart(norms, lo, hi, width=10, height=3)
    heights = [bar.height for bar in chart.bars]
    assert all(np.isfinite(heights)) and max(heights) <= 3 + 1e-9
    assert len(chart.axis) >= 2 and chart.width < 12


def test_colour_maps():
    assert grad_to_color(0.0, -9, 0) == value_to_color(0.0)
    assert grad_to_color(1.0, -9, 0) == value_to_color(1.0)
    assert grad_to_color(1e-9, -9, 0) != grad_to_color(1e-4, -9, 0)
    assert signed_to_color(1.0) != signed_to_color(-1.0)
    assert signed_to_color(0.0).to_hex().upper() == PALETTE.panel.upper()


def test_layout_finds_text_off_frame_and_overlapping():
    inside = Text("inside")
    outside = Text("far away").shift(RIGHT * 8)
    a, b = Text("one"), Text("two").shift(RIGHT * 0.1)
    c = Text("apart").shift(DOWN * 2 + LEFT * 3)
    problems = layout_problems([inside.shift(UP * 3), outside, a, b, c])
    assert len(problems) == 2, problems
    assert problems[0].startswith("'far away' leaves the frame (x 6.")
    assert problems[1] == "'one' overlaps 'two'"
    assert layout_problems([c]) == []
    hidden = Text("hidden").set_opacity(0)
    assert layout_problems([hidden, Text("hidden too")]) == []


def test_layout_keeps_text_out_of_the_duration_badge():
    corner = Text("0:42").move_to([LAYOUT.right - 0.3, LAYOUT.bottom + 0.2, 0])
    assert layout_problems([corner]) == [
        f"'0:42' sits in the duration badge's corner (x to {corner.get_right()[0]:.2f}, "
        f"y from {corner.get_bottom()[1]:.2f})"]
    # the same line at the bottom left, or at the right above the badge, is fine
    assert layout_problems([corner.copy().set_x(LAYOUT.left + 1)]) == []
    assert layout_problems([corner.copy().set_y(LAYOUT.badge_top + 0.3)]) == []
    # a centred line across the frame's foot reaches into the corner too
    wide = Text("Every number came from models trained by this program, seed 0 ...")
    assert layout_problems([fit_width(wide).set_y(LAYOUT.bottom + 0.2)])


@pytest.mark.parametrize("size", [2, 7])
def test_heatmap_shape(size):
    heatmap = get_heatmap(np.arange(size * 3).reshape(size, 3))
    assert len(heatmap) == size and len(heatmap[0]) == 3


def test_numbers_read_the_same_on_screen_and_aloud():
    assert number_to_text(1.87e-13) == "1.9 × 10⁻¹³"
    assert number_to_words(1.87e-13) == "1.9 times ten to the minus 13"
    assert number_to_tex(1.87e-13) == r"1.9 \times 10^{-13}"
    assert number_to_text(0.731) == "0.73" and number_to_text(0.731, digits=3) == "0.731"
    assert number_to_words(-0.5).startswith("minus")
    assert percent_to_text(0.268) == "27%"
    # near the ends: never a false 0% or 100%
    assert [percent_to_text(p) for p in (0.0, 3e-4, 0.004, 0.996, 0.9996, 1.0)] == [
        "0%", "<0.1%", "0.4%", "99.6%", ">99.9%", "100%"]
    assert percent_to_words(3e-4) == "less than 0.1"
    # thousands round before they are written: never "1.2e+02 thousand"
    assert number_to_words(123456.0) == "120 thousand"
    assert number_to_words(1234.0) == "1.2 thousand"
    assert share_to_words(0.0) == "exactly zero"
    assert share_to_words(3.5) == "3.5 times the last word's"
    assert share_to_words(0.24, of="the rest") == "0.24 of the rest"
    lo, hi, every = exponent_range([2e-13, 0.5, 1.0])
    assert lo <= -13 and hi >= 0 and every >= 1
