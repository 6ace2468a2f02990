"""``lecture render``: each act in its own ``manim`` process, in parallel, skipping what is
already up to date (:mod:`lecture.cache` decides what is), with a progress row per scene.

Outputs land in ``OUT/scenes/`` through a temporary name: a scene's old ``.json`` record is
removed first and its new one written last (:func:`lecture.cache.publish_scene`), so a
failed or interrupted render never passes for done, and a record always names the video
beside it. A render clears the temporary files an interrupted one left.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Column
from rich.text import Text

from bundle import Bundle
from bundle.files import atomic_copy, open_new
from lecture.assemble import video_duration
from lecture.blocks import read_blocks
from lecture.cache import (
    ACTS_DIR,
    DONE,
    ROOT,
    SceneResult,
    clear_partials,
    is_current,
    publish_scene,
    restore_scene,
    scene_key,
    shared_code_digest,
    store_scene,
)
from lecture.interrupts import ChildGroups
from lecture.safety import subdir
from scenes.acts import ACTS, THUMBNAIL, Act
from scenes.environment import scene_environment
from scenes.voice.choice import VoiceChoice

__all__ = ["QUALITIES", "RenderError", "plan_scenes", "render_scenes"]


@dataclass(frozen=True)
class Quality:
    flag: str  # manim's -q letter
    height: int
    fps: int

    @property
    def folder(self) -> str:  # manim's media sub-folder, e.g. 480p15
        return f"{self.height}p{self.fps}"


QUALITIES = {
    "low": Quality("l", 480, 15),
    "medium": Quality("m", 720, 30),
    "high": Quality("h", 1080, 60),
    "4k": Quality("k", 2160, 60),
}


# x264's "veryfast" preset: video encoding is the largest cost of a 1080p60 render, and this
# preset cut the CPU time of the same renders by 16 % here (bench/bench_render.py), at a
# somewhat larger file that YouTube re-encodes anyway. Part of every scene's cache key.
ENCODER_OPTIONS = ("preset=veryfast",)
# Manim's own animation cache is off: a cached animation advances the scene's clock by its
# run time, not by the frames its file holds, so after a partly cached re-render the
# narration (placed on that clock) drifted from the picture by up to 0.6 s. A scene is
# rendered only when one of its inputs changed, and then whole. Part of every cache key.
SCENE_FLAGS = ("--save_sections", "--disable_caching")


class RenderError(Exception):
    """A problem the user can act on; one line."""


def select_acts(only: list[str] | None) -> list[Act]:
    if not only:
        return list(ACTS)
    names = [a.name for a in ACTS]
    unknown = [n for n in only if n not in names]
    if unknown:
        raise RenderError(f"unknown scene {unknown[0]!r}; choose from {', '.join(names)}")
    return [a for a in ACTS if a.name in only]


def plan_scenes(acts: list[Act], bundle: Bundle, out: Path, quality: str,
                voice_signature: str) -> list[SceneResult]:
    """Each act's result: its key, its output, and whether it is already up to date (or can
    be restored from the scene cache)."""
    shared = shared_code_digest()
    plan = []
    for act in acts:
        index = ACTS.index(act) + 1 if act in ACTS else 0
        key = scene_key(act, bundle, quality=quality, voice_signature=voice_signature,
                        shared=shared, flags=(*ENCODER_OPTIONS, *SCENE_FLAGS))
        result = SceneResult(act, index, key, out / "scenes" / f"{index:02d}_{act.name}.mp4")
        if is_current(result):
            result.status = "up to date"
        elif restore_scene(result, out):
            result.status = "restored"
        plan.append(result)
    return plan


def check_tools() -> None:
    missing = [tool for tool in ("latex", "dvisvgm") if shutil.which(tool) is None]
    if missing:
        raise RenderError(f"LaTeX is missing ({', '.join(missing)} not found on PATH); the "
                          "equations need it: run `bash setup.sh`")


def manim_command(act: Act, quality: Quality, media: Path, still: bool = False) -> list[str]:
    # Manim's command line with scenes/holds.py's encoder: a held frame converted once
    cmd = [sys.executable, "-m", "scenes.holds", "render", "--media_dir", str(media),
           "--progress_bar", "leave"]
    if still:
        cmd += ["-s", "-r", "1280,720"]
    else:
        cmd += [f"-q{quality.flag}", *SCENE_FLAGS]
        for option in ENCODER_OPTIONS:
            cmd += ["--encoder-option", option]
    return [*cmd, str(ACTS_DIR / f"{act.module}.py"), act.scene]


def render_one(result: SceneResult, quality: Quality, media_root: Path, env: dict,
               log_dir: Path, on_line, children: ChildGroups | None = None) -> None:
    act = result.act
    media = media_root / act.name
    log_path = log_dir / f"{result.video.stem}.log"
    children = children or ChildGroups()
    folder = media / "videos" / act.module / quality.folder
    blocks = folder / f"{act.scene}.blocks.json"  # narration blocks, for `lecture slides`
    blocks.unlink(missing_ok=True)
    start = time.perf_counter()
    with open_new(log_path, "w") as log:
        proc = children.popen(manim_command(act, quality, media), env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        with proc.stdout:
            for line in proc.stdout:
                log.write(line)
                on_line(line)
        code = children.wait(proc)
    result.seconds = time.perf_counter() - start
    if code:
        lines = [ln.strip() for ln in log_path.read_text().splitlines() if ln.strip()]
        errors = [ln for ln in lines if re.search(r"Error|Exception", ln)]
        result.status, result.error = "failed", (errors or lines or ["no output"])[-1]
        result.error += f" (exit {code}; log: {log_path})"
        return
    video = folder / f"{act.scene}.mp4"
    srt, wav = video.with_suffix(".srt"), video.with_suffix(".wav")
    sections = json.loads((folder / "sections" / f"{act.scene}.json").read_text())
    record = {
        "key": result.key, "name": act.name, "title": act.title, "scene": act.scene,
        "duration": video_duration(video),
        "sections": [{"name": s["name"], "duration": float(s["duration"])} for s in sections],
        "narration": read_blocks(blocks) if blocks.exists() else None,
    }
    publish_scene(result.video, {".mp4": video, ".srt": srt, ".wav": wav}, record)
    store_scene(result, result.video.parents[1])
    result.status = "rendered"


def render_thumbnail(out: Path, env: dict) -> Path:
    """The 1280x720 title still, ``OUT/thumbnail.png``."""
    media = subdir(out, ".media") / "thumbnail"
    log_path = subdir(out, "logs") / "thumbnail.log"
    children = ChildGroups()
    with open_new(log_path, "w") as log:
        try:
            proc = children.popen(manim_command(THUMBNAIL, QUALITIES["high"], media,
                                                still=True),
                                  env=env, stdout=log, stderr=subprocess.STDOUT)
            code = children.wait(proc)
        except BaseException:
            children.stop()
            raise
    images = sorted((media / "images").rglob(f"{THUMBNAIL.scene}*.png"))
    if code or not images:
        raise RenderError(f"the thumbnail failed to render (log: {log_path})")
    target = out / "thumbnail.png"
    atomic_copy(images[-1], target)
    return target


def scene_env(data: Path, choice: VoiceChoice, voice_threads: int | None = None) -> dict:
    """The environment a manim process reads its bundle and voice (the whole choice) from."""
    return {**os.environ, **scene_environment(data, choice.to_env(),
                                              voice_threads=voice_threads),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT),
                                                        os.environ.get("PYTHONPATH")]))}


def render_scenes(plan: list[SceneResult], *, data: Path, out: Path, quality: str,
                  choice: VoiceChoice, jobs: int, console: Console,
                  media_root: Path | None = None
                  ) -> list[SceneResult]:
    """Render every scene of ``plan`` that is not up to date, ``jobs`` at a time."""
    check_tools()
    q = QUALITIES[quality]
    clear_partials(subdir(out, "scenes"))
    log_dir = subdir(out, "logs")
    media_root = media_root or subdir(out, ".media")
    children = ChildGroups()  # the manim processes, stopped together on an interrupt
    todo = [r for r in plan if r.status not in DONE]
    # the narration voice's threads: the cores shared out between the scenes rendered at once
    env = scene_env(data, choice, max(1, (os.cpu_count() or 1) // max(1, min(jobs, len(todo)))))
    columns = (SpinnerColumn(),
               TextColumn("{task.description}", markup=False,
                          table_column=Column(min_width=15, no_wrap=True)),
               TimeElapsedColumn(),
               TextColumn("{task.fields[state]}", table_column=Column(overflow="ellipsis",
                                                                      no_wrap=True)))
    with Progress(*columns, console=console) as progress:
        rows = {id(r): progress.add_task(r.act.name, total=1, start=False,
                                         state=r.status) for r in plan}
        for r in plan:
            if r.status in DONE:
                progress.update(rows[id(r)], completed=1)
        lock = threading.Lock()

        def run(result: SceneResult) -> None:
            row = rows[id(result)]
            progress.start_task(row)
            progress.update(row, state="rendering")
            count = re.compile(r"Animation (\d+)")

            def on_line(line: str) -> None:
                if m := count.search(line):
                    with lock:
                        progress.update(row, state=f"rendering, animation {m[1]}")

            try:
                render_one(result, q, media_root, env, log_dir, on_line, children)
            except Exception as e:  # reported per scene, others go on
                result.status, result.error = "failed", f"{type(e).__name__}: {e}"
            if children.stopping and result.status != "rendered":  # stopped, not failed
                result.status, result.error = "interrupted", ""
                progress.update(row, state="[yellow]interrupted[/]", completed=1)
                return
            # the error quotes logs and paths: escaped, so "[...]" in them is printed as is
            state = (f"[green]done[/] in {result.seconds:.0f} s" if result.status == "rendered"
                     else f"[red]failed[/]: {escape(result.error)}")
            progress.update(row, state=state, completed=1)
            if not progress.console.is_terminal:  # logs get one line per finished scene
                with lock:
                    progress.console.print(Text.from_markup(f"  {result.act.name}: {state}"),
                                           highlight=False)

        pool = ThreadPoolExecutor(max_workers=max(1, min(jobs, len(todo) or 1)))
        try:
            for future in [pool.submit(run, r) for r in todo]:
                future.result()
        except BaseException:  # Ctrl-C or SIGTERM: no new scene starts, running ones stop
            pool.shutdown(wait=False, cancel_futures=True)
            children.stop()
            raise
        finally:
            pool.shutdown(wait=True)
    return plan


def ensure_writable(out: Path) -> Path:
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".write-test-"):
            pass
    except OSError as e:
        raise RenderError(f"{out}: cannot write output here ({e.strerror or e})") from None
    return out
