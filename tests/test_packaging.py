"""The project as a wheel: built, installed into a fresh virtual environment and run from
outside the repository, so that nothing works only because the source tree is beside it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh environment with the wheel installed; the dependencies (torch, Manim...) come
    from this one's site-packages, where the project itself is only an editable finder."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"  # a copy: building in the tree would leave build/ there
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "out", "media", "build", "*.egg-info", "__pycache__", "tests",
        "bench", "lecture-out", ".*_cache"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "--no-build-isolation", "-w", str(tmp / "dist"), str(source)],
                   check=True, cwd=tmp, capture_output=True)
    (wheel,) = (tmp / "dist").glob("*.whl")
    env = tmp / "env"
    venv.create(env, with_pip=False)
    (site,) = (env / "lib").glob("python3*/site-packages")
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(env / "bin" / "python"),
                    "install", "-q", "--no-deps", "--no-index", str(wheel)],
                   check=True, cwd=tmp, capture_output=True)
    return env


def _run(env: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    clean["PATH"] = f"{env / 'bin'}{os.pathsep}{clean.get('PATH', '')}"
    return subprocess.run(args, cwd=cwd, env=clean, capture_output=True, text=True,
                          timeout=600)


def test_the_wheel_holds_every_package_the_template_and_the_default_bundle(installed):
    (site,) = (installed / "lib").glob("python3*/site-packages")
    for module in ("scenes/acts/act01_hook.py", "scenes/story/findings.py",
                   "scenes/voice/services.py", "lecture/cache.py", "lecture/deck/build.py",
                   "bundle/archive.py", "models/train.py"):
        assert (site / module).is_file(), module
    for name in ("index.html", "deck.css", "deck.js",
                 "node_modules/reveal.js/dist/reveal.js"):
        assert (site / "lecture" / "deck" / "template" / name).is_file(), name
    assert not (site / "tests").exists() and not (site / "bench").exists()
    share = installed / "share" / "vanishing-gradients-animated" / "default"
    assert {p.name for p in share.iterdir()} == {"manifest.json", "arrays.npz"}


def test_the_installed_command_runs_outside_the_repository(installed, tmp_path):
    where = _run(installed, "python", "-c", "import bundle, lecture, scenes; "
                 "print(lecture.__file__, scenes.__file__, bundle.DEFAULT_BUNDLE)", cwd=tmp_path)
    assert where.returncode == 0, where.stderr
    assert str(ROOT) not in where.stdout and str(installed) in where.stdout
    usage = _run(installed, "lecture", "--help", cwd=tmp_path)
    assert usage.returncode == 0 and "usage: lecture" in usage.stdout, usage.stderr
    script = _run(installed, "lecture", "script", "--only", "hook", "--out",
                  str(tmp_path / "out"), cwd=tmp_path)
    assert script.returncode == 0, script.stderr[-2000:]
    assert "== 01 The vanishing gradient problem" in script.stdout
    assert len(script.stdout.splitlines()) > 5
