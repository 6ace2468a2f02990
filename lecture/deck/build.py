"""``lecture slides``: the lecture as a reveal.js deck for teaching it live, and a handout.

A slide is cut from a finished scene video, one per narration block. Its cuts fall at the
ends of narration blocks: a slide plays its block and stops on the picture its words
describe (the step's closing fade, if any, opens the next slide), and it starts on the frame
where the previous slide ended, so stepping through looks continuous. The first slide of a
scene starts at its first frame, on the act's opening card; the last runs to the scene's end.
A slide shorter than ``MIN_SLIDE`` seconds joins the next slide of its step, or else the one
before it (a step with a single short block keeps it as its own slide).

Every cut lands on a keyframe: Manim encodes each animation as its own partial movie and
joins them by stream copy, so every animation starts on a keyframe, and a narration block
starts and ends between animations. So the video is cut by stream copy (checked: a cut that
is not on a keyframe is an error). The audio is cut from the scene's lossless narration
track where that track has the blocks' ends, and encoded (AAC) into each slide: what
manim-slides' slides lack when scenes carry voice-over.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import multiprocessing
import shutil
import textwrap
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from fractions import Fraction
from importlib.metadata import version
from pathlib import Path
from string import Template

import av
import numpy as np

from bundle.files import partial_name, replace_dir
from lecture.assemble import SceneClip, check_compatible, format_time
from lecture.cache import read_record
from lecture.deck.handout import PdfWriter, handout_page
from lecture.provenance import made_from

__all__ = [
    "MIN_SLIDE", "REVEAL_VERSION", "DeckError", "SceneSource", "Slide", "build_deck",
    "plan_slides", "slide_spans",
]

MIN_SLIDE = 3.0  # seconds: a shorter slide joins a neighbour of the same step
# Each slide's narration: mono AAC at 24 kHz, which keeps all of a 16 or 22 kHz voice and
# encodes in half the time of 48 kHz (measured: 0.73 against 1.52 s per minute of audio).
AUDIO_RATE = 24000
AUDIO_BITRATE = 64_000
REVEAL_VERSION = "6.0.1"  # pinned in template/package.json; manim-slides' default too
TEMPLATE = Path(__file__).resolve().parent / "template"
REVEAL = TEMPLATE / "node_modules" / "reveal.js"
# What the deck needs from the reveal.js package, copied next to it: no CDN, works offline.
REVEAL_FILES = ("dist/reveal.js", "dist/reveal.css", "dist/theme/black.css",
                "dist/plugin/notes.js", "LICENSE")
BACKGROUND = "#14161B"  # scenes.theme.PALETTE.background (that module imports Manim)


class DeckError(Exception):
    """A problem the user can act on; one line."""


@dataclass
class SceneSource:
    """A rendered scene: its video, its lossless narration track and its ``.json`` record."""

    number: int  # the act's place in the lecture, from 1
    name: str
    title: str
    video: Path
    record: dict
    key: str = ""

    @property
    def wav(self) -> Path:
        return self.video.with_suffix(".wav")


@dataclass
class Slide:
    number: int  # from 1, over the whole deck
    scene: SceneSource
    start_frame: int  # within the scene: [start_frame, end_frame)
    end_frame: int
    still_frame: int  # the handout's picture
    step: str  # the section's name
    fps: Fraction
    audio_start: float  # where the slide starts and ends in the scene's narration track,
    audio_end: float | None  # in seconds (None: the track's end); see plan_slides
    texts: list[str] = field(default_factory=list)

    def seconds(self, frame: int) -> float:
        return float(Fraction(frame) / self.fps)

    @property
    def start(self) -> float:
        return self.seconds(self.start_frame)

    @property
    def duration(self) -> float:
        return self.seconds(self.end_frame - self.start_frame)

    @property
    def file(self) -> str:
        return f"slides/{self.number:03d}.mp4"

    @property
    def act(self) -> str:
        return f"{self.scene.number} · {self.scene.title}"

    @property
    def title(self) -> str:
        return self.act if self.step == self.scene.title else f"{self.act} — {self.step}"

    @property
    def notes(self) -> str:
        return "\n\n".join(self.texts)


# --------------------------------------------------------------------------- the rule


def slide_spans(blocks: list[dict], frames: int, min_frames: int) -> list[tuple[int, int, list]]:
    """Cut ``frames`` frames into slides, ``(start, end, blocks)``, one per narration block.

    Cuts fall where a block ends; the first slide starts at frame 0 and the last ends at
    ``frames``, so the slides tile the scene. A slide shorter than ``min_frames`` joins the
    next slide of its section (``block["section"]``), or else the one before it."""
    if not blocks:
        return [(0, frames, [])]
    cuts = [0, *(b["end_frame"] for b in blocks[:-1]), frames]
    spans = [[cuts[i], cuts[i + 1], [b]] for i, b in enumerate(blocks)]
    changed = True
    while changed:
        changed = False
        for i, (start, end, group) in enumerate(spans):
            if end - start >= min_frames:
                continue
            section = group[0]["section"]
            if i + 1 < len(spans) and spans[i + 1][2][0]["section"] == section:
                nxt = spans.pop(i + 1)
                spans[i] = [start, nxt[1], group + nxt[2]]
            elif i > 0 and spans[i - 1][2][-1]["section"] == section:
                prev = spans.pop(i - 1)
                spans[i - 1] = [prev[0], end, prev[2] + group]
            else:
                continue
            changed = True
            break
    return [(s, e, g) for s, e, g in spans]


def plan_slides(scenes: list[SceneSource], min_seconds: float = MIN_SLIDE) -> list[Slide]:
    """Every scene's slides, numbered over the deck."""
    slides: list[Slide] = []
    for scene in scenes:
        narration = scene.record.get("narration") or {}
        blocks = narration.get("blocks", [])
        frames, fps = _frames_and_rate(scene.video)
        if narration.get("frames") != frames:
            raise DeckError(f"scene {scene.name!r}: its record counts {narration.get('frames')} "
                            f"frames but {scene.video.name} has {frames}; render it again")
        sections = narration.get("sections", [])
        spans = slide_spans(blocks, frames, round(min_seconds * fps))
        # The narration track places each block at ``renderer.time``, which drifts from the
        # frames when Manim reuses cached animations (by up to 0.6 s, measured at 480p15):
        # the audio is cut where the track has the blocks' ends, so a slide keeps its words
        # and none of its neighbours'.
        times = [0.0, *(g[-1].get("end", float(Fraction(e) / fps)) for _, e, g in spans[:-1]),
                 None]
        for i, (start, end, group) in enumerate(spans):
            section = group[0]["section"] if group else 0
            still = min(group[-1]["end_frame"], end) - 1 if group else end - 1
            step = sections[section] if section < len(sections) else scene.title
            slides.append(Slide(len(slides) + 1, scene, start, end, max(still, start), step,
                                fps, times[i], times[i + 1], [b["text"] for b in group]))
    return slides


# ------------------------------------------------------------------------ video, audio


def _frames_and_rate(video: Path) -> tuple[int, Fraction]:
    with av.open(str(video)) as c:
        s = c.streams.video[0]
        return s.frames, Fraction(s.base_rate)


def _frame_of(pts: int, time_base: Fraction, fps: Fraction) -> int:
    return round(pts * time_base * fps)


def narration_track(wav: Path) -> np.ndarray:
    """A scene's lossless narration, mono float32 at ``AUDIO_RATE``."""
    resampler = av.AudioResampler(format="flt", layout="mono", rate=AUDIO_RATE)
    chunks = []
    with av.open(str(wav)) as c:
        for frame in c.decode(audio=0):
            chunks += [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
    chunks += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    return np.concatenate(chunks) if chunks else np.zeros(0, np.float32)


def slide_audio(track: np.ndarray, slide: Slide) -> np.ndarray:
    """The slide's part of the scene's narration track, exactly as long as its video: cut
    where the track has the slide's start and end; if that is longer than the video (the
    track drifted behind the frames), its start is dropped so that the last words stay; if
    shorter, silence follows."""
    n = round(Fraction(slide.end_frame - slide.start_frame) / slide.fps * AUDIO_RATE)
    a = round(slide.audio_start * AUDIO_RATE)
    b = len(track) if slide.audio_end is None else round(slide.audio_end * AUDIO_RATE)
    piece = track[max(a, b - n):b] if b - a > n else track[a:b]
    return np.pad(piece, (0, n - len(piece)))


def _encode_audio(samples: np.ndarray, stream) -> list:
    frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="flt", layout="mono")
    frame.sample_rate = AUDIO_RATE
    frame.pts = 0
    frame.time_base = Fraction(1, AUDIO_RATE)
    return [*stream.encode(frame), *stream.encode(None)]


def _write_slide(target: Path, template, packets: list, shift: int, audio: np.ndarray) -> None:
    """One slide's mp4: its video packets copied, shifted to start at 0, and its narration
    encoded to AAC, interleaved in time order, ``moov`` first so it plays as it loads."""
    with av.open(str(target), "w", format="mp4", options={"movflags": "+faststart"}) as out:
        v_out = out.add_stream_from_template(template)
        a_out = out.add_stream("aac", rate=AUDIO_RATE, layout="mono")
        a_out.bit_rate = AUDIO_BITRATE
        audio_packets = _encode_audio(audio, a_out)
        queue = []
        for packet in packets:
            packet.pts -= shift
            packet.dts -= shift
            packet.stream = v_out
            queue.append((float(packet.dts * template.time_base), 0, packet))
        for packet in audio_packets:
            queue.append((float(packet.dts * packet.time_base), 1, packet))
        for _, _, packet in sorted(queue, key=lambda item: item[:2]):
            out.mux(packet)


def cut_scene(scene: SceneSource, slides: list[Slide], folder: Path) -> None:
    """Write each of the scene's slides into ``folder`` by stream copy of its frames."""
    audio = narration_track(scene.wav)
    with av.open(str(scene.video)) as src:
        stream = src.streams.video[0]
        tb, fps = Fraction(stream.time_base), Fraction(stream.base_rate)
        starts = [s.start_frame for s in slides]
        groups: list[list] = [[] for _ in slides]
        first_pts: list[int | None] = [None] * len(slides)
        for packet in src.demux(stream):
            if packet.dts is None:
                continue
            frame = _frame_of(packet.pts, tb, fps)
            i = np.searchsorted(starts, frame, side="right") - 1
            if frame == starts[i]:
                if not packet.is_keyframe:
                    raise DeckError(f"scene {scene.name!r}: the cut at frame {frame} is not on "
                                    "a keyframe, so it cannot be cut by stream copy")
                first_pts[i] = packet.pts
            groups[i].append(packet)
        for slide, packets, shift in zip(slides, groups, first_pts, strict=True):
            if shift is None:
                raise DeckError(f"scene {scene.name!r}: slide {slide.number} has no frame "
                                f"{slide.start_frame}")
            _write_slide(folder / Path(slide.file).name, stream, packets, shift,
                         slide_audio(audio, slide))


def scene_stills(scene: SceneSource, slides: list[Slide]) -> list:
    """Each slide's still (a PIL image): from the keyframe before it, the decoder decodes
    only the pictures that others refer to, and the still itself (non-reference B-frames
    are about half of x264's; skipping them cut the stills' CPU time 2.6x at 1080p60)."""
    images = []
    with av.open(str(scene.video)) as src:
        stream = src.streams.video[0]
        codec = stream.codec_context
        codec.thread_type = "SLICE"  # frames decode in order, so skip_frame applies per packet
        tb, fps = Fraction(stream.time_base), Fraction(stream.base_rate)
        for slide in slides:
            target, image = slide.still_frame, None
            src.seek(int(Fraction(target) / fps / tb), stream=stream, backward=True)
            codec.flush_buffers()
            for packet in src.demux(stream):
                if packet.dts is None:
                    break
                last = _frame_of(packet.pts, tb, fps) == target
                codec.skip_frame = "DEFAULT" if last else "NONREF"
                frames = [*codec.decode(packet), *(codec.decode(None) if last else ())]
                image = next((f.to_image() for f in frames
                              if _frame_of(f.pts, tb, fps) == target), None)
                if image is not None or last:
                    break
            codec.skip_frame = "DEFAULT"
            if image is None:
                raise DeckError(f"scene {scene.name!r}: cannot decode frame {target}")
            images.append(image)
    return images


# ------------------------------------------------------------------------------- HTML


def _slide_html(slide: Slide, seconds: float) -> str:
    e = html.escape
    notes = "".join(f"<p>{e(t)}</p>" for t in slide.texts)
    return textwrap.dedent(f"""\
        <section data-background-video="{e(slide.file)}" data-background-size="contain"
          data-background-color="{BACKGROUND}" data-slide="{slide.number}"
          data-scene="{e(slide.scene.name)}" data-duration="{seconds:.6f}">
          <div class="slide-title"><span class="act">{e(slide.act)}</span>
            <span class="step">{e(slide.step)}</span></div>
          <aside class="notes"><p><strong>{e(slide.title)}</strong></p>{notes}</aside>
        </section>""")


def write_html(folder: Path, slides: list[Slide], title: str) -> None:
    sections = "\n".join(_slide_html(s, s.duration) for s in slides)
    page = Template((TEMPLATE / "index.html").read_text(encoding="utf-8")).substitute(
        title=html.escape(title), slides=textwrap.indent(sections, " " * 8),
        reveal_version=REVEAL_VERSION)
    (folder / "index.html").write_text(page, encoding="utf-8")
    for name in ("deck.css", "deck.js"):
        shutil.copyfile(TEMPLATE / name, folder / name)
    for rel in REVEAL_FILES:
        target = folder / "reveal" / Path(rel).relative_to("dist") if rel.startswith(
            "dist/") else folder / "reveal" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REVEAL / rel, target)


# ------------------------------------------------------------------------------ build


def check_reveal() -> None:
    try:
        installed = json.loads((REVEAL / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        installed = None
    if installed != REVEAL_VERSION:
        raise DeckError(f"reveal.js {REVEAL_VERSION} is not installed in {REVEAL.parent} "
                        f"(found: {installed or 'nothing'}); run `bash setup.sh`")


def deck_key(scenes: list[SceneSource], quality: str, voice: str) -> str:
    """Every input of the deck: the scenes' render keys, this code, the template."""
    h = hashlib.sha256()
    code = [Path(__file__), Path(__file__).with_name("handout.py"),
            *sorted(p for p in TEMPLATE.glob("*") if p.is_file())]
    for part in (quality, voice, MIN_SLIDE, REVEAL_VERSION, *(s.key for s in scenes),
                 *(p.read_bytes() for p in code)):
        h.update(part if isinstance(part, bytes) else str(part).encode())
        h.update(b"\0")
    return h.hexdigest()[:20]


def scene_slides(scene: SceneSource, slides: list[Slide], folder: Path, total: int,
                 offset: float) -> tuple[list[tuple[bytes, tuple[int, int]]], dict]:
    """One scene's share of the deck: its slides cut into ``folder``, and its handout pages
    as JPEG images. Runs in a worker process; returns the pages and the phases' times."""
    t0 = time.perf_counter()
    cut_scene(scene, slides, folder)
    t1 = time.perf_counter()
    stills = scene_stills(scene, slides)
    t2 = time.perf_counter()
    pages = []
    for slide, still in zip(slides, stills, strict=True):
        footer = (f"slide {slide.number} of {total} · {slide.scene.video.name} from "
                  f"{slide.start:.1f} s for {slide.duration:.1f} s · "
                  f"{format_time(offset + slide.start)} into the lecture")
        page = handout_page(slide.title, slide.notes, still, footer)
        buffer = io.BytesIO()
        page.save(buffer, "JPEG", quality=85)
        pages.append((buffer.getvalue(), page.size))
    t3 = time.perf_counter()
    return pages, {"cut": t1 - t0, "stills": t2 - t1, "handout": t3 - t2}


def build_deck(scenes: list[SceneSource], out: Path, base: dict, progress=None,
               min_seconds: float = MIN_SLIDE, jobs: int = 1) -> dict:
    """Write ``out/deck/`` (index.html, slides/, reveal/, handout.pdf, manifest.json)
    through a temporary folder beside it, so a failed build keeps the previous deck.
    Scenes are cut ``jobs`` at a time, in worker processes."""
    check_reveal()
    started = time.perf_counter()
    check_compatible([SceneClip(s.name, s.title, s.video) for s in scenes])
    for scene in scenes:
        if not scene.wav.exists():
            raise DeckError(f"scene {scene.name!r} has no narration track ({scene.wav}); "
                            "render it again")
    slides = plan_slides(scenes, min_seconds)
    offsets, offset = {}, 0.0  # each scene's start in the lecture
    for scene in scenes:
        offsets[scene.name] = offset
        offset += float(scene.record["duration"])
    target, tmp = out / "deck", partial_name(out / "deck")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree(tmp.with_name(".deck.old.partial"), ignore_errors=True)  # a killed swap's
    timings = dict.fromkeys(("cut", "stills", "handout", "html"), 0.0)
    try:
        (tmp / "slides").mkdir(parents=True)
        work = [(scene, [s for s in slides if s.scene is scene], tmp / "slides", len(slides),
                 offsets[scene.name]) for scene in scenes]
        if jobs > 1 and len(scenes) > 1:
            pool = ProcessPoolExecutor(max_workers=min(jobs, len(scenes)),
                                       mp_context=multiprocessing.get_context("spawn"))
            # longest scenes first, so that the workers finish together
            order = sorted(range(len(work)), key=lambda i: -float(scenes[i].record["duration"]))
            futures = {i: pool.submit(scene_slides, *work[i]) for i in order}
            results = (futures[i].result() for i in range(len(work)))
        else:
            pool, results = None, (scene_slides(*w) for w in work)
        try:
            with PdfWriter(tmp / "handout.pdf", "The Vanishing Gradient Problem: handout") as pdf:
                for (scene, mine, *_), (pages, spent) in zip(work, results, strict=True):
                    for page in pages:
                        pdf.add_page(*page)
                    for phase, seconds in spent.items():
                        timings[phase] += seconds
                    if progress:
                        progress(f"{scene.name}: {len(mine)} slides")
        finally:
            if pool:
                pool.shutdown(cancel_futures=True)
        t = time.perf_counter()
        write_html(tmp, slides, "The Vanishing Gradient Problem")
        timings["html"] = time.perf_counter() - t
        manifest = _manifest(base, slides, scenes, offsets, min_seconds)
        manifest["build_seconds"] = round(time.perf_counter() - started, 2)
        manifest["jobs"] = jobs
        manifest["timings"] = {k: round(v, 2) for k, v in timings.items()}  # summed over jobs
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
        _replace_dir(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def _replace_dir(new: Path, target: Path) -> None:
    try:
        replace_dir(new, target, lambda old: shutil.rmtree(old, ignore_errors=True))
    except OSError as e:
        raise DeckError(f"{target}: cannot write the deck here ({e.strerror or e})") from None


def _manifest(base: dict, slides: list[Slide], scenes: list[SceneSource],
              offsets: dict[str, float], min_seconds: float) -> dict:
    with av.open(str(scenes[0].video)) as c:
        s = c.streams.video[0]
        width, height, codec, fps = s.width, s.height, s.codec_context.name, s.base_rate

    return {
        **base,
        "versions": {**base.get("versions", {}), "reveal.js": REVEAL_VERSION,
                     "pillow": version("pillow")},
        "rule": {"min_slide_seconds": min_seconds,
                 "text": "one slide per narration block, cut where a block ends; a slide "
                         f"shorter than {min_seconds:g} s joins the next slide of its step, "
                         "or else the one before it"},
        "video": {"codec": codec, "width": width, "height": height, "fps": float(fps),
                  "cut": "stream copy at keyframes"},
        "audio": {"codec": "aac", "rate": AUDIO_RATE, "channels": 1,
                  "source": "each scene's lossless narration track (scenes/*.wav)"},
        "handout": "handout.pdf",
        "html": "index.html",
        "slides": [{
            "number": s.number, "file": s.file, "title": s.title, "act": s.scene.title,
            "act_number": s.scene.number, "step": s.step, "scene": s.scene.name,
            "scene_file": f"scenes/{s.scene.video.name}",
            "start": s.start, "end": s.seconds(s.end_frame), "duration": s.duration,
            "start_frame": s.start_frame, "end_frame": s.end_frame,
            "frames": s.end_frame - s.start_frame, "still_frame": s.still_frame,
            "lecture_start": offsets[s.scene.name] + s.start,
            "notes": s.notes,
        } for s in slides],
    }


def deck_manifest_base(bundle, data: Path, quality: str, voice: str, scenes, key: str) -> dict:
    return {
        **made_from(bundle, data),
        "quality": quality,
        "voice": voice,
        "scene_keys": {s.name: s.key for s in scenes},
        "deck_key": key,
    }


# ------------------------------------------------------------------- the command's job


def _has_frames(record: dict | None) -> bool:
    narration = (record or {}).get("narration") or {}
    return "frames" in narration and all("end_frame" in b for b in narration.get("blocks", []))


def make_deck(*, data: Path, out: Path, quality: str, voice: str, jobs: int,
              console) -> tuple[dict, bool]:
    """Render what is missing (through ``lecture render``'s cache), then build the deck
    unless it is up to date. Returns the deck's manifest and whether it was built."""
    from lecture.build import render
    from lecture.render import ensure_writable

    out = ensure_writable(out)
    # A record from before scenes recorded their narration blocks: render that scene again.
    for record in sorted((out / "scenes").glob("*.json")):
        if not _has_frames(read_record(record)):
            record.unlink()
    plan, bundle, choice = render(data=data, out=out, quality=quality, voice=voice,
                                  jobs=jobs, console=console)
    voice = choice.name  # the voice the scenes were narrated with (flite, if piper is missing)
    scenes = []
    for r in plan:
        record = read_record(r.video.with_suffix(".json"))
        if not _has_frames(record):
            raise DeckError(f"scene {r.act.name!r} has no narration blocks in "
                            f"{r.video.with_suffix('.json')}; render it again")
        scenes.append(SceneSource(r.index, r.act.name, r.act.title, r.video, record, r.key))
    key = deck_key(scenes, quality, voice)
    previous = read_record(out / "deck" / "manifest.json")
    if (previous and previous.get("deck_key") == key and (out / "deck" / "index.html").exists()
            and (out / "deck" / "handout.pdf").exists()):
        return previous, False
    console.print(f"building the deck from {len(scenes)} scenes", markup=False)
    base = deck_manifest_base(bundle, data, quality, voice, scenes, key)
    manifest = build_deck(scenes, out, base, jobs=jobs,
                          progress=lambda line: console.print(f"  {line}", markup=False))
    return manifest, True
