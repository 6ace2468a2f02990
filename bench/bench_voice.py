"""Synthesis time of the whole lecture's narration with the piper voice, cold and cached.

    .venv/bin/python bench/bench_voice.py [--texts-from OUT]

The narration's text depends on the data, so it is read from a build's voiceover caches
(OUT/.media/*/voiceovers/cache.json, written by any `lecture build` or `lecture render`, of
any voice and quality): one entry per narration block. The blocks are then synthesised into
empty caches, one per scene (cold: the engine loads, every block is synthesised, its loudness
set and its words timed, as in a render; a render loads the model once per scene, about
1-2 s each, which this adds once) and once more into the same caches (cached: what a
re-render costs). The real-time factor is synthesis wall time over the length of the audio it made,
with ONNX Runtime's default threads (all cores), on this machine.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
import wave
from pathlib import Path

from manim_voiceover.helper import remove_bookmarks

from scenes.acts import ACTS
from scenes.voice.piper import locate_model
from scenes.voice.services import PiperSpeech


def narration_texts(out: Path) -> dict[str, list[str]]:
    """Each scene's narration blocks, in order, without repeats."""
    scenes = {}
    for act in ACTS:  # not .media/script, where `lecture script` keeps its own cache
        cache = out / ".media" / act.name / "voiceovers" / "cache.json"
        if not cache.is_file():
            continue
        texts: dict[str, None] = {}
        for entry in json.loads(cache.read_text()):
            texts.setdefault(" ".join(remove_bookmarks(entry["input_text"]).split()))
        scenes[act.name] = list(texts)
    return scenes


def run(services: dict[str, PiperSpeech], scenes: dict[str, list[str]]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts-from", type=Path, default=Path("out"), metavar="OUT",
                        help="a build's output folder (default: out)")
    args = parser.parse_args()
    scenes = narration_texts(args.texts_from)
    texts = [t for blocks in scenes.values() for t in blocks]
    if not texts:
        raise SystemExit(f"no narration under {args.texts_from}/.media: run `lecture build "
                         "--quality low` first, or pass --texts-from")
    words = sum(len(t.split()) for t in texts)
    print(f"{len(scenes)} scenes, {len(texts)} narration blocks, {words} words; "
          f"{os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        first = PiperSpeech(locate_model(), cache_dir=Path(tmp) / "0")
        first.engine  # noqa: B018 - load the model now, to time it apart
        load = time.perf_counter() - start
        services = {}
        for name in scenes:  # one engine for all: a render loads it once per scene
            services[name] = PiperSpeech(first.model, cache_dir=Path(tmp) / name)
            services[name]._engine = first.engine
        cold, cold_cpu, audio = run(services, scenes)
        cached, _, _ = run(services, scenes)
    print(f"audio: {audio:.1f} s of speech ({words / audio * 60:.0f} words a minute)")
    print(f"cold: {load:.1f} s to check and load the model, {cold:.1f} s to synthesise: "
          f"{load + cold:.1f} s, real-time factor {cold / audio:.3f} "
          f"({(load + cold) / audio:.3f} with the load); {cold_cpu:.1f} CPU-s")
    print(f"cached: {cached:.2f} s (the model is loaded only when a block is missing)")


if __name__ == "__main__":
    main()
