"""What a held frame costs to encode: Manim's segment encoder against scenes/holds.py's.

    PYTHONPATH=. .venv/bin/python bench/bench_holds.py [--quality high] [--frames 240]

One picture (docs/thumbnail.png, scaled to the frame) written as a hold of N frames (one
``write_frame(pixels, repeat=N)``, as Manim's renderer writes a still ``wait``), with each
encoder and the pipeline's x264 options; then N moving frames (the picture shifted every
frame) for comparison. Prints CPU and wall milliseconds per frame and bytes per frame, and
checks that both encoders' holds decode to the same pictures. Both in one run: compare the
ratios, not the absolute times, on a shared machine.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from manim._config.video_encoder import VideoEncoderSpec
from manim.constants import QUALITIES as MANIM_QUALITIES
from manim.scene.video_segment_encoder import VideoSegmentEncoder
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lecture.render import ENCODER_OPTIONS, QUALITIES  # noqa: E402
from scenes.holds import HoldEncoder  # noqa: E402


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def picture(width: int, height: int) -> np.ndarray:
    image = Image.open(ROOT / "docs" / "thumbnail.png").convert("RGBA")
    return np.ascontiguousarray(np.asarray(image.resize((width, height))))


def encode(encoder_class, spec: VideoEncoderSpec, target: Path, pixels: np.ndarray,
           frames: int, moving: bool) -> tuple[float, float]:
    encoder = encoder_class(target=target, spec=spec)
    wall, used = time.perf_counter(), cpu()
    if moving:
        for i in range(frames):
            encoder.write_frame(np.ascontiguousarray(np.roll(pixels, 4 * i, axis=1)))
    else:
        encoder.write_frame(pixels, repeat=frames)
    encoder.finish()
    return time.perf_counter() - wall, cpu() - used


def decoded(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", default="high", choices=list(QUALITIES))
    parser.add_argument("--frames", type=int, default=240)
    args = parser.parse_args()
    q = QUALITIES[args.quality]
    (width,) = (m["pixel_width"] for m in MANIM_QUALITIES.values() if m["flag"] == q.flag)
    options = tuple(tuple(o.split("=", 1)) for o in ENCODER_OPTIONS)
    spec = VideoEncoderSpec("mp4", "libx264", "yuv420p", width, q.height, Fraction(q.fps),
                            options)
    pixels = picture(width, q.height)
    print(f"{width}x{q.height} at {q.fps} fps, {args.frames} frames, x264 {ENCODER_OPTIONS}")
    print(f"{'case':<34} {'CPU ms/frame':>12} {'wall ms/frame':>13} {'bytes/frame':>11}")
    with tempfile.TemporaryDirectory() as tmp:
        rows = {}
        for name, cls, moving in (("moving frames (Manim's encoder)", VideoSegmentEncoder, True),
                                  ("hold, Manim's encoder", VideoSegmentEncoder, False),
                                  ("hold, HoldEncoder", HoldEncoder, False)):
            target = Path(tmp) / f"{len(rows)}.mp4"
            wall, used = encode(cls, spec, target, pixels, args.frames, moving)
            rows[name] = (used, target)
            print(f"{name:<34} {1000 * used / args.frames:12.1f} "
                  f"{1000 * wall / args.frames:13.1f} "
                  f"{target.stat().st_size / args.frames:11.0f}")
        manim, ours = rows["hold, Manim's encoder"], rows["hold, HoldEncoder"]
        same = all(np.array_equal(a, b) for a, b in zip(decoded(manim[1]), decoded(ours[1]),
                                                         strict=True))
        print(f"\nhold CPU, Manim's / HoldEncoder: {manim[0] / ours[0]:.2f}x; "
              f"decoded frames identical: {same}")


if __name__ == "__main__":
    main()
