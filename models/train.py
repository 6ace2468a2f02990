"""Training one model on one task, with held-out accuracy and weight snapshots."""

from __future__ import annotations

import copy
import zlib
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from .config import Config, ConfigError
from .recurrent import RecurrentClassifier, build_model
from .tasks import Task

__all__ = ["Diverged", "TrainResult", "evaluate", "snapshot_steps", "stream", "train"]


class Diverged(ConfigError):
    """A run whose loss stopped being finite: its configuration is beyond what it can train
    (a bundle never holds NaN or inf). ``str()`` is one line."""


@dataclass
class TrainResult:
    model: RecurrentClassifier  # final weights
    step: np.ndarray  # (N,) logged steps
    loss: np.ndarray  # (N,) held-out cross-entropy
    accuracy: np.ndarray  # (N,) held-out accuracy
    snapshots: list[tuple[int, dict]]  # (step, state_dict), the last one the final weights


def stream(seed: int, *names: str | int) -> np.random.Generator:
    """An independent random stream for a named purpose, stable across runs and orders."""
    return np.random.default_rng([seed, *(zlib.crc32(str(n).encode()) for n in names)])


def snapshot_steps(cfg: Config) -> list[int]:
    return sorted({round(f * cfg.steps) for f in cfg.snapshot_fractions} | {cfg.steps})


@torch.no_grad()
def evaluate(model: nn.Module, tokens: torch.Tensor, targets: torch.Tensor) -> tuple[float, float]:
    model.eval()
    logits = model(tokens)
    model.train()
    loss = nn.functional.cross_entropy(logits, targets).item()
    return loss, (logits.argmax(-1) == targets).double().mean().item()


def train(kind: str, task: Task, seq_len: int, cfg: Config, on_step=None, *,
          stop_on_divergence: bool = False) -> TrainResult:
    """Adam on fresh batches. Every model of a run sees the same batches and held-out set
    (they depend on the task, length and seed, not on the model), so curves compare fairly.

    A loss that stops being finite raises :class:`Diverged`; with ``stop_on_divergence``
    training stops there instead and the log ends at the last finite evaluation (the
    length sweep's runs, which report only their final accuracy).
    """
    data = stream(cfg.seed, "train", task.name, seq_len)
    held_out = [torch.as_tensor(a) for a in
                task.sample(stream(cfg.seed, "eval", task.name, seq_len), cfg.eval_size, seq_len)]
    torch.manual_seed(int(stream(cfg.seed, "init", task.name, seq_len, kind).integers(2**62)))
    model = build_model(kind, task.vocab_size, task.num_classes, cfg.hidden_size,
                        cfg.forget_bias)
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    snap_at = set(snapshot_steps(cfg))
    log, snapshots = [], []
    for step in range(cfg.steps + 1):
        if step % cfg.log_every == 0 or step == cfg.steps:
            entry = (step, *evaluate(model, *held_out))
            if _diverged(entry[1], kind, task, seq_len, step, cfg,
                         stop_on_divergence and bool(log)):
                break
            log.append(entry)
        if step in snap_at:
            snapshots.append((step, copy.deepcopy(model.state_dict())))
        if step == cfg.steps:
            break
        tokens, targets = (torch.as_tensor(a) for a in task.sample(data, cfg.batch_size, seq_len))
        loss = nn.functional.cross_entropy(model(tokens), targets)
        if _diverged(loss.item(), kind, task, seq_len, step, cfg,
                     stop_on_divergence and bool(log)):
            break
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if cfg.clip_norm is not None:
            nn.utils.clip_grad_norm_(model.parameters(), cfg.clip_norm)
        optimizer.step()
        if on_step is not None:
            on_step(step + 1, cfg.steps)
    steps, losses, accuracies = (np.array(c) for c in zip(*log, strict=True))
    return TrainResult(model, steps.astype(np.int64), losses, accuracies, snapshots)


def _diverged(loss: float, kind: str, task: Task, seq_len: int, step: int, cfg: Config,
              may_stop: bool) -> bool:
    """Whether training must stop here; raises :class:`Diverged` where it may not. A run
    stops at once rather than train on NaN for minutes and fail when the bundle is checked.
    """
    if np.isfinite(loss):
        return False
    if may_stop:
        return True
    raise Diverged(f"{kind} on {task.name}, T={seq_len}: training diverged at step {step} "
                   f"(the loss is {loss}); try a smaller lr (now {cfg.lr:g})")
