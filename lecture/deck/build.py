"""``lecture slides``: the lecture as a reveal.js deck for teaching it live, and a handout.

The deck is built in four parts: where the slides fall (:mod:`.plan`), each slide's video and
audio cut from its scene and its still (:mod:`.cut`), the page (:mod:`.page`) and the handout
(:mod:`.handout`). This module puts them together: the deck's key, the scenes cut in worker
processes, the folder swapped in whole, the manifest, and the command's job.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import time
from importlib.metadata import version
from pathlib import Path

import av

from bundle.files import old_name, partial_name, replace_dir
from lecture.assemble import SceneClip, check_compatible, format_time
from lecture.cache import read_record
from lecture.captions import read_srt, shifted, to_vtt
from lecture.deck import DeckError
from lecture.deck.cut import AUDIO_RATE, cut_scene, scene_stills
from lecture.deck.handout import PdfWriter, handout_page
from lecture.deck.page import REVEAL_VERSION, TEMPLATE, check_reveal, write_html
from lecture.deck.plan import MIN_SLIDE, SceneSource, Slide, plan_slides
from lecture.interrupts import spawn_pool
from lecture.provenance import made_from

__all__ = ["build_deck", "deck_key", "make_deck"]


def deck_key(scenes: list[SceneSource], quality: str, voice: str) -> str:
    """Every input of the deck: the scenes' render keys, this code, the template."""
    h = hashlib.sha256()
    code = [*sorted(Path(__file__).parent.glob("*.py")),  # every module of the deck
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
    cues = read_srt(scene.video.with_suffix(".srt"))
    for slide in slides:  # the captions follow the slide's narration, cut where its audio is
        (folder.parent / slide.captions).write_text(
            to_vtt(shifted(cues, slide.audio_start, slide.audio_end, -slide.audio_start)),
            encoding="utf-8")
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
    shutil.rmtree(old_name(tmp), ignore_errors=True)  # what a swap killed midway left
    timings = dict.fromkeys(("cut", "stills", "handout", "html"), 0.0)
    try:
        (tmp / "slides").mkdir(parents=True)
        work = [(scene, [s for s in slides if s.scene is scene], tmp / "slides", len(slides),
                 offsets[scene.name]) for scene in scenes]
        if jobs > 1 and len(scenes) > 1:
            pool = spawn_pool(min(jobs, len(scenes)))
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
            "number": s.number, "file": s.file, "captions": s.captions, "title": s.title,
            "act": s.scene.title,
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
    voice = choice.name  # the voice the scenes were narrated with (flite, if hibari is missing)
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
