"""Your own model in the lecture: train a ``torch.nn.LSTM`` (or ``GRU``, or ``RNN``) your
way, then write it into a bundle in place of the reference model, through the contract.

    .venv/bin/python examples/own_model.py --base assets/data/default --out my-bundle
    .venv/bin/lecture check my-bundle
    .venv/bin/lecture build --data my-bundle --out my-lecture

The lecture compares your model with the base bundle's reference models, so yours learns
the same task (recall: "The clouds are dark, it looks like it will ___") on sentences as
long as theirs, and is probed on the same sentence. Everything else is yours: here, an
``nn.LSTM`` trained with RMSprop, no clipping and a hidden size of your choice. The length
sweep keeps the base bundle's runs, and the manifest says so.

What the contract needs from your model (see docs/bundle.md): a single-layer core with
``batch_first=True`` whose parameters carry PyTorch's names (``weight_ih_l0``...), a linear
readout on the last hidden state, one-hot inputs; per-step gradients, gates and states are
measured here by the project's own probes, in float64.
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

import numpy as np
import torch
from torch import nn

from bundle import load_bundle, write_bundle
from bundle.contract import model_prefix, probe_key
from lecture.generate import generator_info
from models.experiments import model_arrays, setup_torch
from models.recurrent import RecurrentClassifier
from models.tasks import RECALL
from models.train import TrainResult

CORES = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn_tanh": nn.RNN}


def train_my_model(kind: str, seq_len: int, hidden: int, steps: int, seed: int):
    """Stands for your own training code: any loop, any optimiser. Returns the core, the
    readout, and what the lecture shows of training: held-out accuracy and loss every ten
    steps, and a few snapshots of the weights (the first and the last at least)."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    core = CORES[kind](RECALL.vocab_size, hidden, batch_first=True)
    head = nn.Linear(hidden, RECALL.num_classes)
    params = [*core.parameters(), *head.parameters()]
    optimizer = torch.optim.RMSprop(params, lr=1e-2)
    held_out = [torch.as_tensor(a) for a in RECALL.sample(rng, 256, seq_len)]

    def predict(tokens):  # (B, T) -> (B, C), reading the last hidden state
        out, _ = core(nn.functional.one_hot(tokens, RECALL.vocab_size).float())
        return head(out[:, -1])

    log, snapshots = [], []
    for step in range(steps + 1):
        if step % 10 == 0 or step == steps:
            with torch.no_grad():
                logits = predict(held_out[0])
                loss = nn.functional.cross_entropy(logits, held_out[1]).item()
                accuracy = (logits.argmax(-1) == held_out[1]).double().mean().item()
            log.append((step, loss, accuracy))
        if step in (0, steps // 4, steps // 2, steps):
            snapshots.append((step, copy.deepcopy((core.state_dict(), head.state_dict()))))
        if step == steps:
            break
        tokens, targets = (torch.as_tensor(a) for a in RECALL.sample(rng, 64, seq_len))
        loss = nn.functional.cross_entropy(predict(tokens), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return core, head, log, snapshots


def to_bundle_model(kind: str, core: nn.Module, head: nn.Linear) -> RecurrentClassifier:
    """Your core and readout in the project's wrapper, which the probes know how to read."""
    model = RecurrentClassifier(kind, RECALL.vocab_size, RECALL.num_classes, core.hidden_size)
    model.core.load_state_dict(core.state_dict())
    model.head.load_state_dict(head.state_dict())
    return model


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True, help="the bundle to start from")
    parser.add_argument("--out", type=Path, required=True, help="the new bundle's directory")
    parser.add_argument("--kind", choices=list(CORES), default="lstm",
                        help="which reference model yours replaces (default: lstm)")
    parser.add_argument("--hidden", type=int, default=32, help="your hidden size")
    parser.add_argument("--steps", type=int, default=600, help="your training steps")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    setup_torch()
    base = load_bundle(args.base)
    prefix = model_prefix(args.kind)
    tokens = np.array(base[probe_key(prefix, "tokens")])  # a writable copy for torch
    target = int(base[probe_key(prefix, "target")])
    core, head, log, snapshots = train_my_model(args.kind, len(tokens), args.hidden,
                                                args.steps, args.seed)

    model = to_bundle_model(args.kind, core, head)
    states = []
    for step, (core_state, head_state) in snapshots:
        snap = to_bundle_model(args.kind, core, head)
        snap.core.load_state_dict(core_state)
        snap.head.load_state_dict(head_state)
        states.append((step, snap.state_dict()))
    step, loss, accuracy = (np.array(column) for column in zip(*log, strict=True))
    result = TrainResult(model, step.astype(np.int64), loss, accuracy, states)

    arrays = {k: v for k, v in base.items() if not k.startswith(prefix + "/")}
    arrays |= model_arrays(prefix, result, tokens, target)
    mine = {"kind": args.kind, "hidden_size": args.hidden, "steps": args.steps,
            "optimizer": "RMSprop, lr 1e-2, no clipping", "seed": args.seed,
            "note": "trained by examples/own_model.py; the length sweep is the base bundle's"}
    config = {**base.config, "own_model": mine}
    out = write_bundle(args.out, arrays, config=config, vocab=base.vocab,
                       generator=generator_info())
    print(f"wrote {out}: your {args.kind} ends at {accuracy[-1]:.1%} held-out accuracy",
          file=sys.stderr)
    return out


if __name__ == "__main__":
    main()
