"""The names the lecture gives things on screen and in speech. Pure Python: the command
line and the findings use them without importing Manim."""

from __future__ import annotations

__all__ = ["MODEL_NAMES", "model_name"]

MODEL_NAMES = {
    "rnn_tanh": "tanh RNN",
    "rnn_sigmoid": "sigmoid RNN",
    "rnn_relu": "ReLU RNN",
    "irnn": "IRNN",
    "lstm": "LSTM",
    "gru": "GRU",
}


def model_name(kind: str, own: bool = False) -> str:
    """How the lecture names a model in a sentence: "the LSTM", or "your LSTM" where the
    bundle's ``kind`` arrays are the user's own model (``config["own_model"]``)."""
    return f"{'your' if own else 'the'} {MODEL_NAMES[kind]}"
