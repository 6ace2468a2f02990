"""Render speed: the pipeline against plain `manim`, per quality, and the no-change rebuild.

    .venv/bin/python bench/bench_render.py                       # low and high, all scenes
    .venv/bin/python bench/bench_render.py --qualities low,medium,high --only hook,rnn

For each quality, in one run and from cold caches each time:
  1. plain manim: `manim -q<x> <act>.py <Scene>` for each scene, one after another;
  2. the pipeline: `lecture render --quality <x>` (parallel processes, all cores);
then `lecture build` twice more on the pipeline's output: the first assembles, the second
finds nothing changed. Prints wall time, wall time per second of video, CPU time, and the
ratio plain / pipeline. Absolute times on a shared machine are noisy; compare ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bundle import DEFAULT_BUNDLE  # noqa: E402
from lecture.render import QUALITIES  # noqa: E402
from scenes.acts import ACTS  # noqa: E402
from scenes.environment import scene_environment  # noqa: E402

BIN = Path(sys.executable).parent


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], env: dict | None = None) -> tuple[float, float]:
    cpu, start = children_cpu(), time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return time.perf_counter() - start, children_cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--qualities", default="low,high")
    parser.add_argument("--only", default=",".join(a.name for a in ACTS))
    parser.add_argument("--voice", default="flite")
    args = parser.parse_args()
    names = args.only.split(",")
    acts = [a for a in ACTS if a.name in names]
    env = {**os.environ, **scene_environment(DEFAULT_BUNDLE, args.voice),
           "PYTHONPATH": str(ROOT)}
    print(f"{len(acts)} scenes ({args.only}), voice {args.voice}, {os.cpu_count()} cores\n")
    print(f"{'quality':<8} {'video':>7} {'plain manim':>12} {'pipeline':>10} {'ratio':>6} "
          f"{'plain/s':>8} {'pipe/s':>7} {'plain CPU':>10} {'pipe CPU':>9}")
    for quality in args.qualities.split(","):
        q = QUALITIES[quality]
        with tempfile.TemporaryDirectory() as tmp:
            plain_wall = plain_cpu = 0.0
            for act in acts:
                wall, cpu = timed([str(BIN / "manim"), "render", f"-q{q.flag}",
                                   "--media_dir", f"{tmp}/plain", "--progress_bar", "none",
                                   str(ROOT / "scenes" / "acts" / f"{act.module}.py"),
                                   act.scene], env)
                plain_wall, plain_cpu = plain_wall + wall, plain_cpu + cpu
            out = Path(tmp) / "out"
            pipe_wall, pipe_cpu = timed([str(BIN / "lecture"), "render", "--quality", quality,
                                         "--voice", args.voice, "--only", args.only,
                                         "--out", str(out)])
            video = sum(json.loads(p.read_text())["duration"]
                        for p in (out / "scenes").glob("*.json"))
            print(f"{quality:<8} {video:6.0f}s {plain_wall:11.1f}s {pipe_wall:9.1f}s "
                  f"{plain_wall / pipe_wall:5.2f}x {plain_wall / video:7.2f}s "
                  f"{pipe_wall / video:6.2f}s {plain_cpu:9.0f}s {pipe_cpu:8.0f}s", flush=True)
            if len(acts) == len(ACTS):
                first, _ = timed([str(BIN / "lecture"), "build", "--quality", quality,
                                  "--voice", args.voice, "--out", str(out)])
                again, _ = timed([str(BIN / "lecture"), "build", "--quality", quality,
                                  "--voice", args.voice, "--out", str(out)])
                print(f"{'':<8} build after render (thumbnail + assembly): {first:.1f} s; "
                      f"rebuild with nothing changed: {again:.1f} s (target 10 s)", flush=True)


if __name__ == "__main__":
    main()
