"""Quick-mode bundles for other configurations, made for the tests: the matrix the story
tests run, and every job of every configuration in one pool of processes, one per core."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from bundle import write_bundle
from lecture.generate import generator_info
from models.config import Config, quick_config
from models.experiments import assemble, plan, run_job, vocab


def quick_variant(**overrides) -> Config:
    """The quick configuration with ``overrides``, checked as the command line checks it."""
    cfg = dataclasses.replace(quick_config(), **overrides)
    cfg.validate()
    return cfg


def make_bundles(configs: dict[str, Config], root: Path) -> dict[str, Path]:
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(os.cpu_count() or 1, mp_context=context) as pool:
        futures = {name: [pool.submit(run_job, cfg, job) for job in plan(cfg)]
                   for name, cfg in configs.items()}
        paths = {}
        for name, cfg in configs.items():
            arrays = assemble(cfg, [f.result() for f in futures[name]])
            paths[name] = write_bundle(root / name, arrays, config=cfg.to_dict(),
                                       vocab=vocab(), generator=generator_info())
    return paths


MATRIX = {
    # the small reference run: the LSTM and the IRNN solve recall, the GRU and tanh RNN do not
    "quick": quick_variant(),
    # gates at PyTorch's default initialisation: the LSTM's forget gate sits near 0.5
    "gates_off": quick_variant(forget_bias=0.0),
    # the shortest sentences the configuration accepts: the tanh RNN solves the task
    "short": quick_variant(seq_len=10, cuisine_seq_len=8, sweep_seq_lens=(5, 10)),
    # the longest: nothing learns in a quick run, the IRNN included
    "long": quick_variant(seq_len=120, cuisine_seq_len=40, sweep_seq_lens=(10, 120)),
    # four hidden units: a gradient underflows to exactly zero
    "tiny": quick_variant(hidden_size=4),
    # sixty-four: the tanh RNN solves T = 20 and its gradient grows on the way back
    "large": quick_variant(hidden_size=64),
    "no_clipping": quick_variant(clip_norm=None),
    # other analytic examples: no weight of exactly one, a descent step that overshoots, a
    # one-length sweep, only the first and last snapshots
    "examples": quick_variant(scalar_weights=(0.8, 1.2), sweep_seq_lens=(20,),
                              snapshot_fractions=(0.0, 1.0),
                              feedforward={"x": 3.0, "w": 0.5, "b": 0.0, "y_true": 0.5,
                                           "lr": 5.0}),
}
