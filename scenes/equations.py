"""The lecture's equations: one home for the LaTeX that more than one act writes, in the
lecture's fixed colours (``SYMBOL_COLORS`` in the theme)."""

from __future__ import annotations

from manim import MathTex

from .mobjects import fit_width
from .theme import PALETTE, SIZES, SYMBOL_COLORS

__all__ = ["LSTM_EQUATIONS", "get_equation", "get_lstm_equation"]

# The LSTM as the tutorial writes it (Hochreiter & Schmidhuber 1997; the forget gate is
# Gers, Schmidhuber & Cummins 2000), one part per symbol that takes a colour.
LSTM_EQUATIONS = {
    "forget": ("f_t", r"= \sigma(W_f \cdot [h_{t-1}, x_t] + b_f)"),
    "input": ("i_t", r"= \sigma(W_i \cdot [h_{t-1}, x_t] + b_i)"),
    "candidate": (r"\tilde{C}_t", r"= \tanh(W_c \cdot [h_{t-1}, x_t] + b_c)"),
    "update": ("C_t", "=", "f_t", r"\cdot", "C_{t-1}", "+", "i_t", r"\cdot", r"\tilde{C}_t"),
    "output": ("o_t", r"= \sigma(W_o \cdot [h_{t-1}, x_t] + b_o)"),
    "hidden": ("h_t", "=", "o_t", r"\cdot \tanh(", "C_t", ")"),
    # the cell state's own gradient, one step back: the highway's slope
    "cell_gradient": (r"{\partial C_t \over \partial C_{t-1}}", "=", "f_t",
                      r"+\ \text{indirect paths}"),
}
# In the LSTM's equations the hidden state is drawn as forward activity.
_LSTM_COLORS = {**SYMBOL_COLORS, "h_t": PALETTE.forward}


def get_equation(*tex: str, size: float = SIZES.equation, colors: dict | None = None) -> MathTex:
    """LaTeX fitted to the frame; ``colors`` maps symbols to colours (``SYMBOL_COLORS`` for
    the lecture's weights, gates and cell state)."""
    return fit_width(MathTex(*tex, font_size=size, color=PALETTE.text,
                             tex_to_color_map=colors if colors is not None else {}))


def get_lstm_equation(name: str, size: float = SIZES.label * 1.4) -> MathTex:
    """One of :data:`LSTM_EQUATIONS`, each symbol part in its colour."""
    equation = get_equation(*LSTM_EQUATIONS[name], size=size)
    for part in equation:
        part.set_color(_LSTM_COLORS.get(part.tex_string, PALETTE.text))
    return equation
