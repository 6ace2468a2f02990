"""``lecture`` with stand-ins for its slow parts, for the interrupt, lock and publish tests:
training jobs that only sleep, and a ``manim`` that waits, then writes a one-second clip (grey,
its shade from the bundle's path).

    python tests/fake_lecture.py data|render|build ARGS...   as ``lecture``, faked
    python tests/fake_lecture.py --manim MEDIA MODULE SCENE  what the faked render runs

Each fake process first touches ``$FAKE_MARKERS/<what>-<pid>``, so a test knows it started
and can check afterwards that it is gone. ``$FAKE_MANIM_SECONDS`` is how long manim waits.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path


def _mark(what: str) -> None:
    if "FAKE_MARKERS" in os.environ:
        Path(os.environ["FAKE_MARKERS"], f"{what}-{os.getpid()}").touch()


def data_shade(data: str) -> int:
    """The grey level of a fake clip made from the bundle at ``data``: two bundles, two
    pictures, so a test can tell by content which bundle a video came from."""
    return 40 + sum(data.encode()) % 200


@dataclass(frozen=True)
class FakeJob:
    """What the pool needs of a job; unlike the real one, it does not make a worker import
    torch before it can start."""

    name: str
    kind: str | None = None
    seq_len: int = 1


def plan(cfg) -> list[FakeJob]:
    return [FakeJob(f"fake job {i}") for i in range(6)]


def slow_job(cfg, job):
    """Stands in for ``lecture.generate._timed_job``: a training run that never ends."""
    _mark("job")
    time.sleep(300)


def manim_command(act, quality, media, still=False):
    return [sys.executable, __file__, "--manim", str(media), act.module, act.scene,
            f"{quality.height}p{quality.fps}"]


def fake_manim(media: str, module: str, scene: str, folder_name: str) -> None:
    import av
    import numpy as np

    _mark("manim")
    time.sleep(float(os.environ.get("FAKE_MANIM_SECONDS", "300")))
    shade = data_shade(os.environ.get("LECTURE_DATA", ""))
    folder = Path(media) / "videos" / module / folder_name
    (folder / "sections").mkdir(parents=True, exist_ok=True)
    with av.open(str(folder / f"{scene}.mp4"), "w") as container:
        stream = container.add_stream("libx264", rate=15)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for _ in range(15):
            frame = av.VideoFrame.from_ndarray(np.full((48, 64, 3), shade, np.uint8),
                                               format="rgb24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    (folder / "sections" / f"{scene}.json").write_text(
        json.dumps([{"name": scene, "duration": 1.0}]))


if __name__ == "__main__":
    if sys.argv[1] == "--manim":
        fake_manim(*sys.argv[2:])
        sys.exit(0)
    import lecture.generate
    import lecture.render
    from lecture.cli import main

    lecture.generate._timed_job = slow_job
    lecture.generate.plan = plan
    lecture.render.manim_command = manim_command
    sys.argv = ["lecture", *sys.argv[1:]]
    sys.exit(main())
