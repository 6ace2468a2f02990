"""Join rendered scenes into the lecture: video, audio, chapters, subtitles, manifest.

The video is joined without re-encoding (packets copied, timestamps shifted). The audio
is rebuilt from each scene's lossless narration track, padded or trimmed to the exact
length of that scene's video, and encoded once: the joined track lasts exactly as long as
the video and stays in sync at every scene boundary, where copying each scene's AAC stream
would drift by its encoder padding. Each scene's track is brought to one loudness target
(-14 LUFS integrated by default, true peak at most -1 dBTP once decoded; scenes/voice/loudness.py,
lecture/loudness.py) before it is encoded, and its measured loudness goes into the manifest.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from bundle.files import atomic_path, atomic_write, writing
from lecture.captions import Cue, read_srt, shifted, to_srt, to_vtt
from lecture.loudness import PEAK_LIMIT, aac_encoder, audio_frame, fit_true_peaks_to_aac
from lecture.youtube import MIN_CHAPTER  # YouTube ignores a chapter list with a shorter one
from scenes.voice.loudness import CEILING, measure, normalise

__all__ = [
    "AssemblyError", "SceneClip", "assemble_lecture", "chapters_from", "format_time",
    "lecture_cues", "video_duration", "write_text",
]

AUDIO_RATE = 48000
# LUFS: the lecture video's default loudness, YouTube's reference (it turns louder videos
# down to about -14, and leaves quieter ones quiet); ``lecture build --loudness`` sets another.
# Each scene's own track (scene files, the deck's slides) stays at the voice's TARGET, -16.
LOUDNESS_TARGET = -14.0
LOUDNESS_RANGE = (-30.0, -10.0)  # quieter is inaudible beside other videos; louder than -10
# LUFS needs so much limiting under the -1 dBTP ceiling that speech distorts


class AssemblyError(Exception):
    pass


def _cannot_write(path: Path, problem: str) -> AssemblyError:
    """A failed write of an output (a full disk: PyAV's errors are OSErrors too), as one
    line; the temporary file is gone by then."""
    return AssemblyError(f"{path}: {problem}")


@dataclass
class SceneClip:
    name: str
    title: str
    video: Path
    duration: float = 0.0
    start: float = 0.0
    loudness: dict | None = None  # as measured in the assembled lecture, before encoding

    @property
    def srt(self) -> Path:
        return self.video.with_suffix(".srt")

    @property
    def wav(self) -> Path:
        return self.video.with_suffix(".wav")


def video_duration(path: Path) -> float:
    """Frames over frame rate: exact, where the container's duration is rounded."""
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        return float(Fraction(s.frames) / s.base_rate)


def _video_format(path: Path) -> tuple:
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        return (s.codec_context.name, s.width, s.height, s.base_rate,
                s.codec_context.pix_fmt)


def check_compatible(clips: list[SceneClip]) -> tuple:
    """Stream copy 'succeeds' on mismatched inputs and writes a broken file: check first."""
    formats = {clip.name: _video_format(clip.video) for clip in clips}
    first = formats[clips[0].name]
    for name, fmt in formats.items():
        if fmt != first:
            raise AssemblyError(
                f"scene {name!r} is {fmt[1]}x{fmt[2]} at {fmt[3]} fps ({fmt[0]}), but "
                f"{clips[0].name!r} is {first[1]}x{first[2]} at {first[3]} fps ({first[0]}): "
                "render every scene at one --quality")
    return first


def _scene_audio(clip: SceneClip, resampler_factory) -> np.ndarray:
    """The scene's narration at AUDIO_RATE, mono float32, exactly as long as its video."""
    samples = round(clip.duration * AUDIO_RATE)
    if not clip.wav.exists():
        return np.zeros(samples, dtype=np.float32)
    chunks = []
    resampler = resampler_factory()
    with av.open(str(clip.wav)) as c:
        for frame in c.decode(audio=0):
            for out in resampler.resample(frame):
                chunks.append(out.to_ndarray().reshape(-1))
    for out in resampler.resample(None):
        chunks.append(out.to_ndarray().reshape(-1))
    audio = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
    audio = audio[:samples]
    return np.pad(audio, (0, samples - len(audio))).astype(np.float32)


def _join(clips: list[SceneClip], target: Path, lufs: float) -> None:
    def resampler():
        return av.AudioResampler(format="flt", layout="mono", rate=AUDIO_RATE)

    with writing(target, _cannot_write), atomic_path(target) as tmp:
        tracks = [normalise(_scene_audio(clip, resampler), AUDIO_RATE, lufs) for clip in clips]
        tracks, peaks = fit_true_peaks_to_aac(tracks, AUDIO_RATE)
        for clip, audio, peak in zip(clips, tracks, peaks, strict=True):
            clip.loudness = {**measure(audio, AUDIO_RATE).as_dict(),
                             "true_peak_dbtp_decoded": round(peak, 2)}
        with av.open(str(tmp), "w", format="mp4", options={"movflags": "+faststart"}) as out:
            with av.open(str(clips[0].video)) as first:
                v_out = out.add_stream_from_template(first.streams.video[0])
            a_out = out.add_stream("aac", rate=AUDIO_RATE, layout="mono")
            aac_encoder(AUDIO_RATE, a_out.codec_context)
            offset = Fraction(0)  # seconds
            audio_pts = 0
            for clip, audio in zip(clips, tracks, strict=True):
                with av.open(str(clip.video)) as src:
                    v_in = src.streams.video[0]
                    shift = int(offset / v_in.time_base)
                    for packet in src.demux(v_in):
                        if packet.dts is None:
                            continue
                        packet.pts += shift
                        packet.dts += shift
                        packet.stream = v_out
                        out.mux(packet)
                    frames = v_in.frames
                    length = Fraction(frames) / v_in.base_rate
                frame = audio_frame(audio, AUDIO_RATE, audio_pts)
                audio_pts += audio.size
                for packet in a_out.encode(frame):
                    out.mux(packet)
                offset += length
            for packet in a_out.encode(None):
                out.mux(packet)


def format_time(seconds: float) -> str:
    s = int(seconds)
    h, m, s = s // 3600, s // 60 % 60, s % 60
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def chapters_from(clips: list[SceneClip], total: float) -> list[tuple[float, str]]:
    """One chapter per act at its start; an act shorter than ``MIN_CHAPTER`` s joins the
    chapter before it (YouTube's rule), and the first chapter is at 0:00.

    Chapter times are whole seconds, rounded up so that a viewer who jumps to a chapter
    lands on the act's opening card, not on the last frame of the act before it."""
    chapters: list[tuple[float, str]] = []
    for clip in clips:
        start = float(math.ceil(clip.start - 1e-6)) if chapters else 0.0
        if chapters and (start - chapters[-1][0] < MIN_CHAPTER):
            continue
        chapters.append((start, clip.title))
    if len(chapters) > 1 and total - chapters[-1][0] < MIN_CHAPTER:
        chapters.pop()
    return chapters


def write_text(path: Path, text: str) -> None:
    with writing(path, _cannot_write), atomic_write(path, encoding="utf-8") as f:
        f.write(text)


def lecture_cues(clips: list[SceneClip]) -> list[Cue]:
    """The lecture's one timeline of subtitles: each scene's, moved to where the scene
    starts and cut at its end."""
    return [cue for clip in clips
            for cue in shifted(read_srt(clip.srt), 0.0, clip.duration, clip.start)]


def _subtitles(clips: list[SceneClip]) -> str:
    return to_srt(lecture_cues(clips))


def assemble_lecture(clips: list[SceneClip], out: Path, manifest: dict,
                     lufs: float = LOUDNESS_TARGET, then=None) -> dict:
    """Write ``lecture.mp4``, ``chapters.txt``, ``lecture.srt``, ``lecture.vtt`` and, last,
    ``manifest.json``. ``then(clips, manifest)``, when given, writes what else the lecture
    has (from the clips, now placed, and the manifest so far) and returns what to add to
    the manifest: all of it is written before the manifest that says it is done."""
    if not clips:
        raise AssemblyError("no scenes to assemble")
    fmt = check_compatible(clips)
    start = 0.0
    for clip in clips:
        clip.duration = video_duration(clip.video)
        clip.start = start
        start += clip.duration
    total = start
    _join(clips, out / "lecture.mp4", lufs)
    chapters = chapters_from(clips, total)
    write_text(out / "chapters.txt",
                "".join(f"{format_time(t)} {title}\n" for t, title in chapters))
    cues = lecture_cues(clips)
    write_text(out / "lecture.srt", to_srt(cues))
    write_text(out / "lecture.vtt", to_vtt(cues))
    manifest = {
        **manifest,
        "video": {"file": "lecture.mp4", "duration": total, "width": fmt[1],
                  "height": fmt[2], "fps": float(fmt[3]), "codec": fmt[0]},
        "chapters": [{"start": t, "title": title} for t, title in chapters],
        "loudness": {"target": lufs, "ceiling_dbtp": CEILING,
                     "decoded_peak_limit_dbtp": PEAK_LIMIT,
                     "meter": "ITU-R BS.1770-4 (pyloudnorm), true peak 4x oversampled"},
        "scenes": [{"name": c.name, "title": c.title, "file": f"scenes/{c.video.name}",
                    "start": c.start, "duration": c.duration, "loudness": c.loudness}
                   for c in clips],
    }
    if then is not None:
        manifest |= then(clips, manifest)
    write_text(out / "manifest.json", json.dumps(manifest, indent=1) + "\n")
    return manifest
