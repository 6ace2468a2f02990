"""Scene cache keys and the scene cache: what decides that a rendered scene is still good.

A scene's output is reused when none of its inputs changed: its act module, every shared
scene module (``scenes/**/*.py`` but the act modules: theme, mobjects, story, voice, the
base scene...), the bundle package, what its act record says it reads from the bundle, the
quality, the voice and the render flags. Planning reads act records and checksums only: it
imports no Manim.

Every scene rendered into an output directory is also kept (copied) in
``OUT/.cache/scenes/<act>/<key>/``, so that two variants of the lecture (other bundles,
voices, qualities) built into one output share every scene whose inputs are equal: going
back to one re-renders nothing. The most recent :data:`KEEP_VERSIONS` of each act are kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from bundle import Bundle
from bundle.files import PARTIAL_SUFFIX, atomic_copy, atomic_write, clear_name, read_regular_file
from lecture.provenance import ROOT
from lecture.safety import subdir
from scenes.acts import ACTS, THUMBNAIL, Act

__all__ = ["DONE", "KEEP_VERSIONS", "SceneResult", "clear_partials", "is_regular",
           "publish_scene", "read_record", "restore_scene", "scene_key", "shared_code_digest",
           "store_scene", "thumbnail_key"]

SCENES_DIR = ROOT / "scenes"
ACTS_DIR = SCENES_DIR / "acts"
BUNDLE_DIR = ROOT / "bundle"

SCENE_FILES = (".mp4", ".srt", ".wav", ".json")  # the record, last: it marks a scene complete
DONE = ("up to date", "restored")  # statuses that need no render
KEEP_VERSIONS = 4
MAX_RECORD_BYTES = 16 << 20


@dataclass
class SceneResult:
    act: Act
    index: int
    key: str  # hash of every input
    video: Path
    status: str = "queued"
    seconds: float = 0.0
    error: str = ""


def shared_code(scenes_dir: Path = SCENES_DIR, bundle_dir: Path = BUNDLE_DIR) -> list[Path]:
    """The files every scene depends on: each module under ``scenes/`` (any depth) that is
    not an act module, and the bundle package that reads the data."""
    acts = {scenes_dir / "acts" / f"{act.module}.py" for act in (*ACTS, THUMBNAIL)}
    return sorted(p for p in scenes_dir.rglob("*.py") if p not in acts) + sorted(
        bundle_dir.glob("*.py"))


def shared_code_digest(scenes_dir: Path = SCENES_DIR, bundle_dir: Path = BUNDLE_DIR) -> str:
    """A hash of :func:`shared_code`: a change in any of it re-renders every scene."""
    h = hashlib.sha256()
    root = scenes_dir.parent
    for path in shared_code(scenes_dir, bundle_dir):
        h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def scene_key(act: Act, bundle: Bundle, *, quality: str, voice_signature: str, shared: str,
              flags: tuple[str, ...]) -> str:
    """The hash of every input of one scene; ``flags`` are the render options that change
    its output (encoder, caching)."""
    h = hashlib.sha256()
    for part in (act.module, act.scene, (ACTS_DIR / f"{act.module}.py").read_text(), shared,
                 bundle.reads_digest(act.reads), quality, voice_signature, version("manim"),
                 version("manim-voiceover"), *flags):
        h.update(str(part).encode() + b"\0")
    return h.hexdigest()[:20]


def thumbnail_key(bundle: Bundle) -> str:
    """The thumbnail's inputs: its module, the shared code, and the arrays it draws."""
    source = (ACTS_DIR / f"{THUMBNAIL.module}.py").read_bytes()
    return hashlib.sha256(source + shared_code_digest().encode()
                          + bundle.reads_digest(THUMBNAIL.reads).encode()).hexdigest()[:20]


def read_record(path: Path) -> dict | None:
    """The JSON object at ``path`` (a scene's record, an output manifest), or None when it
    is missing, unreadable, not a regular file (a FIFO planted here would block) or not an
    object."""
    try:
        record = json.loads(read_regular_file(path, MAX_RECORD_BYTES))
    except (OSError, ValueError, RecursionError):
        return None
    return record if isinstance(record, dict) else None


def is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def is_current(result: SceneResult, video: Path | None = None) -> bool:
    """Whether the scene at ``video`` (default: the result's own) is complete and has the
    result's key."""
    video = video or result.video
    record = read_record(video.with_suffix(".json"))
    return bool(record and record.get("key") == result.key and is_regular(video))


def publish_scene(video: Path, files: dict[str, Path], record: dict | Path) -> None:
    """Put one scene in place at ``video``: its old record goes first, then each of its
    files (``files[suffix]``; a suffix it lacks is removed), then its ``record`` (a dict to
    write, or a file to copy) last. However it is interrupted, a record on disk always
    belongs to the files beside it: a half-published scene has no record, so it is never
    taken for up to date."""
    record_path = video.with_suffix(".json")
    clear_name(record_path)
    for suffix in SCENE_FILES[:-1]:
        src, dst = files.get(suffix), video.with_suffix(suffix)
        if src is not None and is_regular(src):
            atomic_copy(src, dst)
        else:
            clear_name(dst)
    if isinstance(record, Path):
        atomic_copy(record, record_path)
    else:
        with atomic_write(record_path) as f:
            f.write(json.dumps(record, indent=1))


def clear_partials(scenes: Path) -> list[Path]:
    """Remove what an interrupted publish left in ``scenes`` (``.name.partial`` files);
    called under the output's lock, so no other run is writing them. Returns what went."""
    gone = []
    for path in sorted(scenes.glob(f".*{PARTIAL_SUFFIX}")):
        if is_regular(path) or path.is_symlink():
            path.unlink()
            gone.append(path)
    return gone


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
        if is_regular(src):
            atomic_copy(src, tmp / f"scene{suffix}")
    os.replace(tmp, store)
    versions = sorted((d for d in act_dir.iterdir() if d.is_dir() and not d.is_symlink()
                       and not d.name.startswith(".")), key=lambda d: d.stat().st_mtime)
    for old in versions[:-KEEP_VERSIONS]:
        shutil.rmtree(old)


def restore_scene(result: SceneResult, out: Path) -> bool:
    """Bring back a scene rendered before with the same inputs, if the cache holds it."""
    store = _stored(result, out)
    if not is_current(result, store / "scene.mp4"):
        return False
    subdir(out, "scenes")
    publish_scene(result.video, {suffix: store / f"scene{suffix}" for suffix in SCENE_FILES},
                  store / "scene.json")
    os.utime(store)  # recently used: kept longest
    return True
