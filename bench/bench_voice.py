"""The whole lecture's narration with hibari and with piper, in one run: cold and cached,
wall and CPU seconds; and, with --build, hibari's share of a cold 480p15 build's CPU.

    .venv/bin/python bench/bench_voice.py [--data DIR] [--build]

The narration is the story's (`lecture script`: every act's blocks, from the bundle, without
Manim). For each voice the blocks are synthesised into empty caches, one per scene, as a
render does (cold: the model is checked and loaded, every block synthesised, its loudness set
and its words timed), then once more into the same caches (cached: what a re-render costs).
CPU seconds are this process's, all threads. With --build, `lecture build --quality low
--voice hibari` builds the lecture into an empty folder and its CPU (all its processes) is
measured: the share is hibari's cold synthesis CPU over that build's CPU; the lecture's
length and each scene's loudness are read from its manifest.
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
import wave
from pathlib import Path

from bundle import DEFAULT_BUNDLE, load_bundle
from scenes.acts import ACTS
from scenes.story.acts import script_for
from scenes.story.findings import Findings
from scenes.voice import hibari, piper
from scenes.voice.services import NeuralSpeech

VOICES = {"hibari": hibari, "piper": piper}


def narration(data: Path) -> dict[str, list[str]]:
    """Each scene's narration blocks, in order, without repeats."""
    bundle = load_bundle(data)
    return {act.name: list(dict.fromkeys(script_for(act, Findings(bundle.view(act.reads)))
                                         .narration)) for act in ACTS}


def run(services: dict[str, NeuralSpeech], scenes: dict[str, list[str]]
        ) -> tuple[float, float, float]:
    """Wall time and CPU time (all threads) to narrate every block, and the seconds of
    audio made; each scene with its own cache, as in a render."""
    audio = 0.0
    start, cpu = time.perf_counter(), time.process_time()
    for name, texts in scenes.items():
        service = services[name]
        for text in texts:
            # as a scene calls it: the result goes into the scene's cache.json
            result = service._wrap_generate_from_text(text)
            with wave.open(str(Path(service.cache_dir) / result["final_audio"])) as w:
                audio += w.getnframes() / w.getframerate()
    return time.perf_counter() - start, time.process_time() - cpu, audio


def measure(voice: str, scenes: dict[str, list[str]], words: int) -> float:
    """Print one voice's figures; return its cold CPU seconds (load and synthesis)."""
    with tempfile.TemporaryDirectory() as tmp:
        start, cpu = time.perf_counter(), time.process_time()
        first = NeuralSpeech(VOICES[voice].locate_model(), cache_dir=Path(tmp) / "0")
        first.engine  # noqa: B018 - load the model now, to time it apart
        load, load_cpu = time.perf_counter() - start, time.process_time() - cpu
        services = {}
        for name in scenes:  # one engine for all: a render loads it once per scene
            services[name] = NeuralSpeech(first.model, cache_dir=Path(tmp) / name)
            services[name]._engine = first.engine
        cold, cold_cpu, audio = run(services, scenes)
        cached, cached_cpu, _ = run(services, scenes)
    print(f"{voice}: {audio:.1f} s of speech ({audio / 60:.1f} min, {words / audio * 60:.0f} "
          f"words a minute)")
    print(f"  cold: load {load:.1f} s ({load_cpu:.1f} CPU-s), synthesis {cold:.1f} s wall, "
          f"{cold_cpu:.1f} CPU-s: {audio / cold_cpu:.1f}x real time per CPU-second, "
          f"{audio / cold:.1f}x per wall second")
    print(f"  cached: {cached:.2f} s wall, {cached_cpu:.2f} CPU-s")
    print(f"  a render loads the model once per scene: {len(scenes)} x {load_cpu:.1f} CPU-s")
    return load_cpu * len(scenes) + cold_cpu


def build_cpu(data: Path) -> tuple[float, float, dict]:
    """Wall and CPU seconds (every process) of a cold 480p15 build with hibari, and its
    manifest."""
    with tempfile.TemporaryDirectory() as out:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "lecture.cli", "build", "--quality", "low",
                        "--voice", "hibari", "--data", str(data), "--out", out],
                       check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        manifest = json.loads((Path(out) / "manifest.json").read_text())
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_BUNDLE, metavar="DIR",
                        help="the bundle whose narration is spoken (default: the committed one)")
    parser.add_argument("--build", action="store_true",
                        help="also render the lecture at 480p15 with hibari, cold, and give "
                        "hibari's share of its CPU (about 6 minutes on 2 cores)")
    args = parser.parse_args()
    scenes = narration(args.data)
    texts = [t for blocks in scenes.values() for t in blocks]
    words = sum(len(t.split()) for t in texts)
    print(f"{len(scenes)} scenes, {len(texts)} narration blocks, {words} words; "
          f"{os.cpu_count()} cores")
    cpu = {voice: measure(voice, scenes, words) for voice in VOICES}
    print(f"hibari's cold CPU is {cpu['hibari'] / cpu['piper']:.2f} of piper's "
          f"({cpu['piper'] / cpu['hibari']:.1f}x less), the loads once per scene included")
    if args.build:
        wall, total, manifest = build_cpu(args.data)
        print(f"cold 480p15 build with hibari: {wall:.0f} s wall, {total:.0f} CPU-s; hibari's "
              f"synthesis (loads included) {cpu['hibari']:.1f} CPU-s = "
              f"{cpu['hibari'] / total:.1%} of it (target: at most 10%)")
        length = manifest["video"]["duration"]
        print(f"the lecture lasts {length:.1f} s ({length / 60:.1f} min); loudness per scene "
              f"(target {manifest['loudness']['target']} LUFS):")
        for scene in manifest["scenes"]:
            print(f"  {scene['name']:15} {json.dumps(scene['loudness'])}")


if __name__ == "__main__":
    main()
