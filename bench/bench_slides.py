"""Deck speed: the deck and handout built from scenes already rendered.

    .venv/bin/python bench/bench_slides.py --out out            # the scenes in out/scenes
    .venv/bin/python bench/bench_slides.py --out out --repeat 3

Builds the deck (slides cut by stream copy, each slide's narration encoded to AAC, a still
per slide decoded for the handout, the handout PDF, the HTML) from every scene rendered in
OUT/scenes that has its narration blocks, into a temporary folder (OUT/deck is left alone),
``--repeat`` times. Prints wall and CPU time per phase, per second of video, and, when only
some scenes are there, the figure scaled to the whole lecture by video length (say so when
you quote it). With every scene rendered it then times the whole command, `lecture slides`,
which finds nothing to render and builds the deck (the issue's target: 60 s at 1080p60).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import av

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lecture.deck.build import build_deck  # noqa: E402
from lecture.deck.plan import SceneSource  # noqa: E402
from lecture.render import QUALITIES  # noqa: E402
from scenes.acts import ACTS  # noqa: E402

LECTURE_SECONDS = 842.0  # the whole lecture at main's 51a2330 (README), to scale a subset


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime + children.ru_utime + children.ru_stime


def rendered_scenes(out: Path) -> list[SceneSource]:
    scenes = []
    for number, act in enumerate(ACTS, start=1):
        video = out / "scenes" / f"{number:02d}_{act.name}.mp4"
        try:
            record = json.loads(video.with_suffix(".json").read_text())
        except (OSError, ValueError):
            continue
        if video.exists() and (record.get("narration") or {}).get("frames"):
            scenes.append(SceneSource(number, act.name, act.title, video, record,
                                      record["key"]))
    return scenes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "out")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--jobs", default=str(os.cpu_count() or 1),
                        help="worker processes; a list (1,2) compares them")
    args = parser.parse_args()
    scenes = rendered_scenes(args.out)
    if not scenes:
        sys.exit(f"no rendered scenes with narration blocks in {args.out}/scenes: "
                 "run `lecture render` first")
    video = sum(float(s.record["duration"]) for s in scenes)
    with av.open(str(scenes[0].video)) as c:
        s = c.streams.video[0]
        size = f"{s.height}p{float(s.base_rate):g}"
    print(f"{len(scenes)} of {len(ACTS)} scenes ({', '.join(s.name for s in scenes)}), "
          f"{video:.1f} s of video at {size}, {os.cpu_count()} cores\n")
    print(f"{'jobs':<4} {'run':<4} {'slides':>6} {'wall':>7} {'CPU':>7} {'wall/video s':>13}"
          "  phases, summed over jobs (s)")
    walls = []
    for jobs in (int(j) for j in args.jobs.split(",")):
        for run in range(1, args.repeat + 1):
            folder = Path(tempfile.mkdtemp(prefix="bench-deck-", dir=args.out))
            try:
                c0, t0 = cpu(), time.perf_counter()
                manifest = build_deck(scenes, folder, {}, jobs=jobs)
                wall, used = time.perf_counter() - t0, cpu() - c0
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            walls.append(wall)
            phases = ", ".join(f"{k} {v:.1f}" for k, v in manifest["timings"].items())
            print(f"{jobs:<4} {run:<4} {len(manifest['slides']):>6} {wall:>6.1f}s {used:>6.1f}s "
                  f"{wall / video:>12.3f}s  {phases}")
    best = min(walls)
    if len(scenes) < len(ACTS):
        print(f"\nscaled to the whole lecture ({LECTURE_SECONDS:.0f} s of video) by video "
              f"length: {best / video * LECTURE_SECONDS:.1f} s (an estimate, not a measurement)")
        return
    quality = next(q for q, v in QUALITIES.items() if f"{v.height}p{v.fps}" == size)
    deck_manifest = args.out / "deck" / "manifest.json"
    saved = deck_manifest.read_bytes() if deck_manifest.exists() else None
    deck_manifest.unlink(missing_ok=True)  # so the command builds the deck again
    t0 = time.perf_counter()
    proc = subprocess.run([str(Path(sys.executable).parent / "lecture"), "slides",
                           "--quality", quality, "--out", str(args.out)],
                          capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode:
        if saved:
            deck_manifest.write_bytes(saved)
        sys.exit(f"lecture slides failed:\n{proc.stderr[-2000:]}")
    print(f"\n`lecture slides --quality {quality}` with every scene rendered: {wall:.1f} s "
          f"wall (target 60 s at 1080p60)\n{proc.stdout.strip()}")


if __name__ == "__main__":
    main()
