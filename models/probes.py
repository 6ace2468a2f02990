"""Measurements: the analytic examples and the per-step probes of a trained model.

Everything here is computed by autograd, never written down by hand: the scalar chain's
factors, the activation derivatives, the feed-forward chain rule, and the total derivative
dL/dh_t of a recurrent model at every time step.
"""

from __future__ import annotations

import copy

import numpy as np
import torch
from torch import nn

from bundle.contract import (
    ACTIVATIONS,
    GATE_NAMES,
    activation_key,
    feedforward_key,
    gate_key,
    grad_key,
    probe_key,
)

from .recurrent import RecurrentClassifier, unroll

__all__ = ["activation_curves", "feedforward_step", "probe_model", "scalar_factors"]

# Probing runs in float64: a sigmoid RNN's gradients underflow float32 to exact zeros by
# T = 100, and the scenes plot these norms on a log scale.
PROBE_DTYPE = torch.float64


def scalar_factors(weights, steps: int) -> np.ndarray:
    """dh_K/dh_{K-k} for k = 0..K of h_t = w h_{t-1} + x_t, one row per w: (W, K+1)."""
    rows = []
    for w in weights:
        x = torch.linspace(0.1, 1.0, steps, dtype=PROBE_DTYPE)  # any inputs: they do not matter
        h = [torch.zeros((), dtype=PROBE_DTYPE, requires_grad=True)]
        for t in range(steps):
            h.append(w * h[-1] + x[t])
        grads = torch.autograd.grad(h[-1], h)  # dh_K/dh_j for j = 0..K
        rows.append([g.item() for g in reversed(grads)])  # k = K - j
    return np.array(rows)


def activation_curves(points: int, limit: float) -> dict[str, np.ndarray]:
    """The three activations and their derivatives (from autograd) on [-limit, limit]."""
    x = torch.linspace(-limit, limit, points, dtype=PROBE_DTYPE, requires_grad=True)
    out = {activation_key("x"): x.detach().numpy()}
    for name in ACTIVATIONS:
        y = getattr(torch, name)(x)
        (dy,) = torch.autograd.grad(y.sum(), x)
        out[activation_key(name)] = y.detach().numpy()
        out[activation_key(f"d_{name}")] = dy.numpy()
    return out


def feedforward_step(x: float, w: float, b: float, y_true: float, lr: float) -> dict:
    """One sigmoid neuron, MSE loss over N = 1 sample, one step of gradient descent.

    Each chain-rule factor is its own autograd call, and their product is checked against
    the direct gradient.
    """
    x_t, y_t = torch.tensor(x, dtype=PROBE_DTYPE), torch.tensor(y_true, dtype=PROBE_DTYPE)
    w_t = torch.tensor(w, dtype=PROBE_DTYPE, requires_grad=True)
    b_t = torch.tensor(b, dtype=PROBE_DTYPE, requires_grad=True)
    z = w_t * x_t + b_t
    y_hat = torch.sigmoid(z)
    loss = (y_t - y_hat) ** 2
    (dloss_dyhat,) = torch.autograd.grad(loss, y_hat, retain_graph=True)
    (dyhat_dz,) = torch.autograd.grad(y_hat, z, retain_graph=True)
    (dz_dw,) = torch.autograd.grad(z, w_t, retain_graph=True)
    dloss_dw, dloss_db = torch.autograd.grad(loss, (w_t, b_t))
    chained = dloss_dyhat * dyhat_dz * dz_dw
    assert torch.allclose(chained, dloss_dw), "chain rule disagrees with autograd"
    values = {
        "x": x_t, "y_true": y_t, "w": w_t, "b": b_t, "z": z, "y_hat": y_hat, "loss": loss,
        "dloss_dyhat": dloss_dyhat, "dyhat_dz": dyhat_dz, "dz_dw": dz_dw,
        "dloss_dw": dloss_dw, "dloss_db": dloss_db, "lr": torch.tensor(lr),
        "w_next": w_t - lr * dloss_dw, "b_next": b_t - lr * dloss_db,
    }
    return {feedforward_key(k): np.array(v.item(), dtype=np.float64) for k, v in values.items()}


def probe_model(model: RecurrentClassifier, tokens: np.ndarray, target: int,
                prefix: str) -> dict:
    """Run one sentence through ``model`` step by step, in float64, and backpropagate.

    Returns the bundle keys under ``prefix``: probe x, h and prob, the gradient norm h_norm
    (T,), and for the LSTM the cell states, c_norm and the gates; for the GRU the gates.
    ``h_norm[t]`` is ||dL/dh_t||, the total derivative through every later step, with L the
    cross-entropy of head(h_T) against ``target``.
    """
    model = copy.deepcopy(model).to(PROBE_DTYPE).eval()
    x = model.embed(torch.as_tensor(tokens)[None])  # (1, T, D)
    trace = unroll(model.core, model.kind, x, retain_grad=True)
    logits = model.head(trace.h[-1])  # (1, C)
    loss = nn.functional.cross_entropy(logits, torch.tensor([target]))
    loss.backward()

    def stack(values):  # T tensors (1, H) -> (T, H)
        return torch.cat([v.detach() for v in values]).numpy()

    def norms(values):
        return np.array([v.grad.norm().item() for v in values])

    with torch.no_grad():
        prob = torch.softmax(model.head(torch.cat(trace.h)), dim=-1)  # (T, C)
    out = {
        probe_key(prefix, "x"): x[0].numpy(),
        probe_key(prefix, "h"): stack(trace.h),
        probe_key(prefix, "prob"): prob.numpy(),
        grad_key(prefix, "h"): norms(trace.h),
    }
    if trace.c:
        out[probe_key(prefix, "c")] = stack(trace.c)
        out[grad_key(prefix, "c")] = norms(trace.c)
    for name in GATE_NAMES.get(model.kind, ()):
        out[gate_key(prefix, name)] = stack(trace.gates[name])
    return out
