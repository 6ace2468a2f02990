"""``lecture render`` and ``lecture build``: plan, render what changed, assemble."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from bundle import Bundle, load_bundle
from lecture.assemble import LOUDNESS_TARGET, SceneClip, assemble_lecture, write_text
from lecture.cache import SceneResult, read_record, thumbnail_key
from lecture.provenance import made_from
from lecture.render import (
    RenderError,
    ensure_writable,
    plan_scenes,
    render_scenes,
    render_thumbnail,
    scene_env,
    select_acts,
)
from lecture.transcript import chapters_of, to_html, to_markdown
from lecture.youtube import check_outputs
from scenes.story.acts import script_for
from scenes.story.findings import Findings
from scenes.voice.choice import VoiceChoice, resolve_voice

# What a finished build holds beside its manifest (written last)
OUTPUTS = ("lecture.mp4", "chapters.txt", "lecture.srt", "lecture.vtt", "thumbnail.png",
           "transcript.md", "transcript.html")
TITLE = "The Vanishing Gradient Problem"

__all__ = ["build", "render"]


def render(*, data: Path, out: Path, quality: str, voice: str, jobs: int,
           only: list[str] | None = None, console: Console
           ) -> tuple[list[SceneResult], Bundle, VoiceChoice]:
    """Render what changed; return the plan, the validated bundle it was made from, and the
    voice it was narrated with."""
    acts = select_acts(only)
    bundle = load_bundle(data, keys=())  # every array checked, none held: scenes load theirs
    out = ensure_writable(out)
    choice = resolve_voice(voice)
    if choice.warning:
        console.print(f"lecture: warning: {choice.warning}", markup=False)
    plan = plan_scenes(acts, bundle, out, quality, choice.signature)
    render_scenes(plan, data=data, out=out, quality=quality, choice=choice, jobs=jobs,
                  console=console)
    failed = [r for r in plan if r.status == "failed"]
    if failed:
        first = failed[0]
        others = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
        raise RenderError(f"scene {first.act.name!r} failed: {first.error}{others}; the "
                          "other scenes are kept, and a re-run renders only what failed")
    return plan, bundle, choice


def build(*, data: Path, out: Path, quality: str, voice: str, jobs: int,
          console: Console, only: list[str] | None = None,
          loudness: float = LOUDNESS_TARGET) -> dict:
    plan, bundle, choice = render(data=data, out=out, quality=quality, voice=voice,
                                  jobs=jobs, only=only, console=console)
    keys = {r.act.name: r.key for r in plan}
    thumb = thumbnail_key(bundle)
    previous = read_record(out / "manifest.json")
    if not (previous and previous.get("thumbnail_key") == thumb
            and (out / "thumbnail.png").exists()):
        render_thumbnail(out, scene_env(data, choice))
    if (previous and previous.get("scene_keys") == keys and previous.get("quality") == quality
            and previous.get("thumbnail_key") == thumb
            and all((out / name).exists() for name in OUTPUTS)
            and previous.get("loudness", {}).get("target") == loudness):
        console.print("lecture.mp4 is up to date", markup=False)
        for problem in previous.get("youtube", {}).get("problems", []):
            console.print(f"lecture: warning: YouTube: {problem}", markup=False)
        return previous
    clips = [SceneClip(r.act.name, r.act.title, r.video) for r in plan]
    console.print(f"assembling {len(clips)} scenes", markup=False)
    manifest = {
        **made_from(bundle, data),
        "quality": quality,
        "voice": choice.name,
        "voice_detail": {"requested": choice.requested, **choice.detail},
        "scene_keys": keys,
        "thumbnail_key": thumb,
        "thumbnail": "thumbnail.png",
    }
    scripts = load_bundle(data, verify_all=False)  # checked whole by render()
    on_screen = {r.act.name: script_for(r.act, Findings(scripts.view(r.act.reads))).on_screen()
                 for r in plan}

    def then(clips: list[SceneClip], manifest: dict) -> dict:
        records = {c.name: read_record(c.video.with_suffix(".json")) or {} for c in clips}
        chapters = chapters_of(clips, records, on_screen)
        intro = (f"The narration of lecture.mp4 ({manifest['video']['duration']:.0f} s), "
                 "act by act, with the time each passage starts, and after a passage what "
                 "the screen shows. Every number is computed from the bundle "
                 f"{manifest['bundle']['digest'][:12]}.")
        write_text(out / "transcript.md", to_markdown(chapters, TITLE + ": transcript", intro))
        write_text(out / "transcript.html", to_html(chapters, TITLE + ": transcript", intro))
        problems = check_outputs(out, [(c["start"], c["title"]) for c in manifest["chapters"]],
                                 manifest["video"]["duration"])
        for problem in problems:
            console.print(f"lecture: warning: YouTube: {problem}", markup=False)
        return {"transcript": ["transcript.md", "transcript.html"],
                "youtube": {"problems": problems}}

    return assemble_lecture(clips, out, manifest, loudness, then)
