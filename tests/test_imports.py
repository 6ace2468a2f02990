"""Dependencies point one way: the contract imports neither side, models/ never imports
Manim or scenes/, scenes/ never imports torch or models/. Each package is imported alone in
a fresh interpreter and what it pulled in is checked."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

# module -> top-level packages it must not pull in
RULES = {
    "bundle": ("torch", "manim", "models", "scenes", "lecture"),
    "models.experiments": ("manim", "scenes", "lecture"),
    "scenes.acts": ("torch", "manim", "models"),  # the table of contents: no Manim
    "scenes.story.findings": ("torch", "manim", "models"),
    "scenes.story.numbers": ("torch", "manim", "models"),
    "scenes.story.names": ("torch", "manim", "models"),
    "scenes.lecture_scene": ("torch", "models"),
    "scenes.dry_run": ("torch", "models"),
    "scenes.acts.act09_highway": ("torch", "models"),
    "lecture.cli": ("torch", "manim", "scipy", "onnxruntime"),  # `lecture --help` stays fast
}


def modules_imported_by(module: str) -> set[str]:
    code = f"import json, sys, {module}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    return set(json.loads(out))


def imported_by(module: str) -> set[str]:
    return {name.split(".")[0] for name in modules_imported_by(module)}


@pytest.mark.parametrize("module", RULES)
def test_import_rules(module):
    pulled = imported_by(module)
    assert module.split(".")[0] in pulled  # the check itself works
    assert not pulled & set(RULES[module]), pulled & set(RULES[module])


def test_the_rules_can_fail():
    assert "torch" in imported_by("models.experiments")
    assert "manim" in imported_by("scenes.lecture_scene")


# ---------------------------------------------------------------------- per subpackage

ROOT = Path(__file__).resolve().parents[1]
OURS = {"bundle", "models", "scenes", "lecture"}


def _modules(package: str) -> list[str]:
    folder = ROOT.joinpath(*package.split("."))
    return [f"{package}.{p.stem}" if p.stem != "__init__" else package
            for p in sorted(folder.glob("*.py"))]


def _third_party(names: set[str]) -> set[str]:
    tops = {name.split(".")[0] for name in names}
    return {t for t in tops if t not in sys.stdlib_module_names and t not in OURS
            and not t.startswith("_")}


# subpackage -> (third-party packages its modules may pull in, our modules they may pull in)
SUBPACKAGES = {
    "bundle": ({"numpy"}, ("bundle",)),
    "scenes.story": ({"numpy"}, ("bundle", "scenes.story")),
}


@pytest.mark.parametrize("module", [m for p in SUBPACKAGES for m in _modules(p)])
def test_subpackage_rules(module):
    package = next(p for p in SUBPACKAGES if module == p or module.startswith(p + "."))
    allowed, ours = SUBPACKAGES[package]
    pulled = modules_imported_by(module)
    assert module in pulled
    assert _third_party(pulled) <= allowed, _third_party(pulled) - allowed
    foreign = {m for m in pulled if m.split(".")[0] in OURS and m not in ("scenes",)
               and not any(m == o or m.startswith(o + ".") for o in ours)}
    assert not foreign, foreign


@pytest.mark.parametrize("module", _modules("scenes.voice"))
def test_the_voice_draws_nothing(module):
    """Voice modules import no drawing of ours (theme, mobjects, the base scene) and never
    Manim itself; only the speech services reach it, through manim-voiceover. The choice of
    voice and the engines need no Manim at all."""
    pulled = modules_imported_by(module)
    drawing = {m for m in pulled if m.startswith("scenes.")
               and not m.startswith(("scenes.voice", "scenes.environment"))}
    assert not drawing, drawing
    source = ROOT.joinpath(*module.split(".")).with_suffix(".py")
    if module == "scenes.voice":
        source = ROOT / "scenes" / "voice" / "__init__.py"
    text = source.read_text()
    assert "import manim\n" not in text and "from manim " not in text and "from manim." not in text
    if module.rsplit(".", 1)[-1] in ("voice", "choice", "names", "lexicon", "piper", "hibari",
                                     "neural", "loudness"):
        assert "manim" not in {m.split(".")[0] for m in pulled}


def test_the_subpackage_rules_can_fail():
    assert _third_party(modules_imported_by("scenes.voice.services")) - {"numpy"}
    assert "scenes.theme" in modules_imported_by("scenes.mobjects")
