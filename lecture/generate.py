"""``lecture data``: run the experiments (in parallel processes) and write the bundle."""

from __future__ import annotations

import os
import platform
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from importlib.metadata import version
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from bundle import write_bundle
from lecture.interrupts import ignoring_ctrl_c, spawn_pool, worker_init
from lecture.provenance import GENERATOR, git_commit
from models.config import Config, quick_config
from models.experiments import Job, assemble, plan, run_job, vocab

__all__ = ["generate_bundle"]

# Rough relative cost per time step, for scheduling only (a GRU step was ~2x an RNN's here).
COST = {"gru": 3, "lstm": 2, "rnn_sigmoid": 2}


def generate_bundle(target: Path, *, seed: int = 0, quick: bool = False,
                    config: Config | None = None, jobs: int = 1,
                    console: Console | None = None) -> dict[str, float]:
    """Train, probe and write a bundle to ``target``. Returns each job's wall time.

    ``config`` is the whole run configuration; without it, ``seed`` and ``quick`` pick one.
    """
    console = console or Console(stderr=True)
    cfg = config if config is not None else quick_config(seed) if quick else Config(seed=seed)
    todo = plan(cfg)
    start = time.perf_counter()
    results, timings = run_jobs(cfg, todo, jobs, console)
    arrays = assemble(cfg, [results[job] for job in todo])
    write_start = time.perf_counter()
    write_bundle(target, arrays, config=cfg.to_dict(), vocab=vocab(), generator=generator_info())
    timings["write bundle"] = time.perf_counter() - write_start
    timings["total"] = time.perf_counter() - start
    return timings


def _timed_job(cfg: Config, job: Job):
    start = time.perf_counter()
    result = run_job(cfg, job)
    return result, time.perf_counter() - start


def run_jobs(cfg: Config, todo: list[Job], jobs: int, console: Console):
    """Run every job, ``jobs`` at a time, showing which are running and how far along."""
    results, timings = {}, {}
    columns = (TextColumn("[bold]training[/]"), BarColumn(), TextColumn("{task.completed}/"
               "{task.total} runs"), TimeElapsedColumn(),
               TextColumn("{task.description}", markup=False))
    with Progress(*columns, console=console, transient=False) as progress:
        bar = progress.add_task("", total=len(todo))

        def done(job: Job, result, seconds: float) -> None:
            results[job], timings[job.name] = result, seconds
            progress.console.print(f"  {job.name:<32} {seconds:6.1f} s", markup=False,
                                   highlight=False)
            progress.advance(bar)

        if jobs == 1:
            for job in todo:
                progress.update(bar, description=job.name)
                done(job, *_timed_job(cfg, job))
            return results, timings
        # Workers ignore Ctrl-C and die with this process, which stops them on an interrupt.
        pool = spawn_pool(max(1, min(jobs, len(todo))), initializer=worker_init,
                          initargs=(os.getpid(),))
        try:
            # Longest first, so no core idles at the end waiting on one long run.
            by_cost = sorted(todo, key=lambda j: -j.seq_len * COST.get(j.kind, 1))
            with ignoring_ctrl_c():  # workers start now, and inherit it
                pending = {pool.submit(_timed_job, cfg, job): job for job in by_cost}
            while pending:
                running = [j.name for f, j in pending.items() if f.running()]
                progress.update(bar, description=", ".join(running[:jobs]))
                finished, _ = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                for future in finished:
                    done(pending.pop(future), *future.result())
        except BaseException:
            _stop(pool)
            raise
        pool.shutdown()
    return results, timings


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel the queued jobs and kill the running ones now, rather than wait for them."""
    # Python 3.14 has kill_workers(); before it, the workers are known only to the pool's
    # _processes, which shutdown() clears: take them first.
    kill = getattr(pool, "kill_workers", None)
    workers = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    if kill is not None:
        kill()
        return
    for process in workers:
        process.kill()
    for process in workers:
        process.join(timeout=1.0)


def generator_info() -> dict:
    return {
        "name": GENERATOR,
        "version": version(GENERATOR),
        "git_commit": git_commit(),
        "python": platform.python_version(),
        "torch": version("torch"),
        "numpy": version("numpy"),
    }
