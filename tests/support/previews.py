"""Acts run without rendering (:mod:`scenes.dry_run`), many at once: one process per core,
each with its own LaTeX and voice cache, so the fast tests run every act on several bundles
in seconds per act."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

_MEDIA: Path | None = None


def _start(media_root: str) -> None:
    global _MEDIA
    _MEDIA = Path(media_root) / f"worker-{os.getpid()}"
    _MEDIA.mkdir(parents=True, exist_ok=True)


def _preview(act_name: str, data: str):
    """The act's transcript, or the one-line error it raised (a layout problem...)."""
    from scenes.acts import act_named
    from scenes.dry_run import preview_act

    try:
        return preview_act(act_named(act_name), data, _MEDIA)
    except Exception as e:  # reported by the test that asks for this act
        return f"{type(e).__name__}: {e}"


def preview_all(jobs: list[tuple[str, Path]], media_root: Path) -> dict:
    """``{(act name, bundle dir): Transcript or error line}`` for every job."""
    context = multiprocessing.get_context("spawn")
    workers = min(len(jobs), os.cpu_count() or 1)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start,
                             initargs=(str(media_root),)) as pool:
        futures = {job: pool.submit(_preview, job[0], str(job[1])) for job in jobs}
        return {job: future.result() for job, future in futures.items()}
