"""A held frame converted once (scenes/holds.py) gives the video Manim's encoder gives: the
same frames, decoded, at the same times. No rendering: the encoders are fed arrays."""

from __future__ import annotations

from fractions import Fraction

import av
import numpy as np
from manim._config.video_encoder import VideoEncoderSpec
from manim.scene.video_segment_encoder import VideoSegmentEncoder

from lecture.render import ENCODER_OPTIONS, QUALITIES, manim_command
from scenes.acts import ACTS
from scenes.holds import HoldEncoder

SPEC = VideoEncoderSpec("mp4", "libx264", "yuv420p", 128, 72, Fraction(15),
                        tuple(tuple(o.split("=", 1)) for o in ENCODER_OPTIONS))


def _frames(rng) -> list[np.ndarray]:
    return [rng.integers(0, 256, (72, 128, 4), dtype=np.uint8) for _ in range(3)]


def _encode(cls, target, frames, repeats) -> list[tuple[float, np.ndarray]]:
    encoder = cls(target=target, spec=SPEC)
    for frame, repeat in zip(frames, repeats, strict=True):
        encoder.write_frame(frame, repeat=repeat)
    encoder.finish()
    with av.open(str(target)) as container:
        return [(float(f.pts * f.time_base), f.to_ndarray(format="rgb24"))
                for f in container.decode(video=0)]


def test_a_hold_decodes_to_the_frames_manim_writes(tmp_path):
    frames, repeats = _frames(np.random.default_rng(0)), (1, 20, 7)  # a move, two holds
    theirs = _encode(VideoSegmentEncoder, tmp_path / "manim.mp4", frames, repeats)
    ours = _encode(HoldEncoder, tmp_path / "holds.mp4", frames, repeats)
    assert len(ours) == len(theirs) == sum(repeats)
    assert [t for t, _ in ours] == [t for t, _ in theirs]
    assert all(np.array_equal(a, b) for (_, a), (_, b) in zip(ours, theirs, strict=True))
    # the first and last frame of a hold are the picture it holds, not its neighbours'
    hold = [picture for _, picture in ours[1:21]]
    assert all(np.array_equal(hold[0], picture) for picture in hold)
    assert not np.array_equal(ours[0][1], hold[0]) and not np.array_equal(ours[21][1], hold[0])


def test_the_pipeline_renders_with_the_hold_encoder(tmp_path):
    cmd = manim_command(ACTS[0], QUALITIES["low"], tmp_path)
    assert cmd[1:4] == ["-m", "scenes.holds", "render"]
