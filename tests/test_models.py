"""The models: PyTorch equivalence, the factory, initialisation, per-step gradients."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from bundle.contract import MODEL_KINDS, grad_key
from models.probes import probe_model
from models.recurrent import build_model, unroll

torch.set_num_threads(1)


def _fresh(kind, hidden=5, vocab=7, classes=3, forget_bias=0.0):
    torch.manual_seed(0)
    return build_model(kind, vocab, classes, hidden, forget_bias)


@pytest.mark.parametrize("kind,reference", [
    ("rnn_tanh", lambda d, h: nn.RNN(d, h, nonlinearity="tanh", batch_first=True)),
    ("rnn_relu", lambda d, h: nn.RNN(d, h, nonlinearity="relu", batch_first=True)),
    ("irnn", lambda d, h: nn.RNN(d, h, nonlinearity="relu", batch_first=True)),
    ("lstm", lambda d, h: nn.LSTM(d, h, batch_first=True)),
    ("gru", lambda d, h: nn.GRU(d, h, batch_first=True)),
])
def test_unrolled_cell_equals_torch_module(kind, reference):
    model = _fresh(kind, forget_bias=2.0)
    ref = reference(7, 5)
    ref.load_state_dict(model.core.state_dict())  # same names, same layouts
    x = torch.randn(3, 11, 7)
    expected, state = ref(x)
    trace = unroll(model.core, kind, x)
    got = torch.stack(trace.h, dim=1)
    torch.testing.assert_close(got, expected, rtol=1e-5, atol=1e-6)
    if kind == "lstm":
        torch.testing.assert_close(trace.c[-1], state[1][0], rtol=1e-5, atol=1e-6)


def test_sigmoid_rnn_follows_the_tutorial_equation():
    model = _fresh("rnn_sigmoid")
    p = {k: v.detach().double().numpy() for k, v in model.core.named_parameters()}
    x = np.random.default_rng(0).normal(size=(9, 7))
    h = np.zeros(5)
    expected = []
    for t in range(9):  # h_t = sigmoid(W_h h_{t-1} + W_x x_t + b)
        z = p["weight_hh_l0"] @ h + p["weight_ih_l0"] @ x[t] + p["bias_ih_l0"] + p["bias_hh_l0"]
        h = 1 / (1 + np.exp(-z))
        expected.append(h)
    out, _ = model.double().core(torch.from_numpy(x)[None])
    np.testing.assert_allclose(out[0].detach().numpy(), np.array(expected), rtol=1e-12)


def test_parameters_carry_pytorch_names():
    for kind in MODEL_KINDS:
        names = {n for n, _ in _fresh(kind).core.named_parameters()}
        assert names == {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"}
    assert _fresh("lstm").core.weight_hh_l0.shape == (20, 5)
    assert _fresh("gru").core.weight_ih_l0.shape == (15, 7)


def test_factory_rejects_unknown_kind_listing_the_valid_ones():
    with pytest.raises(ValueError, match="unknown model kind 'transformer'; choose one of "
                       "rnn_tanh, rnn_sigmoid, rnn_relu, irnn, lstm, gru"):
        build_model("transformer", 3, 2, 4)


def test_initialisations():
    irnn = _fresh("irnn").core
    torch.testing.assert_close(irnn.weight_hh_l0.detach(), torch.eye(5))
    assert not irnn.bias_ih_l0.any() and not irnn.bias_hh_l0.any()
    lstm = _fresh("lstm", forget_bias=4.0).core
    total = (lstm.bias_ih_l0 + lstm.bias_hh_l0).detach()
    assert torch.all(total[5:10] == 4.0)
    assert torch.all(total[:5].abs() < 1)  # the input gate keeps PyTorch's default init
    gru = _fresh("gru", forget_bias=4.0).core
    assert torch.all((gru.bias_ih_l0 + gru.bias_hh_l0)[5:10] == 4.0)


def _loss_with_offsets(model, tokens, target, offsets):
    x = model.embed(torch.as_tensor(tokens)[None])
    trace = unroll(model.core, model.kind, x, offsets=offsets)
    logits = model.head(trace.h[-1])
    return nn.functional.cross_entropy(logits, torch.tensor([target])).item()


@pytest.mark.parametrize("kind", ["rnn_tanh", "rnn_sigmoid", "lstm", "gru"])
def test_gradient_norms_match_finite_differences(kind):
    """||dL/dh_t|| is the total derivative: nudge h_t in the unrolled loop and watch L."""
    model = _fresh(kind, hidden=3, vocab=4, classes=2).double()
    tokens, target, steps, eps = np.array([0, 3, 1, 2, 1]), 1, 5, 1e-6
    probed = probe_model(model, tokens, target, kind)
    names = ["h", "c"] if kind == "lstm" else ["h"]
    for name in names:
        for t in range(steps):
            grad = np.zeros(3)
            for j in range(3):
                bump = torch.zeros(steps, 1, 3, dtype=torch.float64)
                bump[t, 0, j] = eps
                up = _loss_with_offsets(model, tokens, target, {name: bump})
                down = _loss_with_offsets(model, tokens, target, {name: -bump})
                grad[j] = (up - down) / (2 * eps)
            assert probed[grad_key(kind, name)][t] == pytest.approx(np.linalg.norm(grad),
                                                                   rel=1e-5, abs=1e-9)
    # the direct term alone would leave every step but the last at zero
    assert (probed[grad_key(kind)][:-1] > 0).all()


def test_probe_reads_gates_and_states():
    model = _fresh("lstm", forget_bias=4.0)
    out = probe_model(model, np.array([1, 2, 3, 4]), 0, "lstm")
    assert out["lstm/probe/gate/forget"].shape == (4, 5)
    assert out["lstm/probe/gate/forget"].min() > 0.9  # sigmoid(4 + small) at every step
    c = out["lstm/probe/c"]
    i, f, cand = (out[f"lstm/probe/gate/{n}"] for n in ("input", "forget", "candidate"))
    np.testing.assert_allclose(c[1:], f[1:] * c[:-1] + i[1:] * cand[1:], rtol=1e-10)
    np.testing.assert_allclose(out["lstm/probe/h"], out["lstm/probe/gate/output"] * np.tanh(c),
                               rtol=1e-10)
    gru = probe_model(_fresh("gru"), np.array([1, 2]), 0, "gru")
    assert {k for k in gru if "gate" in k} == {f"gru/probe/gate/{n}" for n in
                                              ("reset", "update", "candidate")}
