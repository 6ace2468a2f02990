"""Holds that cost less to encode (issue 18, part): Manim's command line with one change.

A lecture is mostly stillness. Where nothing moves (a ``wait`` with no updaters, the tail of
a narration block), Manim's Cairo renderer already draws the frame once and hands the
encoder that one frame with a repeat count; Manim 0.22's ``VideoSegmentEncoder`` then
converts the same RGBA pixels to yuv420p again for every repeat: about two fifths of what a
repeated frame costs at 1080p (13.0 CPU-ms, 8.0 without it: bench/bench_holds.py).
:class:`HoldEncoder` converts a repeated frame once and gives x264 the converted frame at
each of its timestamps: the pictures, their count and their times are unchanged (constant
frame rate, every frame present), so the video plays, seeks and cuts as before; a test
decodes a hold from both encoders and compares them.

``python -m scenes.holds render ...`` is ``manim render ...`` with this encoder; the
pipeline runs its scenes so (lecture/render.py). Plain ``manim`` is untouched.
"""

from __future__ import annotations

from fractions import Fraction

import av
from av.video.reformatter import VideoReformatter
from manim.scene import scene_file_writer
from manim.scene.video_segment_encoder import VideoSegmentEncoder

__all__ = ["HoldEncoder", "install"]


class HoldEncoder(VideoSegmentEncoder):
    """Manim's segment encoder; a frame written ``repeat`` times is converted once."""

    def write_frame(self, pixels, *, repeat: int = 1) -> None:
        if repeat == 1:
            return super().write_frame(pixels, repeat=repeat)
        self._validate_frame(pixels, repeat)
        time_base = Fraction(self.spec.frame_rate.denominator, self.spec.frame_rate.numerator)
        try:
            # what the stream's encode() does to each RGBA frame (PyAV's reformat, with the
            # codec's own thread count: swscale's slices change the rounding), done once
            codec = self._stream.codec_context
            frame = VideoReformatter().reformat(
                av.VideoFrame.from_ndarray(pixels, format="rgba"), codec.width, codec.height,
                codec.format, threads=codec.thread_count)
            for _ in range(repeat):
                frame.pts = self._next_pts
                frame.time_base = time_base
                self._next_pts += 1
                for packet in self._stream.encode(frame):
                    self._container.mux(packet)
        except BaseException as error:
            raise self._operation_error("encode", error) from error
        return None


def install() -> None:
    """Manim's scene file writer makes its segment encoders with :class:`HoldEncoder`."""
    scene_file_writer.VideoSegmentEncoder = HoldEncoder


if __name__ == "__main__":
    from manim.__main__ import main

    install()
    main()
