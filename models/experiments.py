"""The whole set of experiments behind the lecture, as a list of independent jobs.

:func:`plan` lists the jobs, :func:`run_job` runs one and returns bundle arrays, and
:func:`assemble` merges the results. Jobs share nothing, so a caller may run them in any
order or in parallel processes and still get byte-identical arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from bundle.contract import (
    CUISINE_MODEL,
    RECALL_MODELS,
    SWEEP_SEQ_LEN,
    grad_key,
    model_prefix,
    param_key,
    probe_key,
    scalar_key,
    sweep_key,
    train_key,
)

from .config import Config
from .probes import activation_curves, feedforward_step, probe_model, scalar_factors
from .tasks import CUISINE, RECALL, get_task
from .train import TrainResult, stream, train

__all__ = ["Job", "assemble", "model_arrays", "plan", "run_job", "vocab"]


@dataclass(frozen=True)
class Job:
    name: str
    kind: str | None = None  # None: the analytic examples
    task: str = "recall"
    seq_len: int = 0
    probe: bool = True  # False: a sweep run that only reports its final accuracy


def plan(cfg: Config) -> list[Job]:
    jobs = [Job("analytic examples")]
    for kind in RECALL_MODELS:
        jobs.append(Job(f"{kind} on recall, T={cfg.seq_len}", kind, "recall", cfg.seq_len))
    cuisine_task, cuisine_kind = CUISINE_MODEL.split("/")
    jobs.append(Job(f"{cuisine_kind} on {cuisine_task}, T={cfg.cuisine_seq_len}", cuisine_kind,
                    cuisine_task, cfg.cuisine_seq_len))
    for seq_len in cfg.sweep_seq_lens:
        if seq_len == cfg.seq_len:
            continue  # the main runs already trained these, with the same data and seed
        for kind in cfg.sweep_models:
            jobs.append(Job(f"sweep {kind}, T={seq_len}", kind, "recall", seq_len, probe=False))
    return jobs


def setup_torch() -> None:
    # One thread: on two cores, a second thread made the same run take 0.4 s once and 70 s
    # another time. Deterministic kernels make equal seeds give byte-identical arrays.
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)


def _sweep_part(kind: str, seq_len: int) -> str:
    """A sweep run's result until :func:`assemble` gathers them into the sweep table."""
    return f"{sweep_key(kind)}@T{seq_len}"


def run_job(cfg: Config, job: Job, on_step=None) -> dict[str, np.ndarray]:
    setup_torch()
    if job.kind is None:
        out = {scalar_key("w"): np.array(cfg.scalar_weights, dtype=np.float64),
               scalar_key("factor"): scalar_factors(cfg.scalar_weights, cfg.scalar_steps)}
        out |= activation_curves(cfg.activation_points, cfg.activation_range)
        out |= feedforward_step(**cfg.feedforward)
        return out
    task = get_task(job.task)
    # A sweep run that diverges reports its last finite accuracy; a probed run must not.
    result = train(job.kind, task, job.seq_len, cfg, on_step, stop_on_divergence=not job.probe)
    if not job.probe:
        return {_sweep_part(job.kind, job.seq_len): np.array(result.accuracy[-1])}
    tokens, target = task.probe(stream(cfg.seed, "probe", task.name, job.seq_len), job.seq_len)
    return model_arrays(model_prefix(job.kind, job.task), result, tokens, target)


def model_arrays(prefix: str, result: TrainResult, tokens: np.ndarray, target: int) -> dict:
    """Every bundle key of one trained model, under ``prefix``: its parameters, the probe
    sentence ``tokens`` with its ``target`` read step by step, the gradient at each of the
    result's snapshots, and its training log. ``result.model`` ends on its final weights."""
    model = result.model
    out = {param_key(prefix, name): p.detach().numpy().copy()
           for name, p in model.core.named_parameters()}
    out[param_key(prefix, "head_weight")] = model.head.weight.detach().numpy().copy()
    out[param_key(prefix, "head_bias")] = model.head.bias.detach().numpy().copy()
    out[probe_key(prefix, "tokens")] = tokens
    out[probe_key(prefix, "target")] = np.array(target, dtype=np.int64)
    grad_keys = {grad_key(prefix, "h"), grad_key(prefix, "c")}
    out |= {k: v for k, v in probe_model(model, tokens, target, prefix).items()
            if k not in grad_keys}
    grads: dict[str, list] = {}
    final = {k: v.clone() for k, v in model.state_dict().items()}
    for _, state in result.snapshots:
        model.load_state_dict(state)
        for k, v in probe_model(model, tokens, target, prefix).items():
            if k in grad_keys:
                grads.setdefault(k, []).append(v)
    model.load_state_dict(final)
    out[grad_key(prefix, "step")] = np.array([s for s, _ in result.snapshots], dtype=np.int64)
    out |= {k: np.stack(v) for k, v in grads.items()}  # (S, T)
    out[train_key(prefix, "step")], out[train_key(prefix, "loss")] = result.step, result.loss
    out[train_key(prefix, "accuracy")] = result.accuracy
    return out


def assemble(cfg: Config, results: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """Merge job results into the bundle's arrays, building the sweep table."""
    arrays: dict[str, np.ndarray] = {}
    for r in results:
        arrays |= r
    lens = np.array(sorted(set(cfg.sweep_seq_lens)), dtype=np.int64)
    arrays[SWEEP_SEQ_LEN] = lens
    for kind in cfg.sweep_models:
        acc = [arrays.pop(_sweep_part(kind, t), None) for t in lens]
        acc = [a if a is not None else arrays[train_key(kind, "accuracy")][-1]
               for a, t in zip(acc, lens, strict=True)]
        arrays[sweep_key(kind)] = np.array(acc, dtype=np.float64)
    return dict(sorted(arrays.items()))


def vocab() -> dict:
    return {task.name: {"tokens": list(task.tokens), "classes": list(task.classes)}
            for task in (RECALL, CUISINE)}
