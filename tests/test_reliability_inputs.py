"""Issue 15: every mistake is one short line and exit 2, never a traceback or a hang, and
nothing half-written is left: hostile ``--config`` files, paths that are not UTF-8, a full
disk under ``lecture data`` and under the assembly of ``lecture build``."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from bundle import BundleError, load_bundle, write_bundle
from lecture.cli import main

QUICK = Path(__file__).parent / "data" / "quick"
LECTURE = [sys.executable, "-m", "lecture.cli"]
MAX_LINE = 300


def _one_line(err: str) -> str:
    """The one short ``lecture: error:`` line that must be the whole of stderr."""
    assert err.startswith("lecture: error: ") and err.count("\n") == 1, err[:500]
    assert len(err) < MAX_LINE, err[:500]
    return err.strip()


def _refused(capsys, *argv: str) -> str:
    assert main(list(argv)) == 2
    return _one_line(capsys.readouterr().err)


# ------------------------------------------------------------------------ --config FILE


def _lecture(*argv: str) -> subprocess.CompletedProcess:
    """``lecture ARGV`` in its own process: a regression hangs or eats memory there, and the
    timeout ends it."""
    return subprocess.run([*LECTURE, *argv], capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).parent.parent)


@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_a_config_that_is_no_regular_file_is_refused_at_once(special, tmp_path):
    if special == "fifo":
        special = str(tmp_path / "run.toml")
        os.mkfifo(special)  # no writer: reading it would block for ever
    done = _lecture("data", "--config", special, "--show-config")
    assert done.returncode == 2
    line = _one_line(done.stderr)
    assert "not a regular file" in line and "a configuration is a small TOML file" in line


def _text(n: int, char: str = "x") -> str:
    return char * n


HOSTILE_CONFIGS = {
    "nested 100,000 deep": ("a = " + "[" * 100_000 + "]" * 100_000,
                            "invalid TOML (nested too deeply)"),
    "nested deeper than a configuration": ("sweep_models = [[[[1]]]]",
                                           "nested too deeply, at sweep_models[0][0][0]"),
    "a 50 MB string": (lambda: f'sweep_models = ["{_text(50_000_000)}"]',
                       "more than this reader's limit of 262,144 bytes"),
    "a 200 KB string": (f'sweep_models = ["lstm", "{_text(200_000)}"]',
                        "sweep_models[1] is a string of 200,000 characters ('xxx"),
    "a long string in a table": (f'[feedforward]\nx = "{_text(150)}"',
                                 "feedforward.x is a string of 150 characters"),
    "a 100 KB key": (f"{_text(100_000)} = 1", "a key of 100,000 characters"),
    "a dotted key of 100,000 parts": ("[" + ".".join(["a"] * 100_000) + "]",
                                      "a dotted name of more than 16 parts"),
    "a wide hex integer": (f"seed = 0x{_text(5000, 'f')}", "seed is an integer of 20,000 bits"),
    "an integer of 5,000 digits": (f"seed = {_text(5000, '9')}",
                                   "invalid TOML (an integer of more than 4300 digits)"),
    "not UTF-8": (b"seq_len = 40 # \xff\xfe\n", "invalid TOML (not UTF-8 text)"),
}


@pytest.mark.parametrize("case", HOSTILE_CONFIGS)
def test_a_hostile_config_is_one_short_line(case, tmp_path, capsys):
    content, message = HOSTILE_CONFIGS[case]
    content = content() if callable(content) else content  # 50 MB only while it runs
    path = tmp_path / "run.toml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    line = _refused(capsys, "data", "--config", str(path), "--show-config")
    assert line.startswith(f"lecture: error: {path}: ") and message in line


def test_a_directory_as_config(tmp_path, capsys):
    line = _refused(capsys, "data", "--config", str(tmp_path), "--show-config")
    assert line == (f"lecture: error: {tmp_path}: not a regular file (a directory); a "
                    "configuration is a small TOML file")


@pytest.mark.parametrize("item, message", [
    (f"sweep_models=lstm,{_text(100_000)}",
     "sweep_models got a value of 100,000 characters ('xxx"),
    (f"seed={_text(5000, '9')}", "seed got a value of 5,000 characters ('999"),
    (f"{_text(100_000)}=1", "unknown setting 'xxx"),
    (f"{_text(101)}=1", "no setting's name is that long"),
])
def test_a_huge_set_is_one_short_line(item, message, capsys):
    line = _refused(capsys, "data", "--set", item, "--show-config")
    assert line.startswith("lecture: error: --set ") and message in line


# --------------------------------------------------------------- paths that are not UTF-8


BAD = "x\udcff"  # what Python makes of the byte 0xff in a command line's path


@pytest.mark.parametrize("argv", [
    ["data", "--quick", "--out", "{tmp}/" + BAD],
    ["data", "--config", "{tmp}/" + BAD + ".toml"],
    ["render", "--data", "{tmp}/" + BAD, "--out", "{tmp}/out"],
    ["build", "--data", str(QUICK), "--out", "{tmp}/" + BAD],
    ["check", "{tmp}/" + BAD],
])
def test_a_path_that_is_not_utf8_is_refused_up_front(argv, tmp_path, capsys):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    line = _refused(capsys, *argv)
    assert f" {tmp_path}/x\\xff" in line, line
    assert line.endswith(": the path is not valid UTF-8; rename it"), line
    assert sorted(os.listdir(tmp_path)) == []  # nothing was created, not even a lock


def test_a_command_line_that_is_not_utf8_is_written_to_the_lock(tmp_path, capsys):
    """The lock names the command line; a byte that is not UTF-8 in it is escaped."""
    line = _refused(capsys, "render", "--only", BAD, "--data", str(QUICK),
                    "--out", str(tmp_path))
    assert "unknown scene 'x\\udcff'" in line
    assert not (tmp_path / ".lecture.lock").exists()


# ---------------------------------------------------------------------------- full disk


@pytest.fixture
def full_disk(tmp_path):
    """A 1 MiB tmpfs (root only), filled by :func:`_fill`; always unmounted after."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount = tmp_path / "full"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
                          capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {made.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:  # PyAV keeps the descriptor of an output whose header failed: detach lazily
        if subprocess.run(["umount", str(mount)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "--lazy", str(mount)], check=True)


def _fill(mount: Path) -> None:
    """Write to ``mount/filler`` until the disk is full."""
    with open(mount / "filler", "wb", buffering=0) as f:
        try:
            while f.write(bytes(1 << 12)):
                pass
        except OSError as e:
            assert e.errno == errno.ENOSPC


def _write_quick(target: Path) -> None:
    b = load_bundle(QUICK)
    write_bundle(target, dict(b), config=b.config, vocab=b.vocab,
                 generator=b.manifest["generator"])


def test_write_bundle_on_a_full_disk_leaves_nothing(full_disk):
    _fill(full_disk)
    with pytest.raises(BundleError) as info:
        _write_quick(full_disk / "b")
    assert str(info.value) == f"{full_disk / 'b'}: cannot write (No space left on device)"
    assert os.listdir(full_disk) == ["filler"]


def _fake_generate(monkeypatch, generate) -> None:
    """``lecture data`` with ``generate`` for its training and writing (torch unimported)."""
    fake = types.ModuleType("lecture.generate")
    fake.generate_bundle = generate
    monkeypatch.setitem(sys.modules, "lecture.generate", fake)


def test_data_on_a_full_disk_is_one_line(full_disk, monkeypatch, capsys):
    def generate(target, **kwargs):  # the disk fills up while the models train
        _fill(full_disk)
        _write_quick(target)

    _fake_generate(monkeypatch, generate)
    line = _refused(capsys, "data", "--quick", "--out", str(full_disk / "b"))
    assert line == f"lecture: error: {full_disk / 'b'}: cannot write (No space left on device)"
    assert os.listdir(full_disk) == ["filler"]  # no bundle, no temporary, no lock


def test_data_on_a_disk_full_from_the_start_is_one_line(full_disk, monkeypatch, capsys):
    _fake_generate(monkeypatch, lambda target, **kwargs: pytest.fail("it went on"))
    _fill(full_disk)
    line = _refused(capsys, "data", "--quick", "--out", str(full_disk / "b"))
    assert line == (f"lecture: error: {full_disk / '.b.lecture.lock'}: cannot write (No space "
                    "left on device)")
    assert os.listdir(full_disk) == ["filler"]


def test_a_write_that_fails_leaves_no_partial_bundle(tmp_path, monkeypatch):
    """Without root: the archive's write fails as on a full disk."""
    import bundle.writer as bundle_writer

    def full(path, arrays):
        path.write_bytes(b"half")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(bundle_writer, "_write_npz", full)
    with pytest.raises(BundleError, match="b: cannot write \\(No space left on device\\)$"):
        _write_quick(tmp_path / "b")
    assert os.listdir(tmp_path) == []


def test_any_other_full_disk_write_is_one_line_naming_its_path(tmp_path, monkeypatch, capsys):
    def generate(target, **kwargs):  # a write no domain code reports (a cache, a log)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "/var/cache/x")

    _fake_generate(monkeypatch, generate)
    line = _refused(capsys, "data", "--quick", "--out", str(tmp_path / "b"))
    assert line == "lecture: error: /var/cache/x: No space left on device"


def _clips(folder: Path) -> list:
    """Two one-second grey scenes, 64x48 at 15 fps."""
    import av

    from lecture.assemble import SceneClip

    clips = []
    for i, name in enumerate(["hook", "rnn"], 1):
        path = folder / f"{i:02d}_{name}.mp4"
        with av.open(str(path), "w") as c:
            s = c.add_stream("libx264", rate=15)
            s.width, s.height, s.pix_fmt = 64, 48, "yuv420p"
            for _ in range(15):
                frame = np.full((48, 64, 3), 100, np.uint8)
                c.mux(s.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")))
            c.mux(s.encode())
        clips.append(SceneClip(name, name.title(), path))
    return clips


def test_assembly_on_a_full_disk_is_one_line(full_disk, tmp_path, monkeypatch, capsys):
    """PyAV's error is an OSError too: ``lecture build`` reports it as one line."""
    import lecture.build
    from lecture.assemble import assemble_lecture

    clips = _clips(tmp_path)

    def build(*, out, **kwargs):  # the scenes are rendered; the disk fills up
        _fill(full_disk)
        return assemble_lecture(clips, out, {})

    monkeypatch.setattr(lecture.build, "build", build)
    line = _refused(capsys, "build", "--data", str(QUICK), "--out", str(full_disk))
    assert line == (f"lecture: error: {full_disk / 'lecture.mp4'}: cannot write (No space "
                    "left on device)")
    assert os.listdir(full_disk) == ["filler"]
