"""Tile frames of a video into one PNG, to look at a render at a glance.

    .venv/bin/python scripts/contact_sheet.py VIDEO OUT.png [--every SECONDS] [--cols N]
    .venv/bin/python scripts/contact_sheet.py out/scenes/*.mp4 OUT.png --frames 3 --cols 6

With ``--frames N``, N frames of each video, evenly spaced after its first tenth (past the
chapter card), instead of one every few seconds; the README's contact sheet is made so.
"""

from __future__ import annotations

import argparse

import av
from PIL import Image, ImageDraw


def duration_of(video: str) -> float:
    with av.open(video) as container:
        stream = container.streams.video[0]
        return float(stream.duration * stream.time_base)


def frames_of(video: str, times: list[float], width: int, label: str) -> list[Image.Image]:
    """The first frame at or after each of ``times`` (ascending), ``width`` wide."""
    tiles, pending = [], list(times)
    with av.open(video) as container:
        for frame in container.decode(video=0):
            t = float(frame.pts * frame.time_base)
            if not pending:
                break
            if t + 1e-9 >= pending[0]:
                pending.pop(0)
                image = frame.to_image()
                image = image.resize((width, round(image.height * width / image.width)))
                ImageDraw.Draw(image).text((6, 4), f"{label}{t:.1f}s", fill=(255, 80, 80))
                tiles.append(image)
    return tiles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("videos", nargs="+", metavar="VIDEO")
    parser.add_argument("out")
    parser.add_argument("--every", type=float, default=4.0, help="seconds between frames")
    parser.add_argument("--frames", type=int, help="instead: this many frames of each video")
    parser.add_argument("--cols", type=int, default=3)
    parser.add_argument("--width", type=int, default=640, help="width of each tile")
    args = parser.parse_args()
    tiles = []
    for video in args.videos:
        length = duration_of(video)
        if args.frames:
            start = length / 10
            times = [start + (length - start) * (i + 0.5) / args.frames
                     for i in range(args.frames)]
        else:
            times = [i * args.every for i in range(int(length // args.every) + 1)]
        label = f"{video.rsplit('/', 1)[-1].removesuffix('.mp4')} " if len(args.videos) > 1 else ""
        tiles += frames_of(video, times, args.width, label)
    w, h = tiles[0].size
    rows = -(-len(tiles) // args.cols)
    sheet = Image.new("RGB", (w * args.cols, h * rows), "white")
    for i, tile in enumerate(tiles):
        sheet.paste(tile, ((i % args.cols) * w, (i // args.cols) * h))
    sheet.save(args.out)


if __name__ == "__main__":
    main()
