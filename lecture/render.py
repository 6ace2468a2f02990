"""``lecture render``: each act in its own ``manim`` process, in parallel, skipping what is
already up to date.

A scene's output is reused when none of its inputs changed: its module, the shared scene
code (theme, mobjects, narration...), the bundle arrays it declares in ``reads``, the quality
and the voice. Outputs land in ``OUT/scenes/`` through a temporary name, and a scene's
``.json`` record is written last, so a failed or interrupted render never passes for done.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
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
from importlib.metadata import version
from pathlib import Path

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Column

from lecture.assemble import video_duration
from scenes.acts import ACTS, THUMBNAIL, Act
from scenes.bundle import Bundle

__all__ = ["QUALITIES", "RenderError", "SceneResult", "plan_scenes", "render_scenes"]

SCENES_DIR = Path(__file__).resolve().parents[1] / "scenes"
ACTS_DIR = SCENES_DIR / "acts"


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


def declared_reads(module: str, scene: str) -> tuple[str, ...]:
    """The ``reads`` class attribute of ``scene``. A literal tuple is read from the source,
    without importing Manim, so planning a build stays fast; anything else is computed by
    importing the act's module."""
    tree = ast.parse((ACTS_DIR / f"{module}.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == scene:
            for stmt in node.body:
                if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                        and getattr(stmt.targets[0], "id", None) == "reads"):
                    try:
                        return tuple(ast.literal_eval(stmt.value))
                    except ValueError:
                        cls = getattr(importlib.import_module(f"scenes.acts.{module}"), scene)
                        return tuple(cls.reads)
            return ()
    raise RenderError(f"scenes/acts/{module}.py has no scene class {scene}")


def shared_code_digest() -> str:
    """Every scene module that is not an act: a change here re-renders every scene."""
    h = hashlib.sha256()
    for path in sorted([*SCENES_DIR.glob("*.py"), ACTS_DIR / "__init__.py"]):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def scene_key(act: Act, bundle: Bundle, quality: str, voice: str, shared: str) -> str:
    h = hashlib.sha256()
    reads = declared_reads(act.module, act.scene)
    for part in (act.module, act.scene, (ACTS_DIR / f"{act.module}.py").read_text(), shared,
                 bundle.digest(bundle.keys_under(reads)), quality, voice, version("manim"),
                 version("manim-voiceover"), ENCODER_OPTIONS):
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
        if record and record.get("key") == result.key and result.video.exists():
            result.status = "up to date"
        plan.append(result)
    return plan


def read_record(video: Path) -> dict | None:
    try:
        return json.loads(video.with_suffix(".json").read_text())
    except (OSError, ValueError):
        return None


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
        cmd += [f"-q{quality.flag}", "--save_sections"]
        for option in ENCODER_OPTIONS:
            cmd += ["--encoder-option", option]
    return [*cmd, str(ACTS_DIR / f"{act.module}.py"), act.scene]


def _publish(src: Path, dst: Path) -> None:
    """Copy ``src`` to ``dst`` through a temporary name in the same folder."""
    tmp = dst.with_name(f".{dst.name}.partial")
    shutil.copyfile(src, tmp)
    os.replace(tmp, dst)


def render_one(result: SceneResult, quality: Quality, media_root: Path, env: dict,
               log_dir: Path, on_line) -> None:
    act = result.act
    media = media_root / act.name
    log_path = log_dir / f"{result.video.stem}.log"
    start = time.perf_counter()
    with open(log_path, "w") as log:
        proc = subprocess.Popen(manim_command(act, quality, media), env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for line in proc.stdout:
            log.write(line)
            on_line(line)
        code = proc.wait()
    result.seconds = time.perf_counter() - start
    if code:
        lines = [ln.strip() for ln in log_path.read_text().splitlines() if ln.strip()]
        errors = [ln for ln in lines if re.search(r"Error|Exception", ln)]
        result.status, result.error = "failed", (errors or lines or ["no output"])[-1]
        result.error += f" (exit {code}; log: {log_path})"
        return
    folder = media / "videos" / act.module / quality.folder
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
    }
    tmp = result.video.with_name(f".{result.video.stem}.json.partial")
    tmp.write_text(json.dumps(record, indent=1))
    os.replace(tmp, result.video.with_suffix(".json"))
    result.status = "rendered"


def thumbnail_key() -> str:
    source = (ACTS_DIR / f"{THUMBNAIL.module}.py").read_bytes()
    return hashlib.sha256(source + shared_code_digest().encode()).hexdigest()[:20]


def render_thumbnail(out: Path, env: dict) -> Path:
    """The 1280x720 title still, ``OUT/thumbnail.png``."""
    media = out / ".media" / "thumbnail"
    log_path = out / "logs" / "thumbnail.log"
    with open(log_path, "w") as log:
        code = subprocess.run(manim_command(THUMBNAIL, QUALITIES["high"], media, still=True),
                              env=env, stdout=log, stderr=subprocess.STDOUT).returncode
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
    (out / "scenes").mkdir(parents=True, exist_ok=True)
    log_dir = out / "logs"
    log_dir.mkdir(exist_ok=True)
    media_root = media_root or out / ".media"
    env = scene_env(data, voice)
    todo = [r for r in plan if r.status != "up to date"]
    # the narration voice's threads: the cores shared out between the scenes rendered at once
    env["LECTURE_VOICE_THREADS"] = str(max(1, (os.cpu_count() or 1)
                                          // max(1, min(jobs, len(todo)))))
    columns = (SpinnerColumn(),
               TextColumn("{task.description}", table_column=Column(min_width=15,
                                                                    no_wrap=True)),
               TimeElapsedColumn(),
               TextColumn("{task.fields[state]}", table_column=Column(overflow="ellipsis",
                                                                      no_wrap=True)))
    with Progress(*columns, console=console) as progress:
        rows = {id(r): progress.add_task(r.act.name, total=1, start=False,
                                         state=r.status) for r in plan}
        for r in plan:
            if r.status == "up to date":
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
                render_one(result, q, media_root, env, log_dir, on_line)
            except Exception as e:  # noqa: BLE001 - reported per scene, others go on
                result.status, result.error = "failed", f"{type(e).__name__}: {e}"
            state = (f"[green]done[/] in {result.seconds:.0f} s" if result.status == "rendered"
                     else f"[red]failed[/]: {result.error}")
            progress.update(row, state=state, completed=1)
            if not progress.console.is_terminal:  # logs get one line per finished scene
                with lock:
                    progress.console.print(f"  {result.act.name}: {state}", highlight=False)

        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            list(pool.map(run, todo))
    return plan


def ensure_writable(out: Path) -> Path:
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".write-test-"):
            pass
    except OSError as e:
        raise RenderError(f"{out}: cannot write output here ({e.strerror or e})") from None
    return out
