"""What YouTube asks of an upload, checked on every build's outputs.

The rules, as we read YouTube's help pages (not re-read online from this machine):

- Chapters (timestamps in the description): the first at 0:00, at least three, in
  ascending order, each at least 10 seconds long. One broken rule and YouTube shows no
  chapters at all. Titles here are held to at most 100 characters (a description line).
- Thumbnail: 1280x720 (16:9, at least 640 wide), JPG, PNG or GIF, under 2 MB.
- Video: H.264 (High, Main or Constrained Baseline profile), 4:2:0 chroma (``yuv420p``),
  progressive; audio AAC at 48 or 44.1 kHz; the ``moov`` atom before ``mdat`` ("fast
  start", so it can play while it uploads and streams).

Each check returns its problems, one line each; none when the output passes.
"""

from __future__ import annotations

import struct
from pathlib import Path

import av

__all__ = ["MIN_CHAPTER", "check_chapters", "check_outputs", "check_thumbnail", "check_video",
           "top_level_boxes"]

MIN_CHAPTER = 10.0  # s
MIN_CHAPTERS = 3
MAX_TITLE = 100  # characters
THUMBNAIL_SIZE = (1280, 720)
THUMBNAIL_BYTES = 2 * 1024 * 1024  # "under 2 MB"
PROFILES = ("High", "Main", "Constrained Baseline")
AUDIO_RATES = (48000, 44100)


def check_chapters(chapters: list[tuple[float, str]], total: float) -> list[str]:
    """``chapters``: (start in seconds, title), as chapters.txt lists them; ``total``: the
    video's length."""
    problems = []
    if len(chapters) < MIN_CHAPTERS:
        problems.append(f"chapters: {len(chapters)} listed, YouTube needs at least "
                        f"{MIN_CHAPTERS}")
    if chapters and chapters[0][0] != 0:
        problems.append(f"chapters: the first starts at {chapters[0][0]:g} s, not at 0:00")
    starts = [t for t, _ in chapters]
    for i, (start, title) in enumerate(chapters):
        end = starts[i + 1] if i + 1 < len(chapters) else total
        if i and start <= starts[i - 1]:
            problems.append(f"chapters: {title!r} at {start:g} s is not after the one before")
        elif end > start and end - start < MIN_CHAPTER:
            problems.append(f"chapters: {title!r} lasts {end - start:.1f} s, YouTube needs "
                            f"at least {MIN_CHAPTER:g}")
        if not title.strip() or len(title) > MAX_TITLE:
            problems.append(f"chapters: the title at {start:g} s has {len(title)} characters "
                            f"(1 to {MAX_TITLE})")
    return problems


def check_thumbnail(path: Path) -> list[str]:
    if not path.exists():
        return [f"thumbnail: {path.name} is missing"]
    head = path.read_bytes()[:24]
    problems = []
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return [f"thumbnail: {path.name} is not a PNG"]
    size = struct.unpack(">II", head[16:24])
    if size != THUMBNAIL_SIZE:
        problems.append(f"thumbnail: {size[0]}x{size[1]}, YouTube's is "
                        f"{THUMBNAIL_SIZE[0]}x{THUMBNAIL_SIZE[1]}")
    n = path.stat().st_size
    if n >= THUMBNAIL_BYTES:
        problems.append(f"thumbnail: {n:,} bytes, YouTube takes under {THUMBNAIL_BYTES:,}")
    return problems


def top_level_boxes(path: Path) -> list[str]:
    """The types of an mp4 file's top-level boxes (atoms), in file order."""
    types = []
    with open(path, "rb") as f:
        end = f.seek(0, 2)
        at = 0
        while at + 8 <= end:
            f.seek(at)
            size, kind = struct.unpack(">I4s", f.read(8))
            if size == 1:  # a 64-bit size follows the type
                size = struct.unpack(">Q", f.read(8))[0]
            elif size == 0:  # to the end of the file
                size = end - at
            if size < 8:
                break
            types.append(kind.decode("latin-1"))
            at += size
    return types


def check_video(path: Path) -> list[str]:
    problems = []
    with av.open(str(path)) as c:
        video, audio = c.streams.video, c.streams.audio
        if not video:
            return ["video: the file has no video stream"]
        v = video[0]
        if v.codec_context.name != "h264":
            problems.append(f"video: codec {v.codec_context.name}, YouTube prefers h264")
        elif v.profile not in PROFILES:
            problems.append(f"video: H.264 profile {v.profile}, not one of {', '.join(PROFILES)}")
        if v.format.name != "yuv420p":
            problems.append(f"video: pixel format {v.format.name}, YouTube wants yuv420p")
        if not audio:
            problems.append("video: no audio stream")
        else:
            a = audio[0]
            if a.codec_context.name != "aac":
                problems.append(f"video: audio codec {a.codec_context.name}, not AAC")
            if a.rate not in AUDIO_RATES:
                problems.append(f"video: audio at {a.rate} Hz, YouTube wants 48000 or 44100")
    boxes = top_level_boxes(path)
    if "moov" not in boxes or "mdat" not in boxes or boxes.index("moov") > boxes.index("mdat"):
        problems.append("video: the moov atom is not before mdat (no fast start)")
    return problems


def check_outputs(out: Path, chapters: list[tuple[float, str]], total: float) -> list[str]:
    """Every rule, on a build's ``lecture.mp4``, ``thumbnail.png`` and chapters."""
    return [*check_chapters(chapters, total), *check_thumbnail(out / "thumbnail.png"),
            *check_video(out / "lecture.mp4")]
