"""The names the lecture gives things on screen and in speech. Pure Python: the command
line and the findings use them without importing Manim."""

from __future__ import annotations

__all__ = ["MODEL_NAMES"]

MODEL_NAMES = {
    "rnn_tanh": "tanh RNN",
    "rnn_sigmoid": "sigmoid RNN",
    "rnn_relu": "ReLU RNN",
    "irnn": "IRNN",
    "lstm": "LSTM",
    "gru": "GRU",
}
