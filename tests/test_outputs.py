"""Outputs never destroy what they did not make: `lecture data` replaces only an empty
directory or a bundle it wrote, in one atomic swap, and clears what a killed run left;
`render` and `build` refuse the repository, the home directory and `/`; no write follows a
link planted in an output. Each case asserts the exit status, the one line, and that nothing
beside the output changed."""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

import pytest

from bundle import DEFAULT_BUNDLE, BundleError, load_bundle, write_bundle
from bundle import files as bundle_files
from bundle import writer as bundle_writer
from bundle.files import open_new
from bundle.writer import check_replaceable, check_writable
from lecture.cli import main
from lecture.provenance import GENERATOR
from lecture.safety import ROOT
from tests.support import hostile

QUICK = Path(__file__).parent / "data" / "quick"


def _error(capsys) -> str:
    """The one line on stderr, which must be the whole of it."""
    err = capsys.readouterr().err
    assert err.startswith("lecture: error: ") and err.count("\n") == 1, err
    return err.strip()


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.is_symlink()}


@pytest.fixture
def quick_copy(tmp_path) -> Path:
    return hostile.copy_bundle(QUICK, tmp_path / "b")


def _user_dir(root: Path) -> None:
    (root / "sub").mkdir(parents=True)
    (root / "notes.txt").write_text("mine")
    (root / "sub" / "thesis.tex").write_text("mine too")


def _git_clone(root: Path) -> None:
    (root / ".git" / "objects").mkdir(parents=True)
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / "README").write_text("a repository")


def _bundle_and_notes(root: Path) -> None:
    hostile.copy_bundle(QUICK, root)
    (root / "notes.txt").write_text("mine")


def _other_tool(root: Path) -> None:
    hostile.copy_bundle(QUICK, root)
    hostile.edit_manifest(root, lambda m: m["generator"].update(name="another-tool"))


NOT_OURS = {
    "user files": (_user_dir, "not a bundle this tool wrote: it holds 'notes.txt', 'sub', "
                              "which replacing it would delete"),
    "git clone": (_git_clone, "not a bundle this tool wrote: it holds '.git', 'README'"),
    "our bundle plus notes": (_bundle_and_notes, "it holds 'notes.txt'"),
    "another tool's bundle": (_other_tool, "holds a bundle written by 'another-tool', not by "
                                           "'vanishing-gradients-animated'; refusing"),
}


@pytest.mark.parametrize("case", NOT_OURS)
def test_data_never_replaces_what_it_did_not_write(case, tmp_path, capsys):
    make, message = NOT_OURS[case]
    target = tmp_path / "target"
    make(target)
    (tmp_path / "beside.txt").write_text("next to the output")
    before = _tree(tmp_path)
    start = time.perf_counter()
    assert main(["data", "--quick", "--out", str(target)]) == 2
    assert time.perf_counter() - start < 5  # refused before any training
    assert message in _error(capsys)
    assert _tree(tmp_path) == before


def test_data_refuses_the_current_directory(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["data", "--quick", "--out", "."]) == 2
    assert "refusing to replace the current directory" in _error(capsys)
    assert list(tmp_path.iterdir()) == []


def test_data_refuses_a_symbolic_link_target(tmp_path, capsys):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    assert main(["data", "--quick", "--out", str(tmp_path / "link")]) == 2
    assert "link: is a symbolic link; give the bundle directory itself" in _error(capsys)


def test_our_bundles_stay_replaceable(tmp_path):
    check_replaceable(DEFAULT_BUNDLE, GENERATOR)  # the committed default is ours
    check_replaceable(QUICK, GENERATOR)
    (tmp_path / "empty").mkdir()
    check_replaceable(tmp_path / "empty", GENERATOR)  # an empty directory may be used


def _rewrite(root: Path) -> Path:
    b = load_bundle(root)
    return write_bundle(root, dict(b), config=b.config, vocab=b.vocab,
                        generator=b.manifest["generator"])


def test_replacing_a_bundle_is_one_exchange(quick_copy, monkeypatch):
    (quick_copy.parent / "beside.txt").write_text("kept")
    swaps = []
    real = bundle_files._exchange
    monkeypatch.setattr(bundle_files, "_exchange",
                        lambda a, b: swaps.append((a, b)) or real(a, b))
    _rewrite(quick_copy)
    assert len(swaps) == 1 and swaps[0][1] == quick_copy
    assert sorted(p.name for p in quick_copy.parent.iterdir()) == ["b", "beside.txt"]
    assert (quick_copy / "arrays.npz").read_bytes() == (QUICK / "arrays.npz").read_bytes()


def test_a_failed_swap_leaves_the_old_bundle(quick_copy, monkeypatch):
    before = _tree(quick_copy)

    def fails(a, b):
        raise OSError(5, "Input/output error", str(b))

    monkeypatch.setattr(bundle_files, "_exchange", fails)
    with pytest.raises(OSError):
        _rewrite(quick_copy)
    assert _tree(quick_copy) == before
    assert sorted(p.name for p in quick_copy.parent.iterdir()) == ["b"]


def test_a_change_during_training_is_not_replaced(quick_copy, monkeypatch):
    """Checked again just before the swap: a file added meanwhile stops the write."""
    b = load_bundle(quick_copy)
    real = bundle_writer._write_npz

    def meanwhile(path, arrays):
        (quick_copy / "added.txt").write_text("written during training")
        real(path, arrays)

    monkeypatch.setattr(bundle_writer, "_write_npz", meanwhile)
    with pytest.raises(BundleError, match="it holds 'added.txt'"):
        write_bundle(quick_copy, dict(b), config=b.config, vocab=b.vocab,
                     generator=b.manifest["generator"])
    assert (quick_copy / "added.txt").exists()
    assert sorted(p.name for p in quick_copy.parent.iterdir()) == ["b"]


def test_a_killed_write_is_cleared_by_the_next(tmp_path):
    target = tmp_path / "b"
    dead = tmp_path / ".b.dead1234.partial"  # what a killed write leaves
    dead.mkdir()
    (dead / "arrays.npz").write_bytes(b"half")
    running = tmp_path / ".b.live5678.partial"  # another write, still running
    running.mkdir()
    (running / "arrays.npz").write_bytes(b"in progress")
    odd = tmp_path / ".b.odd0000.partial"  # not a bundle's files: kept
    odd.mkdir()
    (odd / "mine.txt").write_text("mine")
    fd = os.open(running, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        check_writable(target, GENERATOR)
    finally:
        os.close(fd)
    assert not dead.exists()
    assert (running / "arrays.npz").read_bytes() == b"in progress"
    assert (odd / "mine.txt").read_text() == "mine"


@pytest.mark.parametrize("command", ["render", "build", "data"])
@pytest.mark.parametrize("place", ["repository", "home", "root", "package"])
def test_outputs_refuse_the_repository_home_and_root(command, place, tmp_path, capsys):
    where = {"repository": (ROOT, "it is the repository"),
             "home": (Path.home(), "it is your home directory"),
             "root": (Path("/"), "it is the root directory"),
             "package": (ROOT / "scenes" / "out", "it is inside the source package scenes/")}
    path, message = where[place]
    looked = path.parent if place == "package" else path
    before = _what_we_write(looked)
    args = [command, "--out", str(path)]
    if command != "data":
        args += ["--only", "hook", "--data", str(QUICK)]
    else:
        args += ["--quick"]
    assert main(args) == 2
    assert f"refusing to write here: {message}" in _error(capsys)
    assert _what_we_write(looked) == before


def _what_we_write(path: Path) -> set[str]:
    """The names a render or a bundle write would add (others may write in a shared home)."""
    return {n for n in os.listdir(path) if n in ("scenes", "logs", ".media", ".lecture.lock",
                                                 "out") or n.endswith((".partial", ".lock"))}


def test_a_directory_containing_the_repository_is_refused(capsys):
    assert main(["render", "--out", str(ROOT.parent)]) == 2
    assert f"it contains the repository ({ROOT})" in _error(capsys)


def test_writes_do_not_follow_planted_links(tmp_path, capsys):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    out = tmp_path / "out"
    out.mkdir()
    (out / "logs").symlink_to(tmp_path)  # a planted link to a directory: refused
    assert main(["render", "--only", "hook", "--data", str(QUICK), "--out", str(out)]) == 2
    assert "logs: is a symbolic link; refusing to write through it" in _error(capsys)
    planted = out / ".x.partial"  # a planted link at a file's temporary name: replaced
    planted.symlink_to(victim)
    with open_new(planted) as f:
        f.write("ours")
    assert victim.read_text() == "precious" and not planted.is_symlink()
