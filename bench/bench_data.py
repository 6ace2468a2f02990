"""How long `lecture data` takes: whole-process wall time per mode, and each stage's time.

    .venv/bin/python bench/bench_data.py            # quick, default with all cores, serial
    .venv/bin/python bench/bench_data.py --no-serial

Targets (issue 2): the default bundle in at most 3 minutes on 2 cores, --quick in at most
20 s. Absolute times on a shared machine are noisy: compare the ratios within one run.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LECTURE = Path(sys.executable).with_name("lecture")
STAGE = re.compile(r"^\s{2}(\S.*?)\s+([\d.]+) s$")


def run(label: str, *args: str) -> tuple[float, dict[str, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        proc = subprocess.run([str(LECTURE), "data", "--out", f"{tmp}/b", *args],
                              capture_output=True, text=True)
        wall = time.perf_counter() - start
    if proc.returncode:
        sys.exit(f"{label} failed:\n{proc.stderr}")
    stages = {m[1]: float(m[2]) for line in proc.stderr.splitlines()
              if (m := STAGE.match(line))}
    print(f"{label:<34} {wall:7.1f} s wall  ({len(stages)} stages, "
          f"{sum(stages.values()):.1f} s of stage time)", flush=True)
    return wall, stages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-serial", action="store_true", help="skip the one-process run")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    print(f"lecture data on {cores} cores\n")
    quick, _ = run("--quick", "--quick")
    default, stages = run(f"default, --jobs {cores}", "--jobs", str(cores))
    if not args.no_serial:
        serial, _ = run("default, --jobs 1", "--jobs", "1")
        print(f"\nparallel speed-up: {serial / default:.2f}x")
    print(f"\ntargets: default {default:.0f} s <= 180 s: {default <= 180}; "
          f"quick {quick:.1f} s <= 20 s: {quick <= 20}")
    print("\nstage wall times (default run; stages overlap when run in parallel):")
    for name, seconds in sorted(stages.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<32} {seconds:6.1f} s")


if __name__ == "__main__":
    main()
