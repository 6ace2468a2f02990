"""The lecture's one theme: palette with named roles, fonts, sizes, layout and timing.

The palette is Okabe & Ito's, which stays distinct under the common colour-vision
deficiencies; no meaning rests on red against green alone, and the pairs that carry a
contrast (vanish against explode, RNN against LSTM) are blue against orange. Gradient
magnitudes use cividis, a colour map built to read the same for deuteranopes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import ManimColor, config, interpolate_color

from .story.numbers import log_fraction

__all__ = [
    "FONTS", "LAYOUT", "PALETTE", "SIZES", "SYMBOL_COLORS", "TIMING", "grad_to_color",
    "signed_to_color", "value_to_color",
]


@dataclass(frozen=True)
class Palette:
    background: str = "#14161B"
    text: str = "#ECEFF4"
    muted: str = "#8E96A3"
    panel: str = "#23262E"
    accent: str = "#F0E442"  # yellow: the thing to look at
    # forward activity and backward gradients
    forward: str = "#56B4E9"  # sky blue
    gradient: str = "#E69F00"  # orange
    # weights: the recurrent weight W_h is shared at every step, and always this colour
    weight_h: str = "#CC79A7"  # reddish purple
    weight_x: str = "#009E73"  # bluish green
    weight_y: str = "#56B4E9"
    # the scalar example
    vanish: str = "#0072B2"  # blue
    steady: str = "#BBBBBB"
    explode: str = "#E69F00"  # orange
    # LSTM parts
    cell_state: str = "#F0E442"
    forget_gate: str = "#D55E00"  # vermilion
    input_gate: str = "#009E73"  # bluish green
    output_gate: str = "#56B4E9"  # sky blue
    candidate: str = "#CC79A7"
    # models, in comparisons (always labelled directly, never by colour alone)
    rnn_tanh: str = "#E69F00"
    rnn_sigmoid: str = "#D55E00"
    rnn_relu: str = "#F0E442"
    irnn: str = "#CC79A7"
    lstm: str = "#56B4E9"
    gru: str = "#009E73"
    # activations
    sigmoid: str = "#D55E00"
    tanh: str = "#56B4E9"
    relu: str = "#009E73"
    positive: str = "#56B4E9"  # signed values, e.g. hidden-state entries
    negative: str = "#E69F00"

    def model(self, name: str) -> str:
        return getattr(self, name.split("/")[-1])


@dataclass(frozen=True)
class Fonts:
    text: str = "DejaVu Sans"
    mono: str = "DejaVu Sans Mono"


@dataclass(frozen=True)
class Sizes:
    """Font sizes (Manim's ``font_size``). At 480p the smallest stays readable."""

    title: float = 56
    heading: float = 40
    body: float = 30
    label: float = 24
    small: float = 20
    equation: float = 40


@dataclass(frozen=True)
class Layout:
    margin: float = 0.4  # kept clear at every frame edge
    heading_y: float = 3.35  # top line of an act's slide
    buff: float = 0.25
    cell_size: float = 0.9  # an RNN cell's box in the unrolled chain
    vector_cell: float = 0.16  # one entry of a hidden-state vector
    # YouTube draws the video's duration over its bottom-right corner (thumbnails, the
    # feed): about 11 % of the width and 10 % of the height there; kept clear, with room to
    # spare, are the right 18 % and the lowest 12.5 %
    badge_width: float = 0.18
    badge_height: float = 0.125

    # the title-safe area: the frame less the margin (Manim's frame is 16:9 at every quality)
    @property
    def left(self) -> float:
        return -config.frame_width / 2 + self.margin

    @property
    def right(self) -> float:
        return config.frame_width / 2 - self.margin

    @property
    def top(self) -> float:
        return config.frame_height / 2 - self.margin

    @property
    def bottom(self) -> float:
        return -config.frame_height / 2 + self.margin

    @property
    def badge_left(self) -> float:
        """Where the badge's corner begins, from the left, in scene units."""
        return config.frame_width * (0.5 - self.badge_width)

    @property
    def badge_top(self) -> float:
        """The badge's top edge; a picture that spans the frame's width stays above it."""
        return -config.frame_height * (0.5 - self.badge_height)


@dataclass(frozen=True)
class Timing:
    fast: float = 0.5
    normal: float = 1.0
    slow: float = 2.0
    pause: float = 0.5  # a breath between narration blocks


PALETTE, FONTS, SIZES, LAYOUT, TIMING = Palette(), Fonts(), Sizes(), Layout(), Timing()

# LaTeX symbols that keep one colour in every equation of the lecture: the shared weights,
# the LSTM's gates and its cell state.
SYMBOL_COLORS = {
    "W_h": PALETTE.weight_h,
    "W_x": PALETTE.weight_x,
    "W_y": PALETTE.weight_y,
    "f_t": PALETTE.forget_gate,
    "i_t": PALETTE.input_gate,
    "o_t": PALETTE.output_gate,
    "C_t": PALETTE.cell_state,
    "C_{t-1}": PALETTE.cell_state,
    r"\tilde{C}_t": PALETTE.candidate,
}

# cividis at nine stops, dark blue to yellow (Nuñez, Anderton & Renslow 2018)
_CIVIDIS = ("#00204C", "#1E3A6E", "#414D6B", "#5F636E", "#7C7B78", "#9B9377", "#BCAF6F",
            "#DFCB5D", "#FFE945")


def value_to_color(t: float) -> ManimColor:
    """Map t in [0, 1] to cividis."""
    t = min(max(float(t), 0.0), 1.0) * (len(_CIVIDIS) - 1)
    i = min(int(t), len(_CIVIDIS) - 2)
    return interpolate_color(ManimColor(_CIVIDIS[i]), ManimColor(_CIVIDIS[i + 1]), t - i)


def grad_to_color(norm: float, lo: float, hi: float) -> ManimColor:
    """A gradient norm to a colour on a log scale between 10^lo and 10^hi (exponents).

    Exact zeros (underflow) take the darkest colour: there is nothing left of the signal.
    """
    return value_to_color(log_fraction(norm, lo, hi))


def signed_to_color(value: float, scale: float = 1.0) -> ManimColor:
    """A signed value (a hidden-state entry) to a colour: blue positive, orange negative,
    fading to the panel colour at zero."""
    t = float(np.clip(abs(value) / scale, 0.0, 1.0))
    end = PALETTE.positive if value >= 0 else PALETTE.negative
    return interpolate_color(ManimColor(PALETTE.panel), ManimColor(end), t)
