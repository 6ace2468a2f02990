"""The lecture's acts, in order: one record per act, and this list is the table of contents.

A record says everything the pipeline needs to know about an act without importing Manim:
its name (``lecture render --only`` takes it), its module and scene class, its chapter title,
and what it reads from the bundle. The renderer plans and keys each scene from its record;
each act's scene class points at its own record (``act = act_named("hook")``), so the base
scene needs no list.

``reads`` names the bundle arrays a scene draws from, as keys or key prefixes (``"lstm/grad"``
covers ``"lstm/grad/h_norm"``) built by the contract's key builders, plus the manifest fields
it prints, as ``"config/<field>"`` or ``"generator/<field>"``. A scene sees nothing else, and
its cached video is reused until one of them changes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bundle.contract import (
    ACTIVATIONS,
    CUISINE_MODEL,
    FEEDFORWARD_PREFIX,
    MODEL_KINDS,
    SCALAR_PREFIX,
    SWEEP_MODELS,
    SWEEP_PREFIX,
    SWEEP_SEQ_LEN,
    activation_key,
    gate_key,
    grad_key,
    model_part,
    param_key,
    probe_key,
    scalar_key,
    sweep_key,
    train_key,
)

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


TANH, TRAIN_ACCURACY = "rnn_tanh", "accuracy"
# A user's own model written into the bundle (examples/own_model.py): the acts that show the
# base bundle's runs beside it say which is which.
OWN_MODEL = "config/own_model"

ACTS = _numbered(
    Act("hook", "act01_hook", "Hook", "The vanishing gradient problem",
        reads=(model_part(TANH, "grad"), train_key(TANH, TRAIN_ACCURACY),
               train_key(TANH, "step"))),
    Act("feedforward", "act02_feedforward", "TrainingFeedForward",
        "Training a feed-forward network", reads=(FEEDFORWARD_PREFIX,)),
    Act("rnn", "act03_rnn", "HowAnRnnWorks", "How an RNN works",
        reads=(model_part(TANH, "probe"), train_key(TANH, TRAIN_ACCURACY),
               *(probe_key("lstm", name) for name in ("prob", "tokens", "target")),
               OWN_MODEL)),
    Act("bptt", "act04_bptt", "BackpropThroughTime", "Backpropagation through time",
        reads=(param_key(TANH, "weight_hh_l0"), grad_key(TANH), probe_key(TANH, "h"),
               activation_key("d_tanh"), SCALAR_PREFIX, OWN_MODEL)),
    Act("vanish_explode", "act05_vanish_explode", "VanishOrExplode", "Vanishing and exploding",
        reads=(scalar_key("w"), scalar_key("factor"))),
    Act("why_problem", "act06_why_problem", "WhyItIsAProblem", "Why it is a problem",
        reads=(model_part(TANH, "grad"), probe_key(TANH, "tokens"), probe_key(TANH, "target"),
               model_part(TANH, "train"), SWEEP_SEQ_LEN, sweep_key(TANH), OWN_MODEL)),
    Act("fixes", "act07_fixes", "ThreeFixes", "Three fixes",
        reads=(activation_key("x"), *(activation_key(f"d_{name}") for name in ACTIVATIONS),
               grad_key("rnn_sigmoid"), model_part(TANH, "grad"), grad_key("rnn_relu"),
               model_part("irnn", "grad"), param_key("irnn", "weight_hh_l0"),
               *(model_part(kind, "train") for kind in MODEL_KINDS),
               *(probe_key(kind, "h") for kind in ("lstm", "gru")), OWN_MODEL)),
    Act("lstm", "act08_lstm", "TheLstm", "The LSTM",
        reads=(model_part(CUISINE_MODEL, "probe"), OWN_MODEL)),
    Act("highway", "act09_highway", "GradientHighway", "The gradient highway",
        reads=(gate_key("lstm", "forget"), grad_key("lstm", "c"), grad_key(TANH),
               *(model_part(kind, "train") for kind in SWEEP_MODELS), SWEEP_PREFIX,
               gate_key("gru", "update"), probe_key(TANH, "tokens"), probe_key("lstm", "tokens"),
               OWN_MODEL)),
    Act("summary", "act10_summary", "Summary", "Summary and references",
        reads=(grad_key(TANH), train_key(TANH, TRAIN_ACCURACY), train_key("lstm", TRAIN_ACCURACY),
               grad_key("lstm", "c"), gate_key("lstm", "forget"), model_part("gru", "train"),
               gate_key("gru", "update"), "config/seed", "generator/torch", OWN_MODEL)),
)

# A still for the video's thumbnail, rendered at 1280x720: the tanh RNN's gradient at each
# word against the LSTM cell state's
THUMBNAIL = Act("thumbnail", "thumbnail", "Thumbnail", "",
                reads=(grad_key(TANH), grad_key("lstm"), grad_key("lstm", "c"), OWN_MODEL))


def act_named(name: str) -> Act:
    """The record of the act called ``name`` (or the thumbnail's)."""
    for act in (*ACTS, THUMBNAIL):
        if act.name == name:
            return act
    raise KeyError(f"no act named {name!r}; the acts are {', '.join(a.name for a in ACTS)}")
