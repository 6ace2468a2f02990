"""How long `lecture data` takes: whole-process wall time per mode, and each stage's time.

    .venv/bin/python bench/bench_data.py            # every mode below
    .venv/bin/python bench/bench_data.py --modes quick-variant,variant

Modes: quick (--quick), quick-variant (--quick --set forget_bias=0), default (all cores),
variant (--set forget_bias=0, all cores), serial (default, --jobs 1). Targets (issues 2
and 7): a full bundle, default or variant, in at most 3 minutes on 2 cores, a quick one in
at most 20 s. Absolute times on a shared machine are noisy: compare the ratios within one
run, and look at the load average and the CPU time printed with each figure.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LECTURE = Path(sys.executable).with_name("lecture")
STAGE = re.compile(r"^\s{2}(\S.*?)\s+([\d.]+) s$")


def _children_cpu() -> float:
    """User and system time of finished child processes (their pool workers included):
    steadier than wall time on a shared machine."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(label: str, *args: str) -> tuple[float, dict[str, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        cpu0 = _children_cpu()
        start = time.perf_counter()
        proc = subprocess.run([str(LECTURE), "data", "--out", f"{tmp}/b", *args],
                              capture_output=True, text=True)
        wall = time.perf_counter() - start
        cpu = _children_cpu() - cpu0
    if proc.returncode:
        sys.exit(f"{label} failed:\n{proc.stderr}")
    stages = {m[1]: float(m[2]) for line in proc.stderr.splitlines()
              if (m := STAGE.match(line))}
    load = os.getloadavg()[0]
    print(f"{label:<48} {wall:7.1f} s wall, {cpu:7.1f} CPU-s  ({len(stages)} stages, "
          f"{sum(stages.values()):.1f} s of stage time; load {load:.1f})", flush=True)
    return wall, stages


VARIANT = ("--set", "forget_bias=0")  # the LSTM's forget gate near 0.5: a real variant
TARGET = {"quick": 20.0, "quick-variant": 20.0, "default": 180.0, "variant": 180.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", default="quick,quick-variant,default,variant,serial",
                        help="comma-separated modes to time (default: all)")
    parser.add_argument("--no-serial", action="store_true", help="skip the one-process run")
    args = parser.parse_args()
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if args.no_serial and "serial" in modes:
        modes.remove("serial")
    cores = os.cpu_count() or 1
    argv = {"quick": ("--quick",), "quick-variant": ("--quick", *VARIANT),
            "default": ("--jobs", str(cores)), "variant": ("--jobs", str(cores), *VARIANT),
            "serial": ("--jobs", "1")}
    unknown = sorted(set(modes) - set(argv))
    if unknown:
        sys.exit(f"unknown mode {unknown[0]!r}; modes are {', '.join(argv)}")
    print(f"lecture data on {cores} cores\n")
    walls, stages = {}, {}
    for mode in modes:
        label = f"{mode} ({' '.join(argv[mode])})"
        walls[mode], stages[mode] = run(label, *argv[mode])
    if "serial" in walls and "default" in walls:
        print(f"\nparallel speed-up: {walls['serial'] / walls['default']:.2f}x")
    print("\ntargets:")
    for mode, wall in walls.items():
        if mode in TARGET:
            ok = "met" if wall <= TARGET[mode] else "MISSED"
            print(f"  {mode:<14} {wall:6.1f} s <= {TARGET[mode]:.0f} s: {ok}")
    full = next((m for m in ("variant", "default") if m in stages), None)
    if full:
        print(f"\nstage wall times ({full} run; stages overlap when run in parallel):")
        for name, seconds in sorted(stages[full].items(), key=lambda kv: -kv[1]):
            print(f"  {name:<32} {seconds:6.1f} s")


if __name__ == "__main__":
    main()
