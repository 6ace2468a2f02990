"""Dependencies point one way: the contract imports neither side, models/ never imports
Manim or scenes/, scenes/ never imports torch or models/. Each package is imported alone in
a fresh interpreter and what it pulled in is checked."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

# module -> top-level packages it must not pull in
RULES = {
    "bundle": ("torch", "manim", "models", "scenes", "lecture"),
    "models.experiments": ("manim", "scenes", "lecture"),
    "scenes.acts": ("torch", "manim", "models"),  # the table of contents: no Manim
    "scenes.findings": ("torch", "manim", "models"),
    "scenes.numbers": ("torch", "manim", "models"),
    "scenes.names": ("torch", "manim", "models"),
    "scenes.lecture_scene": ("torch", "models"),
    "scenes.dry_run": ("torch", "models"),
    "scenes.acts.act09_highway": ("torch", "models"),
    "lecture.cli": ("torch", "manim", "scipy", "onnxruntime"),  # `lecture --help` stays fast
}


def imported_by(module: str) -> set[str]:
    code = f"import json, sys, {module}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    return {name.split(".")[0] for name in json.loads(out)}


@pytest.mark.parametrize("module", RULES)
def test_import_rules(module):
    pulled = imported_by(module)
    assert module.split(".")[0] in pulled  # the check itself works
    assert not pulled & set(RULES[module]), pulled & set(RULES[module])


def test_the_rules_can_fail():
    assert "torch" in imported_by("models.experiments")
    assert "manim" in imported_by("scenes.lecture_scene")
