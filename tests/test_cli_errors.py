"""One line for every user mistake, with untrusted names printed literally."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lecture.cli import main
from tests.support import hostile

QUICK = Path(__file__).parent / "data" / "quick"


_error = hostile.only_error_line


def test_check_summarises_a_bundle_with_an_extra_key(quick_copy, capsys):
    hostile.add_listed_array(quick_copy, "extra/train/accuracy", np.ones(3), "an extra run")
    assert main(["check", str(quick_copy)]) == 0
    assert "156 arrays" not in (text := capsys.readouterr().out) and "157 arrays" in text
    assert "\n  lstm " in text and "extra" not in text.split("\n", 2)[2]


@pytest.mark.parametrize("name", ["[red]x", "a[/]b"])
def test_untrusted_names_print_literally(name, tmp_path, capsys):
    root = hostile.copy_bundle(QUICK, tmp_path / name)
    assert main(["check", str(root)]) == 0
    assert capsys.readouterr().out.startswith(f"{root}: valid bundle")
    (root / "manifest.json").unlink()
    assert main(["check", str(root)]) == 2
    assert _error(capsys) == f"lecture: error: {root}/manifest.json: missing file"


def test_control_characters_stay_on_one_line(tmp_path, capsys):
    assert main(["check", str(tmp_path / "a\nb\x1b[31m")]) == 2
    assert "a\\nb\\x1b[31m: no such bundle directory" in _error(capsys)


def test_build_takes_only(tmp_path, capsys):
    out = str(tmp_path / "out")
    assert main(["build", "--only", "hook,nope", "--data", str(QUICK), "--out", out]) == 2
    assert "unknown scene 'nope'; choose from hook" in _error(capsys)
    assert main(["render", "--only", " , ", "--out", out]) == 2
    assert _error(capsys) == "lecture: error: --only names no scene"


def test_negative_seed(tmp_path, capsys):
    assert main(["data", "--seed", "-1", "--out", str(tmp_path / "b")]) == 2
    assert _error(capsys) == ("lecture: error: --seed -1: seed must be between 0 and "
                              "2147483647, got -1")
