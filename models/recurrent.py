"""Recurrent classifiers: one factory, PyTorch's parameter names, every step observable.

Each model is a one-hot input, a single-layer recurrent core and a linear readout on the
last hidden state. The cores are ``torch.nn.RNN`` / ``LSTM`` / ``GRU`` themselves where PyTorch
has the cell (fast fused kernels for training), and :class:`SigmoidRNN` where it has not.
:func:`unroll` replays any core one step at a time from the same parameters, so the probes
can read h_t, c_t and the gates, and ask autograd for the total derivative dL/dh_t.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
from torch import Tensor, nn

from bundle.contract import GATE_NAMES, MODEL_KINDS

__all__ = [
    "RecurrentClassifier",
    "SigmoidRNN",
    "Trace",
    "build_model",
    "unroll",
]

NONLINEARITY = {"rnn_tanh": torch.tanh, "rnn_sigmoid": torch.sigmoid, "rnn_relu": torch.relu,
                "irnn": torch.relu}


class SigmoidRNN(nn.Module):
    """An Elman RNN with the logistic nonlinearity, which ``torch.nn.RNN`` does not offer.

    Same parameter names, layouts and initialisation as ``nn.RNN``; runs through :func:`unroll`.
    """

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        self.input_size, self.hidden_size = input_size, hidden_size
        self.weight_ih_l0 = nn.Parameter(torch.empty(hidden_size, input_size))
        self.weight_hh_l0 = nn.Parameter(torch.empty(hidden_size, hidden_size))
        self.bias_ih_l0 = nn.Parameter(torch.empty(hidden_size))
        self.bias_hh_l0 = nn.Parameter(torch.empty(hidden_size))
        bound = 1.0 / math.sqrt(hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)

    def forward(self, x: Tensor, hx: Tensor | None = None) -> tuple[Tensor, Tensor]:
        trace = unroll(self, "rnn_sigmoid", x)
        out = torch.stack(trace.h, dim=1)  # (B, T, H)
        return out, out[:, -1].unsqueeze(0)


def _core(kind: str, input_size: int, hidden_size: int) -> nn.Module:
    if kind in ("rnn_tanh", "rnn_relu", "irnn"):
        nonlinearity = "tanh" if kind == "rnn_tanh" else "relu"
        return nn.RNN(input_size, hidden_size, nonlinearity=nonlinearity, batch_first=True)
    if kind == "rnn_sigmoid":
        return SigmoidRNN(input_size, hidden_size)
    if kind == "lstm":
        return nn.LSTM(input_size, hidden_size, batch_first=True)
    if kind == "gru":
        return nn.GRU(input_size, hidden_size, batch_first=True)
    raise ValueError(f"unknown model kind {kind!r}; choose one of {', '.join(MODEL_KINDS)}")


class RecurrentClassifier(nn.Module):
    def __init__(self, kind: str, vocab_size: int, num_classes: int, hidden_size: int):
        super().__init__()
        self.kind, self.vocab_size = kind, vocab_size
        self.core = _core(kind, vocab_size, hidden_size)
        self.head = nn.Linear(hidden_size, num_classes)

    def embed(self, tokens: Tensor) -> Tensor:
        """Token ids (B, T) to the core's input (B, T, D): one-hot, D = vocab size."""
        dtype = self.head.weight.dtype
        return nn.functional.one_hot(tokens, self.vocab_size).to(dtype)

    def forward(self, tokens: Tensor) -> Tensor:
        out, _ = self.core(self.embed(tokens))  # (B, T, H)
        return self.head(out[:, -1])  # (B, C)


def build_model(kind: str, vocab_size: int, num_classes: int, hidden_size: int,
                forget_bias: float = 0.0) -> RecurrentClassifier:
    """The one factory for every kind in :data:`MODEL_KINDS`.

    ``irnn`` is a ReLU RNN whose recurrent matrix starts as the identity with zero biases
    (Le, Jaitly & Hinton 2015). ``forget_bias`` is the LSTM's total forget-gate bias, or the
    GRU's update-gate bias: both start the cell close to "keep everything".
    """
    model = RecurrentClassifier(kind, vocab_size, num_classes, hidden_size)
    core, h = model.core, hidden_size
    with torch.no_grad():
        if kind == "irnn":
            core.weight_hh_l0.copy_(torch.eye(h))
            core.bias_ih_l0.zero_()
            core.bias_hh_l0.zero_()
        elif kind == "lstm":
            # The forget block is the second of (i, f, g, o); its total bias is the sum of both.
            core.bias_ih_l0[h:2 * h] = forget_bias
            core.bias_hh_l0[h:2 * h] = 0.0
        elif kind == "gru":
            # In PyTorch's GRU, h_t = (1 - z) n + z h_{t-1}: a large update gate z keeps h.
            core.bias_ih_l0[h:2 * h] = forget_bias
            core.bias_hh_l0[h:2 * h] = 0.0
    return model


@dataclass
class Trace:
    """Per-step tensors of one unrolled run, each (B, H), in time order."""

    h: list[Tensor]
    c: list[Tensor] = field(default_factory=list)
    gates: dict[str, list[Tensor]] = field(default_factory=dict)


def unroll(core: nn.Module, kind: str, x: Tensor, *, retain_grad: bool = False,
           offsets: dict[str, Tensor] | None = None) -> Trace:
    """Run ``core`` one step at a time on x (B, T, D) from h_0 = 0 (and c_0 = 0).

    The equations are PyTorch's, read from the core's own parameters, so the result equals
    the fused module. With ``retain_grad`` every h_t (and c_t) keeps its ``.grad``: after a
    backward pass that is the total derivative dL/dh_t through every later step, not just the
    direct term. ``offsets`` adds a (T, B, H) tensor to h_t (or c_t) as it is made: the hook
    finite-difference tests use.
    """
    w_ih, w_hh = core.weight_ih_l0, core.weight_hh_l0
    b_ih, b_hh = core.bias_ih_l0, core.bias_hh_l0
    batch, steps, _ = x.shape
    hidden = w_hh.shape[1]
    h = x.new_zeros(batch, hidden)
    c = x.new_zeros(batch, hidden)
    offsets = offsets or {}
    trace = Trace(h=[], gates={name: [] for name in GATE_NAMES.get(kind, ())})

    def keep(name: str, t: int, value: Tensor) -> Tensor:
        if name in offsets:
            value = value + offsets[name][t]
        if retain_grad and value.requires_grad:
            value.retain_grad()
        getattr(trace, name).append(value)
        return value

    for t in range(steps):
        gi = x[:, t] @ w_ih.T + b_ih  # (B, G*H)
        gh = h @ w_hh.T + b_hh  # (B, G*H)
        if kind == "lstm":
            i, f, g, o = (gi + gh).chunk(4, dim=1)
            i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
            c = keep("c", t, f * c + i * g)
            h = keep("h", t, o * torch.tanh(c))
            values = (i, f, g, o)
        elif kind == "gru":
            i_r, i_z, i_n = gi.chunk(3, dim=1)
            h_r, h_z, h_n = gh.chunk(3, dim=1)
            r = torch.sigmoid(i_r + h_r)
            z = torch.sigmoid(i_z + h_z)
            n = torch.tanh(i_n + r * h_n)
            h = keep("h", t, (1 - z) * n + z * h)
            values = (r, z, n)
        else:
            h = keep("h", t, NONLINEARITY[kind](gi + gh))
            values = ()
        for name, value in zip(GATE_NAMES.get(kind, ()), values, strict=True):
            trace.gates[name].append(value)
    return trace
