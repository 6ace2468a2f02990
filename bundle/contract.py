"""The bundle contract, schema_version 1: what a bundle holds, and the one home of every
name the two sides share.

``models/`` writes bundles and ``scenes/`` reads them; both take the model kinds, the gate
names, the sweep's models and the keys from here, and neither imports the other. Numpy and
the standard library only: no torch, no Manim.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ACTIVATIONS",
    "ACTIVATION_PREFIX",
    "CUISINE_MODEL",
    "FEEDFORWARD",
    "FEEDFORWARD_PREFIX",
    "GATE_NAMES",
    "MODEL_KINDS",
    "NORM_LIMITS",
    "RECALL_MODELS",
    "SCALAR_PREFIX",
    "SCHEMA_VERSION",
    "SWEEP_MODELS",
    "SWEEP_PREFIX",
    "SWEEP_SEQ_LEN",
    "Spec",
    "activation_key",
    "describe",
    "model_part",
    "feedforward_key",
    "gate_key",
    "grad_key",
    "model_prefix",
    "norm_limits",
    "param_key",
    "probe_key",
    "required_specs",
    "scalar_key",
    "scope",
    "sweep_key",
    "train_key",
]

SCHEMA_VERSION = 1
MANIFEST, ARRAYS = "manifest.json", "arrays.npz"  # the two files of a bundle directory

# Every recurrent model the lecture knows, by the name the factory in models/ builds.
MODEL_KINDS = ("rnn_tanh", "rnn_sigmoid", "rnn_relu", "irnn", "lstm", "gru")
# The models trained on the recall task at the lecture's length: all of them.
RECALL_MODELS = MODEL_KINDS
# The LSTM trained on the biriyani/pasta task; its keys sit under this prefix.
CUISINE_MODEL = "cuisine/lstm"
# The models a bundle's length sweep must cover; a run may sweep more of MODEL_KINDS.
SWEEP_MODELS = ("rnn_tanh", "irnn", "lstm", "gru")
# Gate blocks of weight_ih_l0 / weight_hh_l0 in PyTorch's order, by the names keys use.
GATE_NAMES = {
    "lstm": ("input", "forget", "candidate", "output"),  # i, f, g, o
    "gru": ("reset", "update", "candidate"),  # r, z, n
}
ACTIVATIONS = ("sigmoid", "tanh", "relu")
# One sigmoid neuron, one gradient-descent step: the feed-forward example's values.
FEEDFORWARD = (
    "x", "y_true", "w", "b", "z", "y_hat", "loss", "dloss_dyhat", "dyhat_dz", "dz_dw",
    "dloss_dw", "dloss_db", "lr", "w_next", "b_next",
)
# The prefixes of the keys that belong to no model.
SCALAR_PREFIX, ACTIVATION_PREFIX, FEEDFORWARD_PREFIX, SWEEP_PREFIX = (
    "scalar", "activation", "feedforward", "sweep")
SWEEP_SEQ_LEN = f"{SWEEP_PREFIX}/seq_len"
# A gradient norm is exactly zero (underflow) or lies within these bounds, so that the ratio
# of any two (how much of the signal reaches back) is a float64 that is neither inf nor 0:
# 1e150 / 1e-150 = 1e300. The probes run in float64, so a norm can fall below float32's
# range: the default bundle's smallest is 9.8e-48 (the sigmoid RNN, 60 words), far inside
# the limits; a much longer or weaker chain could pass below 1e-150, and such a bundle is
# refused by name, not drawn with a ratio that underflowed.
NORM_LIMITS = (1e-150, 1e150)


# -------------------------------------------------------------------------------- keys


def model_prefix(kind: str, task: str = "recall") -> str:
    """Where a model's keys live: ``lstm`` on recall, ``cuisine/lstm`` on another task."""
    return kind if task == "recall" else f"{task}/{kind}"


def model_part(model: str, part: str) -> str:
    """The prefix of one part of a model's keys: ``param``, ``probe``, ``grad`` or ``train``
    (what an act ``reads`` when it reads all of that part)."""
    return f"{model}/{part}"


def norm_limits(key: str) -> tuple[float, float] | None:
    """:data:`NORM_LIMITS` for a gradient-norm key (``MODEL/grad/h_norm``, ``c_norm``)."""
    return NORM_LIMITS if key.endswith(("/grad/h_norm", "/grad/c_norm")) else None


def kind_of(prefix: str) -> str:
    """The model kind behind a prefix: ``cuisine/lstm`` is an ``lstm``."""
    return prefix.rsplit("/", 1)[-1]


def param_key(model: str, name: str) -> str:
    return f"{model}/param/{name}"


def probe_key(model: str, name: str) -> str:
    return f"{model}/probe/{name}"


def gate_key(model: str, gate: str) -> str:
    return f"{model}/probe/gate/{gate}"


def grad_key(model: str, state: str = "h") -> str:
    """``||dL/dh_t||`` (state ``h``) or ``||dL/dc_t||`` (``c``), or the snapshot steps
    (``step``)."""
    return f"{model}/grad/step" if state == "step" else f"{model}/grad/{state}_norm"


def train_key(model: str, what: str) -> str:
    """``step``, ``loss`` or ``accuracy`` of a model's training log."""
    return f"{model}/train/{what}"


def sweep_key(kind: str) -> str:
    return f"{SWEEP_PREFIX}/{kind}/accuracy"


def scalar_key(name: str) -> str:
    return f"{SCALAR_PREFIX}/{name}"


def activation_key(name: str) -> str:
    return f"{ACTIVATION_PREFIX}/{name}"


def feedforward_key(name: str) -> str:
    return f"{FEEDFORWARD_PREFIX}/{name}"


# ------------------------------------------------------------------------------- specs


@dataclass(frozen=True)
class Spec:
    """A required key. ``shape`` holds symbols bound per scope (a model's prefix): the same
    symbol must mean the same length everywhere in its scope. ``"4H"`` is four times H."""

    key: str
    shape: tuple[str, ...]
    description: str
    kind: str = "f"  # numpy dtype kind: f float, i integer


def _model_specs(prefix: str) -> list[Spec]:
    kind = kind_of(prefix)
    gates = len(GATE_NAMES.get(kind, ()))
    g = f"{gates}H" if gates else "H"
    specs = [
        Spec(param_key(prefix, "weight_ih_l0"), (g, "D"), "input-to-hidden weights, PyTorch "
             "layout"),
        Spec(param_key(prefix, "weight_hh_l0"), (g, "H"), "hidden-to-hidden weights W_h"),
        Spec(param_key(prefix, "bias_ih_l0"), (g,), "input-to-hidden bias"),
        Spec(param_key(prefix, "bias_hh_l0"), (g,), "hidden-to-hidden bias"),
        Spec(param_key(prefix, "head_weight"), ("C", "H"), "readout weights on h_T"),
        Spec(param_key(prefix, "head_bias"), ("C",), "readout bias"),
        Spec(probe_key(prefix, "tokens"), ("T",), "the probe sentence's word ids", "i"),
        Spec(probe_key(prefix, "x"), ("T", "D"), "the probe as fed to the recurrent core"),
        Spec(probe_key(prefix, "target"), (), "the probe's class", "i"),
        Spec(probe_key(prefix, "h"), ("T", "H"), "hidden states under the final weights, "
             "h_0 = 0"),
        Spec(grad_key(prefix, "step"), ("S",), "training step of each gradient snapshot", "i"),
        Spec(grad_key(prefix, "h"), ("S", "T"),
             "||dL/dh_t|| on the probe at each snapshot (total derivative)"),
        Spec(train_key(prefix, "step"), ("N",), "logged training steps", "i"),
        Spec(train_key(prefix, "loss"), ("N",), "held-out cross-entropy"),
        Spec(train_key(prefix, "accuracy"), ("N",), "held-out accuracy"),
    ]
    if kind == "lstm":
        specs += [
            Spec(probe_key(prefix, "c"), ("T", "H"), "cell states"),
            Spec(grad_key(prefix, "c"), ("S", "T"), "||dL/dc_t|| (total derivative)"),
        ]
    specs += [Spec(gate_key(prefix, gate), ("T", "H"), f"{gate} gate values")
              for gate in GATE_NAMES.get(kind, ())]
    return specs


def required_specs() -> list[Spec]:
    """Every key a schema_version 1 bundle must hold, with its shape and meaning."""
    specs = [
        Spec(scalar_key("w"), ("W",), "recurrent weights of the scalar example: 0.5, 1.0, 1.5"),
        Spec(scalar_key("factor"), ("W", "K"),
             "dh_K/dh_{K-k}, k = 0..K, for h_t = w h_{t-1} + x_t, from autograd"),
        Spec(activation_key("x"), ("M",), "inputs for the activation curves"),
        Spec(SWEEP_SEQ_LEN, ("L",), "sequence lengths of the sweep", "i"),
    ]
    for name in ACTIVATIONS:
        specs.append(Spec(activation_key(name), ("M",), f"{name}(x)"))
        specs.append(Spec(activation_key(f"d_{name}"), ("M",), f"{name}'(x), from autograd"))
    specs += [Spec(feedforward_key(name), (), f"one sigmoid neuron's {name}")
              for name in FEEDFORWARD]
    for kind in RECALL_MODELS:
        specs += _model_specs(model_prefix(kind))
    specs += _model_specs(CUISINE_MODEL)
    specs += [Spec(sweep_key(kind), ("L",), f"final accuracy of {kind} per length")
              for kind in SWEEP_MODELS]
    return specs


def scope(key: str) -> str:
    """The model prefix a key belongs to (``""`` outside any model); a symbol such as T is
    bound per scope."""
    parts = key.split("/")
    if parts[0] == CUISINE_MODEL.split("/")[0]:
        return "/".join(parts[:2])
    return parts[0] if parts[0] in MODEL_KINDS else ""


# Optional keys that the reference generator writes. Other keys are welcome: a bundle may
# carry anything more, described in its manifest.
_OPTIONAL = {
    "probe/prob": "softmax of the readout applied to each h_t: (T, C)",
}


def describe(key: str) -> str | None:
    """The contract's description of ``key``, or None for a key the contract does not name."""
    for spec in required_specs():
        if spec.key == key:
            return spec.description
    parts = key.split("/")
    if len(parts) == 3 and parts[0] == "sweep" and parts[1] in MODEL_KINDS \
            and parts[2] == "accuracy":
        return f"final accuracy of {parts[1]} per length"
    model = scope(key)
    return _OPTIONAL.get(key[len(model) + 1:]) if model else None
