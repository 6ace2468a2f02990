"""The thumbnail's words: a title of three to five words that says what this run's bars
show, and the two rows' labels with what reaches the first word of each. The picture is
the tanh RNN's measured gradient at every word of its sentence, above the LSTM cell
state's, on one log scale (scenes/acts/thumbnail.py)."""

from __future__ import annotations

from ..findings import Findings
from ..script import Script
from .act09_highway import label

RNN, LSTM = "rnn_tanh", "lstm"


def script(found: Findings) -> Script:
    s = Script("thumbnail")
    vanishes, highway = found.vanishes(RNN), found.highway()
    if vanishes.holds and highway.holds:
        s.show("title", "Gradients vanish. LSTMs keep them.", vanishes, highway)
    elif vanishes.holds:
        s.show("title", "Gradients vanish, even in LSTMs", vanishes, ~highway)
    else:
        s.show("title", "How far gradients travel back", ~vanishes,
               highway if highway.holds else ~highway)
    for key, kind, state, ratio in (("rnn", RNN, "hidden state", f"{RNN}.ratio"),
                                    ("lstm", LSTM, "cell state", f"{LSTM}.c_ratio")):
        s.show(f"label.{key}", "{name} " + state, name=label(found, kind))
        s.show(f"ratio.{key}", "first word / last word = {r}",
               r=found.number(ratio, "text"))
    n, m = (found.number(f"{kind}.grad_length", "count") for kind in (RNN, LSTM))
    same = n.value == m.value
    where = "each of {n} words" if same else "each word ({n} and {m} words)"
    s.show("caption", "Measured at " + where + ": the gradient reaching it, first word on "
           "the left, log scale", n=n, **({} if same else {"m": m}))
    return s
