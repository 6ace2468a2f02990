"""The lecture's acts, in order: one record per act, and this list is the table of contents.

A record says everything the pipeline needs to know about an act without importing Manim:
its name (``lecture render --only`` takes it), its module and scene class, its chapter title,
and what it reads from the bundle. The renderer plans and keys each scene from its record;
each act's scene class points at its own record (``act = act_named("hook")``), so the base
scene needs no list.

``reads`` names the bundle arrays a scene draws from, as keys or key prefixes (``"lstm/grad"``
covers ``"lstm/grad/h_norm"``), plus the manifest fields it prints, as ``"config/<field>"`` or
``"generator/<field>"``. A scene sees nothing else, and its cached video is reused until one
of them changes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

__all__ = ["ACTS", "THUMBNAIL", "Act", "act_named"]


@dataclass(frozen=True)
class Act:
    name: str  # the name ``lecture render --only`` takes
    module: str  # scenes/acts/<module>.py
    scene: str  # the scene class in it
    title: str  # the chapter title
    reads: tuple[str, ...] = ()
    number: int = 0  # its place in the lecture, from 1; 0 for a scene outside it
    total: int = 0  # how many acts the lecture has


def _numbered(*acts: Act) -> tuple[Act, ...]:
    return tuple(replace(act, number=i, total=len(acts)) for i, act in enumerate(acts, 1))


ACTS = _numbered(
    Act("hook", "act01_hook", "Hook", "The vanishing gradient problem",
        reads=("rnn_tanh/grad", "rnn_tanh/train/accuracy")),
    Act("feedforward", "act02_feedforward", "TrainingFeedForward",
        "Training a feed-forward network", reads=("feedforward",)),
    Act("rnn", "act03_rnn", "HowAnRnnWorks", "How an RNN works",
        reads=("rnn_tanh/probe", "rnn_tanh/train/accuracy", "lstm/probe/prob",
               "lstm/probe/tokens", "lstm/probe/target")),
    Act("bptt", "act04_bptt", "BackpropThroughTime", "Backpropagation through time",
        reads=("rnn_tanh/param/weight_hh_l0", "rnn_tanh/grad/h_norm", "scalar")),
    Act("vanish_explode", "act05_vanish_explode", "VanishOrExplode", "Vanishing and exploding",
        reads=("scalar/w", "scalar/factor")),
    Act("why_problem", "act06_why_problem", "WhyItIsAProblem", "Why it is a problem",
        reads=("rnn_tanh/grad", "rnn_tanh/probe/tokens", "rnn_tanh/probe/target",
               "rnn_tanh/train/accuracy", "sweep/seq_len", "sweep/rnn_tanh/accuracy")),
    Act("fixes", "act07_fixes", "ThreeFixes", "Three fixes",
        reads=("activation/x", "activation/d_sigmoid", "activation/d_tanh",
               "activation/d_relu", "rnn_sigmoid/grad/h_norm", "rnn_tanh/grad",
               "rnn_relu/grad/h_norm", "irnn/grad", "irnn/param/weight_hh_l0",
               "rnn_sigmoid/train/accuracy", "rnn_tanh/train/accuracy",
               "rnn_relu/train/accuracy", "irnn/train/accuracy", "lstm/train/accuracy",
               "gru/train/accuracy")),
    Act("lstm", "act08_lstm", "TheLstm", "The LSTM", reads=("cuisine/lstm/probe",)),
    Act("highway", "act09_highway", "GradientHighway", "The gradient highway",
        reads=("lstm/probe/gate/forget", "lstm/grad/c_norm", "rnn_tanh/grad/h_norm",
               "rnn_tanh/train", "irnn/train", "lstm/train", "gru/train", "sweep")),
    Act("summary", "act10_summary", "Summary", "Summary and references",
        reads=("rnn_tanh/grad/h_norm", "rnn_tanh/train/accuracy", "lstm/train/accuracy",
               "lstm/grad/c_norm", "lstm/probe/gate/forget", "config/seed",
               "generator/torch")),
)

# A still for the video's thumbnail, rendered at 1280x720; it reads no data.
THUMBNAIL = Act("thumbnail", "act01_hook", "Thumbnail", "")


def act_named(name: str) -> Act:
    """The record of the act called ``name`` (or the thumbnail's)."""
    for act in (*ACTS, THUMBNAIL):
        if act.name == name:
            return act
    raise KeyError(f"no act named {name!r}; the acts are {', '.join(a.name for a in ACTS)}")
