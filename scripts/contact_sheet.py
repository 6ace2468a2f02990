"""Tile frames of a video into one PNG, to look at a render at a glance.

    .venv/bin/python scripts/contact_sheet.py VIDEO OUT.png [--every SECONDS] [--cols N]
"""

from __future__ import annotations

import argparse

import av
from PIL import Image, ImageDraw


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("video")
    parser.add_argument("out")
    parser.add_argument("--every", type=float, default=4.0, help="seconds between frames")
    parser.add_argument("--cols", type=int, default=3)
    parser.add_argument("--width", type=int, default=640, help="width of each tile")
    args = parser.parse_args()
    tiles, next_t = [], 0.0
    with av.open(args.video) as container:
        for frame in container.decode(video=0):
            t = float(frame.pts * frame.time_base)
            if t + 1e-9 >= next_t:
                image = frame.to_image()
                image = image.resize((args.width, round(image.height * args.width / image.width)))
                ImageDraw.Draw(image).text((6, 4), f"{t:.1f}s", fill=(255, 80, 80))
                tiles.append(image)
                next_t += args.every
    w, h = tiles[0].size
    rows = -(-len(tiles) // args.cols)
    sheet = Image.new("RGB", (w * args.cols, h * rows), "white")
    for i, tile in enumerate(tiles):
        sheet.paste(tile, ((i % args.cols) * w, (i // args.cols) * h))
    sheet.save(args.out)


if __name__ == "__main__":
    main()
