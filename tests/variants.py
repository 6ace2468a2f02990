"""Quick-mode bundles for other configurations, made for the tests: every job of every
configuration in one pool of processes, one per core."""

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
