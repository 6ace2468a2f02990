"""``lecture render``: each act in its own ``manim`` process, in parallel, skipping what is
already up to date.

A scene's output is reused when none of its inputs changed: its module, the shared scene
code (theme, mobjects, findings, the base scene...) and the bundle package, what its act
record says it reads from the bundle, the quality and the voice. Planning reads the act
records and the bundle's checksums only: it imports no Manim. Outputs land in
``OUT/scenes/`` through a temporary name, and a scene's ``.json`` record is written last, so
a failed or interrupted render never passes for done.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Column
from rich.text import Text

from bundle import Bundle
from bundle.reader import read_regular_file
from lecture.assemble import video_duration
from lecture.blocks import read_blocks
from lecture.interrupts import ChildGroups
from lecture.safety import clear_name, open_new, subdir
from scenes.acts import ACTS, THUMBNAIL, Act

__all__ = ["QUALITIES", "RenderError", "SceneResult", "plan_scenes", "render_scenes"]

ROOT = Path(__file__).resolve().parents[1]
SCENES_DIR = ROOT / "scenes"
ACTS_DIR = SCENES_DIR / "acts"
BUNDLE_DIR = ROOT / "bundle"


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


@dataclass
class SceneResult:
    act: Act
    index: int
    key: str  # hash of every input
    video: Path
    status: str = "queued"
    seconds: float = 0.0
    error: str = ""


def shared_code_digest() -> str:
    """Every scene module that is not an act, and the bundle package that reads the data:
    a change here re-renders every scene."""
    h = hashlib.sha256()
    for path in sorted([*SCENES_DIR.glob("*.py"), ACTS_DIR / "__init__.py",
                        *BUNDLE_DIR.glob("*.py")]):
        h.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def scene_key(act: Act, bundle: Bundle, quality: str, voice: str, shared: str) -> str:
    h = hashlib.sha256()
    for part in (act.module, act.scene, (ACTS_DIR / f"{act.module}.py").read_text(), shared,
                 bundle.reads_digest(act.reads), quality, voice, version("manim"),
                 version("manim-voiceover"), ENCODER_OPTIONS, SCENE_FLAGS):
        h.update(str(part).encode() + b"\0")
    return h.hexdigest()[:20]


def select_acts(only: list[str] | None) -> list[Act]:
    if not only:
        return list(ACTS)
    names = [a.name for a in ACTS]
    unknown = [n for n in only if n not in names]
    if unknown:
        raise RenderError(f"unknown scene {unknown[0]!r}; choose from {', '.join(names)}")
    return [a for a in ACTS if a.name in only]


def plan_scenes(acts: list[Act], bundle: Bundle, out: Path, quality: str,
                voice: str) -> list[SceneResult]:
    shared = shared_code_digest()
    plan = []
    for act in acts:
        index = ACTS.index(act) + 1 if act in ACTS else 0
        stem = f"{index:02d}_{act.name}"
        result = SceneResult(act, index, scene_key(act, bundle, quality, voice, shared),
                             out / "scenes" / f"{stem}.mp4")
        record = read_record(result.video)
        if record and record.get("key") == result.key and _is_regular(result.video):
            result.status = "up to date"
        elif restore_scene(result, out):
            result.status = "restored"
        plan.append(result)
    return plan


# Every scene rendered into an output directory is kept (copied) in
# OUT/.cache/scenes/<act>/<key>/, so that two variants of the lecture (other bundles, voices,
# qualities) built into one output share every scene whose inputs are equal: going back to
# one re-renders nothing. The most recent versions of each act are kept.
SCENE_FILES = (".mp4", ".srt", ".wav", ".json")  # the record, last: it marks a scene complete
DONE = ("up to date", "restored")  # statuses that need no render
KEEP_VERSIONS = 4


def _stored(result: SceneResult, out: Path) -> Path:
    return out / ".cache" / "scenes" / result.act.name / result.key


def store_scene(result: SceneResult, out: Path) -> None:
    """Keep the scene just rendered in the output's scene cache; drop the oldest versions."""
    store = _stored(result, out)
    if store.is_dir():
        shutil.rmtree(store)
    act_dir = subdir(subdir(subdir(out, ".cache"), "scenes"), result.act.name)
    tmp = subdir(act_dir, f".{result.key}.partial")
    for suffix in SCENE_FILES:
        src = result.video.with_suffix(suffix)
        if _is_regular(src):
            _publish(src, tmp / f"scene{suffix}")
    os.replace(tmp, store)
    versions = sorted((d for d in act_dir.iterdir() if d.is_dir() and not d.is_symlink()
                       and not d.name.startswith(".")), key=lambda d: d.stat().st_mtime)
    for old in versions[:-KEEP_VERSIONS]:
        shutil.rmtree(old)


def restore_scene(result: SceneResult, out: Path) -> bool:
    """Bring back a scene rendered before with the same inputs, if the cache holds it."""
    store = _stored(result, out)
    record = read_record(store / "scene.mp4")
    if not (record and record.get("key") == result.key and _is_regular(store / "scene.mp4")):
        return False
    subdir(out, "scenes")
    for suffix in SCENE_FILES:
        src, dst = store / f"scene{suffix}", result.video.with_suffix(suffix)
        if _is_regular(src):
            _publish(src, dst)
        elif suffix != ".json":
            clear_name(dst)
    os.utime(store)  # recently used: kept longest
    return True


def read_record(video: Path) -> dict | None:
    try:  # a regular file only: a FIFO planted here would block
        record = json.loads(read_regular_file(video.with_suffix(".json"), 1 << 20))
    except (OSError, ValueError, RecursionError):
        return None
    return record if isinstance(record, dict) else None


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def check_tools() -> None:
    missing = [tool for tool in ("latex", "dvisvgm") if shutil.which(tool) is None]
    if missing:
        raise RenderError(f"LaTeX is missing ({', '.join(missing)} not found on PATH); the "
                          "equations need it: run `bash setup.sh`")


def manim_command(act: Act, quality: Quality, media: Path, still: bool = False) -> list[str]:
    cmd = [sys.executable, "-m", "manim", "render", "--media_dir", str(media),
           "--progress_bar", "leave"]
    if still:
        cmd += ["-s", "-r", "1280,720"]
    else:
        cmd += [f"-q{quality.flag}", *SCENE_FLAGS]
        for option in ENCODER_OPTIONS:
            cmd += ["--encoder-option", option]
    return [*cmd, str(ACTS_DIR / f"{act.module}.py"), act.scene]


def _publish(src: Path, dst: Path) -> None:
    """Copy ``src`` to ``dst`` through a temporary name in the same folder (a fresh file:
    a link planted at either name is replaced, never followed)."""
    tmp = dst.with_name(f".{dst.name}.partial")
    with open(src, "rb") as s, open_new(tmp, "wb") as d:
        shutil.copyfileobj(s, d)
    os.replace(tmp, dst)


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
    _publish(video, result.video)
    for src, suffix in ((srt, ".srt"), (wav, ".wav")):
        if src.exists():
            _publish(src, result.video.with_suffix(suffix))
        else:
            result.video.with_suffix(suffix).unlink(missing_ok=True)
    record = {
        "key": result.key, "name": act.name, "title": act.title, "scene": act.scene,
        "duration": video_duration(result.video),
        "sections": [{"name": s["name"], "duration": float(s["duration"])} for s in sections],
        "narration": read_blocks(blocks) if blocks.exists() else None,
    }
    tmp = result.video.with_name(f".{result.video.stem}.json.partial")
    with open_new(tmp, "w") as f:
        f.write(json.dumps(record, indent=1))
    os.replace(tmp, result.video.with_suffix(".json"))
    store_scene(result, result.video.parents[1])
    result.status = "rendered"


def thumbnail_key() -> str:
    source = (ACTS_DIR / f"{THUMBNAIL.module}.py").read_bytes()
    return hashlib.sha256(source + shared_code_digest().encode()).hexdigest()[:20]


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
    _publish(images[-1], target)
    return target


def scene_env(data: Path, voice: str) -> dict:
    """The environment a manim process reads its bundle and voice from."""
    return {**os.environ, "LECTURE_DATA": str(Path(data).resolve()), "LECTURE_VOICE": voice,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(SCENES_DIR.parent),
                                                        os.environ.get("PYTHONPATH")]))}


def render_scenes(plan: list[SceneResult], *, data: Path, out: Path, quality: str,
                  voice: str, jobs: int, console: Console, media_root: Path | None = None
                  ) -> list[SceneResult]:
    """Render every scene of ``plan`` that is not up to date, ``jobs`` at a time."""
    check_tools()
    q = QUALITIES[quality]
    subdir(out, "scenes")
    log_dir = subdir(out, "logs")
    media_root = media_root or subdir(out, ".media")
    env = scene_env(data, voice)
    children = ChildGroups()  # the manim processes, stopped together on an interrupt
    todo = [r for r in plan if r.status not in DONE]
    # the narration voice's threads: the cores shared out between the scenes rendered at once
    env["LECTURE_VOICE_THREADS"] = str(max(1, (os.cpu_count() or 1)
                                          // max(1, min(jobs, len(todo)))))
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
            except Exception as e:  # noqa: BLE001 - reported per scene, others go on
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
