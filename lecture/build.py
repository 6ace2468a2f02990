"""``lecture render`` and ``lecture build``: plan, render what changed, assemble."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from bundle import Bundle, load_bundle
from lecture.assemble import LOUDNESS_TARGET, SceneClip, assemble_lecture
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
from scenes.voice.choice import VoiceChoice, resolve_voice

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
          console: Console, only: list[str] | None = None) -> dict:
    plan, bundle, choice = render(data=data, out=out, quality=quality, voice=voice,
                                  jobs=jobs, only=only, console=console)
    keys = {r.act.name: r.key for r in plan}
    thumb = thumbnail_key()
    previous = read_record(out / "manifest.json")
    if not (previous and previous.get("thumbnail_key") == thumb
            and (out / "thumbnail.png").exists()):
        render_thumbnail(out, scene_env(data, choice))
    if (previous and previous.get("scene_keys") == keys and previous.get("quality") == quality
            and previous.get("thumbnail_key") == thumb and (out / "lecture.mp4").exists()
            and previous.get("loudness", {}).get("target") == LOUDNESS_TARGET):
        console.print("lecture.mp4 is up to date", markup=False)
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
    return assemble_lecture(clips, out, manifest)

