"""A reader with limits: hostile bundles (a zip bomb, a /dev/zero or FIFO manifest, deep
JSON, entries that are not arrays, vocabularies that do not fit) are refused with one line,
fast, and within a 200 MB data limit; arrays are hashed without a copy, and a scene's process
decompresses only what the scene reads."""

from __future__ import annotations

import resource
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest

from bundle import BundleError, load_bundle
from bundle import archive as bundle_archive
from bundle import writer as bundle_writer
from bundle.reader import MAX_MANIFEST_BYTES, array_sha256
from lecture.cli import main
from lecture.provenance import ROOT
from tests.support import hostile

QUICK = Path(__file__).parent / "data" / "quick"
LIMIT_MB = 200


_error = hostile.only_error_line


def _run_check(root: Path, timeout: float = 60) -> tuple[int, str, float]:
    """``lecture check`` in a child process whose data segment (heap and anonymous maps,
    where decompressed arrays go) is limited to LIMIT_MB."""
    def limit():
        size = LIMIT_MB << 20
        resource.setrlimit(resource.RLIMIT_DATA, (size, size))

    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "lecture.cli", "check", str(root)],
                          capture_output=True, text=True, timeout=timeout, preexec_fn=limit,
                          cwd=ROOT)
    return proc.returncode, proc.stderr, time.perf_counter() - start


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory) -> Path:
    root = hostile.copy_bundle(QUICK, tmp_path_factory.mktemp("bomb") / "b")
    hostile.add_zip_bomb(root)
    return root


def test_zip_bomb_is_refused_before_decompressing(zip_bomb):
    assert (zip_bomb / "arrays.npz").stat().st_size < 5 << 20
    start = time.perf_counter()
    with pytest.raises(BundleError, match="arrays.npz: its arrays take 2 GiB decompressed, "
                       "more than this reader's limit of 256 MiB"):
        load_bundle(zip_bomb)
    assert time.perf_counter() - start < 1.0
    code, err, _ = _run_check(zip_bomb)
    assert code == 2 and err.count("\n") == 1 and "its arrays take 2 GiB" in err


def test_a_lie_in_the_directory_is_caught_before_reading(quick_copy):
    """The archive's declared size must be exactly what the header describes."""
    entries = hostile.entries_of(quick_copy)
    entries["scalar/w.npy"] = hostile.Zeros(hostile.npy_header((3,), "float64"), 1 << 20)
    hostile.write_zip(quick_copy / "arrays.npz", entries)
    with pytest.raises(BundleError, match="scalar/w declares 1,048,704 bytes but its header "
                       "describes 152"):
        load_bundle(quick_copy)


@pytest.mark.parametrize("target", ["/dev/zero", "fifo"])
def test_special_manifests_are_refused_without_reading(target, quick_copy):
    if target == "fifo":
        hostile.manifest_fifo(quick_copy)
        kind = "a FIFO"
    else:
        hostile.manifest_to(quick_copy, target)
        kind = "a character device"
    code, err, seconds = _run_check(quick_copy, timeout=30)  # a blocked read would time out
    assert code == 2, err
    assert err == (f"lecture: error: {quick_copy}/manifest.json: not a regular file ({kind}); "
                   "refusing to read it\n")
    start = time.perf_counter()
    with pytest.raises(BundleError, match=f"not a regular file \\({kind}\\)"):
        load_bundle(quick_copy)
    assert time.perf_counter() - start < 1.0


def test_an_oversized_manifest_is_refused(quick_copy):
    with open(quick_copy / "manifest.json", "a") as f:
        f.write(" " * MAX_MANIFEST_BYTES)
    with pytest.raises(BundleError, match="more than this reader's limit of 4,194,304 bytes"):
        load_bundle(quick_copy)


def _unsupported_compression(root: Path) -> None:
    with zipfile.ZipFile(root / "arrays.npz", "a") as zf:
        zf.writestr(zipfile.ZipInfo("extra/x.npy"), b"...", compress_type=zipfile.ZIP_BZIP2)
    hostile.edit_manifest(root, lambda m: m["arrays"].update({"extra/x": {
        "shape": [], "dtype": "float64", "sha256": "0" * 64, "description": "x"}}))


def _classes(root: Path) -> None:
    hostile.edit_manifest(root, lambda m: m["vocab"]["recall"]["classes"].pop())


def _set_array(root: Path, key: str, edit) -> None:
    """Rewrite one array of the bundle at ``root`` (its checksum too): a bundle that breaks
    only the contract's value rules."""
    arrays = {k: v for k, v in np.load(root / "arrays.npz").items()}
    arrays[key] = edit(arrays[key].copy())
    bundle_writer._write_npz(root / "arrays.npz", arrays)
    hostile.edit_manifest(root, lambda m: m["arrays"][key].update(
        sha256=array_sha256(arrays[key])))


def _norms_at(value: float):
    return lambda root: _set_array(root, "rnn_tanh/grad/h_norm",
                                   lambda a: np.full_like(a, value))


def _token_out_of_range(root: Path) -> None:
    hostile.edit_manifest(root, lambda m: m["vocab"]["cuisine"].update(
        tokens=m["vocab"]["cuisine"]["tokens"][:-1] + ["fish"]))
    arrays = {k: v for k, v in np.load(root / "arrays.npz").items()}
    tokens = arrays["cuisine/lstm/probe/tokens"].copy()
    tokens[3] = 99
    arrays["cuisine/lstm/probe/tokens"] = tokens
    bundle_writer._write_npz(root / "arrays.npz", arrays)
    hostile.edit_manifest(root, lambda m: m["arrays"]["cuisine/lstm/probe/tokens"].update(
        sha256=array_sha256(tokens)))


HOSTILE = {
    "zip entry that is not .npy": (
        lambda root: hostile.add_entry(root, "notes.txt", b"not an array"),
        "arrays.npz: entry 'notes.txt' is not a .npy array"),
    "deep JSON": (hostile.deep_json, "manifest.json: invalid JSON (nested too deeply)"),
    "5,000-digit integer": (hostile.huge_integer,
                            "manifest.json: invalid JSON (an integer of more than 4300 digits)"),
    "key outside the archive's names": (
        lambda root: hostile.edit_manifest(root, lambda m: m["arrays"].update(
            {"../x": m["arrays"]["scalar/w"]})),
        "manifest.json: invalid key '../x'"),
    "compression numpy never writes": (_unsupported_compression,
                                       "entry 'extra/x.npy' uses compression method 12"),
    "schema_version true": (lambda root: hostile.edit_manifest(
        root, lambda m: m.update(schema_version=True)), "unknown schema_version True"),
    "vocab that is not words": (
        lambda root: hostile.edit_manifest(root, lambda m: m["vocab"]["recall"].update(
            tokens=[1, 2])), "vocab 'recall' tokens holds 1, not a word"),
    "classes and readout disagree": (_classes, "vocab 'recall' has 3 classes but "
                                               "rnn_tanh/param/head_weight has C = 4"),
    "word id outside the vocabulary": (
        _token_out_of_range, "cuisine/lstm/probe/tokens holds id 99, outside the "
                             "vocabulary's 26 tokens"),
    # issue 15: the ratio of two norms is said aloud, so it must be a float64 (not inf or 0)
    "denormal gradient norm": (_norms_at(5e-324), "rnn_tanh/grad/h_norm holds 4.94e-324: a "
                               "gradient norm must be exactly 0 or between 1e-150 and 1e+150"),
    "huge gradient norm": (_norms_at(1e300), "rnn_tanh/grad/h_norm holds 1e+300: a gradient "
                           "norm must be exactly 0 or between 1e-150 and 1e+150"),
    "negative gradient norm": (_norms_at(-1.0), "rnn_tanh/grad/h_norm holds -1: a norm is "
                               "never negative"),
    # every word is drawn on screen
    "a word longer than 20 characters": (
        lambda root: hostile.edit_manifest(root, lambda m: m["vocab"]["recall"]["classes"]
                                           .__setitem__(0, "w" * 21)),
        "vocab 'recall' classes holds 'wwwwwwwwwwwwwwwwwwwww', not a word of at most 20 "
        "printable characters"),
    "config without seq_len": (
        lambda root: hostile.edit_manifest(root, lambda m: m["config"].pop("seq_len")),
        "config 'seq_len' must be a non-negative integer, not None"),
    "seq_len that is not T": (
        lambda root: hostile.edit_manifest(root, lambda m: m["config"].update(seq_len=7)),
        "config 'seq_len' is 7 but rnn_tanh/probe/tokens has T = 20"),
    "generator without torch": (
        lambda root: hostile.edit_manifest(root, lambda m: m["generator"].pop("torch")),
        "generator 'torch' must be a line of text"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_bundle_is_one_clear_line(case, quick_copy, capsys):
    breaker, message = HOSTILE[case]
    breaker(quick_copy)
    with pytest.raises(BundleError) as info:
        load_bundle(quick_copy)
    assert message in str(info.value) and "\n" not in str(info.value)
    assert main(["check", str(quick_copy)]) == 2
    assert message in _error(capsys)


def test_hashing_copies_nothing():
    array = np.zeros(50 << 17)  # 50 MiB
    tracemalloc.start()
    try:
        digest = array_sha256(array)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20
    import hashlib

    assert digest == hashlib.sha256(array.tobytes()).hexdigest()
    fortran = np.asfortranarray(np.arange(12.0).reshape(3, 4))
    assert array_sha256(fortran) == hashlib.sha256(fortran.tobytes(order="C")).hexdigest()
    assert array_sha256(np.float64(2.5)) == hashlib.sha256(np.float64(2.5).tobytes()).hexdigest()


def test_a_scene_decompresses_only_what_it_reads(monkeypatch):
    reads, opened = [], []
    real, real_open = bundle_archive.Archive.read, zipfile.ZipFile.open
    monkeypatch.setattr(bundle_archive.Archive, "read",
                        lambda self, key: reads.append(key) or real(self, key))
    monkeypatch.setattr(zipfile.ZipFile, "open",
                        lambda self, info, *a, **k: opened.append(info) or real_open(
                            self, info, *a, **k))
    b = load_bundle(QUICK, keys=("lstm/grad", "scalar/w"), verify_all=False)
    assert sorted(b) == sorted(reads) == ["lstm/grad/c_norm", "lstm/grad/h_norm",
                                          "lstm/grad/step", "scalar/w"]
    assert len(opened) == 2 * 4  # each one's header, then its data: nothing else
    assert b.keys_under(["gru/probe"])  # what it did not load is still listed
    reads.clear()
    parent = load_bundle(QUICK, keys=())  # the renderer: every array checked, none held
    assert len(parent) == 0 and len(reads) == len(parent.manifest["arrays"])


def test_scene_setup_loads_only_its_reads(monkeypatch, tmp_path):
    """The base scene asks for its act's ``reads`` alone (one load per render process)."""
    from scenes import lecture_scene
    from scenes.acts import Act

    monkeypatch.chdir(tmp_path)  # the speech service makes its cache under ./media

    calls = []

    class Loaded(Exception):
        pass

    def spy(root, keys=None, **kwargs):
        calls.append((keys, kwargs))
        raise Loaded

    monkeypatch.setattr(lecture_scene, "load_bundle", spy)
    monkeypatch.setenv("LECTURE_VOICE", "none")

    class Reader(lecture_scene.LectureScene):
        act = Act("reader", "none", "Reader", "Reading", reads=("scalar", "lstm/grad"))

    with pytest.raises(Loaded):
        Reader().setup()
    assert calls == [(("scalar", "lstm/grad"), {"verify_all": False})]
