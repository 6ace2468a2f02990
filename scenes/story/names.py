"""The names the lecture gives things on screen and in speech. Pure Python: the command
line and the findings use them without importing Manim."""

from __future__ import annotations

from collections.abc import Sequence

from .numbers import ordinal_words

__all__ = ["MODEL_NAMES", "model_name", "name_word", "name_words"]

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


def name_word(words: Sequence[str], t: int, quote: bool = False) -> str:
    """The word at place ``t`` of a sentence, as the lecture names it: the word alone when
    the sentence holds it once, else with its place ("the twelfth word (Rana)", "the last
    word (will)"), so that "at Rana" is never said of a sentence where every word is Rana.
    ``quote``: the word in double quotes, as a caption shows it."""
    word = f'"{words[t]}"' if quote else words[t]
    if list(words).count(words[t]) == 1:
        return word
    place = "last" if t == len(words) - 1 and t > 0 else ordinal_words(t + 1)
    return f"the {place} word ({word})"


def name_words(words: Sequence[str], start: int, end: int) -> str:
    """The words at places ``start`` to ``end`` (inclusive): "John, however, loves", or by
    their places when one of them is not unique in the sentence."""
    span = list(words[start:end + 1])
    if all(list(words).count(w) == 1 for w in span):
        return ", ".join(span)
    if start == end:
        return name_word(words, start)
    return f"the {ordinal_words(start + 1)} to {ordinal_words(end + 1)} words"
