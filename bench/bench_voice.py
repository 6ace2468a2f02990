"""Synthesis time of the whole lecture's narration with the piper voice, cold and cached.

    .venv/bin/python bench/bench_voice.py [--texts-from OUT]

The narration's text depends on the data, so it is read from a build's voiceover caches
(OUT/.media/*/voiceovers/cache.json, written by any `lecture build` or `lecture render`, of
any voice and quality): one entry per narration block. The blocks are then synthesised into
an empty cache (cold: the engine loads, every block is synthesised, its loudness set and its
words timed, as in a render) and once more into the same cache (cached: what a re-render
costs). The real-time factor is synthesis wall time over the length of the audio it made,
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

from scenes.piper_engine import locate_model
from scenes.piper_voice import PiperSpeech


def narration_texts(out: Path) -> list[str]:
    texts: dict[str, None] = {}
    for cache in sorted((out / ".media").glob("*/voiceovers/cache.json")):
        for entry in json.loads(cache.read_text()):
            texts.setdefault(" ".join(remove_bookmarks(entry["input_text"]).split()))
    return list(texts)


def run(service: PiperSpeech, texts: list[str], cache: Path) -> tuple[float, float, float]:
    """Wall time and CPU time (all threads) to narrate every block, and the seconds of
    audio made."""
    audio = 0.0
    start, cpu = time.perf_counter(), time.process_time()
    for text in texts:
        # as a scene calls it: the result goes into the service's cache.json
        result = service._wrap_generate_from_text(text)
        with wave.open(str(cache / result["final_audio"])) as w:
            audio += w.getnframes() / w.getframerate()
    return time.perf_counter() - start, time.process_time() - cpu, audio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts-from", type=Path, default=Path("out"), metavar="OUT",
                        help="a build's output folder (default: out)")
    args = parser.parse_args()
    texts = narration_texts(args.texts_from)
    if not texts:
        raise SystemExit(f"no narration under {args.texts_from}/.media: run `lecture build "
                         "--quality low` first, or pass --texts-from")
    words = sum(len(t.split()) for t in texts)
    print(f"{len(texts)} narration blocks, {words} words; {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        start = time.perf_counter()
        service = PiperSpeech(locate_model(), cache_dir=cache)
        service.engine  # noqa: B018 - load the model now, to time it apart
        load = time.perf_counter() - start
        cold, cold_cpu, audio = run(service, texts, cache)
        cached, _, _ = run(service, texts, cache)
    print(f"audio: {audio:.1f} s of speech ({words / audio * 60:.0f} words a minute)")
    print(f"cold: {load:.1f} s to check and load the model, {cold:.1f} s to synthesise: "
          f"{load + cold:.1f} s, real-time factor {cold / audio:.3f} "
          f"({(load + cold) / audio:.3f} with the load); {cold_cpu:.1f} CPU-s")
    print(f"cached: {cached:.2f} s")


if __name__ == "__main__":
    main()
