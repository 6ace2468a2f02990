"""Synthetic bundles, no training: arrays drawn across the outcomes the contract and the
configuration ranges allow, for the fact-checker (tests/test_factcheck.py).

Each bundle starts from the committed quick bundle (its vocabulary, its parameter shapes and
its cuisine sentence) and redraws what the story judges: every model's accuracy (at chance,
part way, solved, or exactly at a threshold) and its training curves (the loss still falling
or flat), its per-word gradient norms (vanishing, kept or exploding, with underflow to exact
zeros, huge values and the contract's limits), its probe answers (sure, wrong, a coin toss,
a tie, a guess), its gates (forget gates anywhere from 0 to 1), the length sweep (all short,
all long, mixed, one length), the scalar example's weights (near one included) and the feed-
forward step (steps too small to show at two decimals). The recall sentence length varies
too. Seeded: ``synthetic_bundle(i)`` is the same bundle for the same ``i``.

:func:`synthetic_bundle` returns the bundle in memory; :func:`write_synthetic` writes it
through the bundle writer and reads it back, which the tests do for a sample to show the
drawn bundles are valid ones.
"""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np

from bundle import Bundle, load_bundle, write_bundle
from bundle.contract import (
    CUISINE_MODEL,
    FEEDFORWARD,
    GATE_NAMES,
    NORM_LIMITS,
    RECALL_MODELS,
    SWEEP_MODELS,
    grad_key,
    probe_key,
    train_key,
)

TEMPLATE = Path(__file__).resolve().parents[1] / "data" / "quick"
# The ones every act also draws (tests/test_property_bundles.py): the third measures no step
# factor at all (act 4's strip has no dots to show)
SYNTHETIC_DRAWN = (3,)
_TEMPLATE: Bundle | None = None


def _template() -> Bundle:
    global _TEMPLATE
    if _TEMPLATE is None:
        _TEMPLATE = load_bundle(TEMPLATE)
    return _TEMPLATE


def _accuracy(rng, chance: float) -> float:
    kind = rng.integers(6)
    if kind == 0:  # at chance
        return float(np.clip(chance + rng.uniform(-0.05, 0.09), 0, 1))
    if kind == 1:  # part way
        return float(rng.uniform(chance + 0.1, 0.9))
    if kind == 2:  # exactly at a threshold
        return float(rng.choice([0.9, chance + 0.1, 1.0, 0.0]))
    return float(rng.uniform(0.9, 1.0))


def _train(rng, steps: int, final: float, chance: float) -> dict[str, np.ndarray]:
    n = int(rng.integers(2, 12))
    step = np.unique(np.linspace(0, steps, n).astype(np.int64))
    n = len(step)
    start = chance + rng.uniform(-0.05, 0.05)
    accuracy = np.clip(np.linspace(start, final, n) + rng.normal(0, 0.02, n), 0, 1)
    accuracy[-1] = final
    falling = rng.random() < 0.5  # the loss still falling at the end, or flat
    shape = np.linspace(0, 1, n) if falling else 1 - np.exp(-8 * np.linspace(0, 1, n))
    loss = np.log(1 / chance) * (1 - 0.9 * shape * (final - chance) / max(1 - chance, 1e-9))
    loss = np.maximum(loss + rng.normal(0, 0.01, n), 1e-4)
    return {"step": step, "loss": loss, "accuracy": accuracy}


def _norms(rng, snapshots: int, steps: int) -> np.ndarray:
    """(S, T) ||dL/dh_t||: a geometric decay or growth toward the first word, with noise,
    now and then an underflow to exact zeros or a run of huge values."""
    out = np.empty((snapshots, steps))
    for s in range(snapshots):
        log_ratio = rng.choice([rng.uniform(-300, -2), rng.uniform(-2, 0), rng.uniform(0, 3),
                                rng.uniform(-60, -20), 0.0])
        last = 10 ** rng.uniform(-6, 1)
        curve = last * 10 ** (log_ratio * np.linspace(1, 0, steps))
        curve *= np.exp(rng.normal(0, 0.3, steps))
        curve[-1] = last
        kind = rng.integers(12)
        if kind == 0:  # underflowed to zero for the first words
            curve[: int(rng.integers(1, steps))] = 0.0
        elif kind == 1:
            curve[:] = 0.0
        elif kind == 2:
            curve = np.minimum(curve * 1e290, 1e300)
        elif kind == 3:
            curve = np.full(steps, last)  # flat: nothing lost
        elif kind == 4:  # the contract's ends: the smallest or largest norm it allows
            curve = np.full(steps, NORM_LIMITS[int(rng.integers(2))])
        elif kind == 5:  # the whole range, either way
            curve = np.logspace(150, -150, steps)[::rng.choice([1, -1])]
        # within the contract: exactly zero, or between its limits
        out[s] = np.where(curve > 0, np.clip(curve, *NORM_LIMITS), 0.0)
    return out


def _answers(rng, steps: int, classes: int, target: int) -> np.ndarray:
    """(T, C) probabilities after each word; the last row drawn from sure, wrong, coin toss,
    tie or guess."""
    logits = rng.normal(0, 1, (steps, classes))
    prob = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    kind = rng.integers(6)
    other = (target + 1 + int(rng.integers(classes - 1))) % classes
    last = np.full(classes, 0.0)
    if kind == 0:  # sure and right
        last[:] = rng.uniform(0, 0.02, classes)
        last[target] = 1 - last.sum() + last[target]
    elif kind == 1:  # sure and wrong
        last[:] = rng.uniform(0, 0.05, classes)
        last[other] = 1 - last.sum() + last[other]
    elif kind == 2:  # a coin toss between the right answer and another
        half = rng.uniform(0.4, 0.5)
        last[:] = (1 - 2 * half) / classes
        last[target] += half + rng.uniform(-0.02, 0.02)
        last[other] += half
    elif kind == 3:  # a tie
        last[:] = 1 / classes
    else:  # anything
        last = prob[-1]
    last = np.clip(last, 0, None)
    prob[-1] = last / last.sum()
    return prob


def _sweep(rng, chance: float) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    lengths = np.sort(rng.choice([5, 10, 20, 40, 60, 100, 150, 200], size=int(
        rng.integers(1, 6)), replace=False)).astype(np.int64)
    accuracy = {}
    for kind in SWEEP_MODELS:
        pattern = rng.integers(4)
        if pattern == 0:
            acc = rng.uniform(0.9, 1.0, len(lengths))
        elif pattern == 1:
            acc = chance + rng.uniform(-0.05, 0.09, len(lengths))
        elif pattern == 2:  # good while short
            cut = int(rng.integers(len(lengths) + 1))
            acc = np.where(np.arange(len(lengths)) < cut, rng.uniform(0.9, 1, len(lengths)),
                           chance + rng.uniform(-0.05, 0.09, len(lengths)))
        else:
            acc = rng.uniform(0, 1, len(lengths))
        accuracy[kind] = np.clip(acc, 0, 1)
    return lengths, accuracy


def _feedforward(rng) -> dict[str, float]:
    x, w, b = rng.uniform(-3, 3), rng.uniform(-2, 2), rng.uniform(-1, 1)
    y_true = float(rng.choice([0.0, 1.0, rng.uniform(0, 1)]))
    lr = float(rng.choice([rng.uniform(1e-4, 1e-2), rng.uniform(0.1, 1), rng.uniform(1, 10)]))
    z = w * x + b
    y_hat = 1 / (1 + np.exp(-z))
    dloss_dyhat, dyhat_dz, dz_dw = -2 * (y_true - y_hat), y_hat * (1 - y_hat), x
    dloss_dw, dloss_db = dloss_dyhat * dyhat_dz * dz_dw, dloss_dyhat * dyhat_dz
    return {"x": x, "y_true": y_true, "w": w, "b": b, "z": z, "y_hat": y_hat,
            "loss": (y_true - y_hat) ** 2, "dloss_dyhat": dloss_dyhat, "dyhat_dz": dyhat_dz,
            "dz_dw": dz_dw, "dloss_dw": dloss_dw, "dloss_db": dloss_db, "lr": lr,
            "w_next": w - lr * dloss_dw, "b_next": b - lr * dloss_db}


def _resize(array: np.ndarray, steps: int, axis: int = 0) -> np.ndarray:
    """The template's per-word array at another sentence length: cut, or its middle words
    repeated."""
    have = array.shape[axis]
    if steps <= have:  # the first three words and the last ones
        head = min(3, steps)
        index = np.r_[np.arange(head), np.arange(have - (steps - head), have)]
    else:  # the middle word repeated
        index = np.r_[np.arange(have - 3), np.full(steps - have, have // 2),
                      np.arange(have - 3, have)]
    return np.take(array, index, axis=axis)


def _draw(i: int) -> tuple[dict, dict[str, np.ndarray]]:
    rng = np.random.default_rng([20261207, i])
    template = _template()
    config = copy.deepcopy(template.config)
    arrays = {k: np.array(v) for k, v in template.items()}
    classes = len(template.vocab["recall"]["classes"])
    chance = 1 / classes
    steps = int(rng.choice([config["seq_len"], 5, 12, 60, 150]))
    config["seq_len"] = steps
    config["steps"] = int(rng.choice([60, 600, 3000]))
    config["forget_bias"] = float(rng.choice([-3.0, 0.0, 1.0, 4.0]))
    for model in (*RECALL_MODELS, CUISINE_MODEL):
        task = "cuisine" if model == CUISINE_MODEL else "recall"
        n_classes = len(template.vocab[task]["classes"])
        model_chance = 1 / n_classes
        if task == "recall":
            for key in [k for k in arrays if k.startswith(f"{model}/probe/")
                        and k != probe_key(model, "target")]:
                arrays[key] = _resize(arrays[key], steps)
        length = len(arrays[probe_key(model, "tokens")])
        final = _accuracy(rng, model_chance)
        for name, value in _train(rng, config["steps"], final, model_chance).items():
            arrays[train_key(model, name)] = value
        snapshots = int(rng.integers(2, 7))
        arrays[grad_key(model, "step")] = np.unique(np.linspace(
            0, config["steps"], snapshots).astype(np.int64))
        snapshots = len(arrays[grad_key(model, "step")])
        arrays[grad_key(model)] = _norms(rng, snapshots, length)
        if model.endswith("lstm"):
            arrays[grad_key(model, "c")] = _norms(rng, snapshots, length)
        target = int(arrays[probe_key(model, "target")])
        arrays[probe_key(model, "prob")] = _answers(rng, length, n_classes, target)
        kind = model.rsplit("/", 1)[-1]
        for gate in GATE_NAMES.get(kind, ()):
            key = probe_key(model, f"gate/{gate}")
            centre = rng.uniform(0, 1)
            arrays[key] = np.clip(centre + rng.normal(0, rng.uniform(0, 0.2),
                                                      arrays[key].shape), 0, 1)
    irnn = arrays["irnn/param/weight_hh_l0"]
    arrays["irnn/param/weight_hh_l0"] = (np.eye(len(irnn)) * rng.uniform(0.5, 1.5)
                                         + rng.normal(0, 0.05, irnn.shape))
    lengths, sweep = _sweep(rng, chance)
    arrays["sweep/seq_len"] = lengths
    config["sweep_seq_lens"] = [int(n) for n in lengths]
    for kind, acc in sweep.items():
        arrays[f"sweep/{kind}/accuracy"] = acc
    weights = np.sort(rng.choice([0.5, 0.8, 0.9, 0.99, 1.0, 1.01, 1.1, 1.2, 1.5],
                                 size=int(rng.integers(1, 4)), replace=False))
    k = arrays["scalar/factor"].shape[1]
    arrays["scalar/w"] = weights
    arrays["scalar/factor"] = weights[:, None] ** np.arange(k)[None, :]
    config["scalar_weights"] = [float(w) for w in weights]
    ff = _feedforward(rng)
    for name in FEEDFORWARD:
        arrays[f"feedforward/{name}"] = np.array(ff[name])
    config["feedforward"] = {name: float(ff[name]) for name in ("x", "w", "b", "y_true", "lr")}
    if rng.random() < 0.15:
        config["own_model"] = {"kind": str(rng.choice(["lstm", "gru", "rnn_tanh"])),
                               "hidden_size": 4, "steps": 60, "seed": 0,
                               "note": "synthetic: a user's model"}
    return config, arrays


def synthetic_bundle(i: int) -> Bundle:
    """The ``i``-th synthetic bundle, in memory."""
    config, arrays = _draw(i)
    template = _template()
    manifest = {**copy.deepcopy(template.manifest), "config": config}
    return Bundle(Path(f"synthetic-{i}"), manifest, arrays)


def write_synthetic(i: int, root: Path) -> Bundle:
    """The ``i``-th synthetic bundle, written through the bundle writer and read back."""
    config, arrays = _draw(i)
    template = _template()
    path = write_bundle(root / f"synthetic-{i}", arrays, config=config,
                        vocab=template.vocab, generator=template.manifest["generator"])
    return load_bundle(path)
