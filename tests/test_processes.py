"""Runs as processes: Ctrl-C and SIGTERM stop `lecture data` within 2 s with one line, its
workers die with it even when it is killed outright, `lecture render` stops its manim
processes, and one run writes an output at a time. These run `tests/support/fake_lecture.py`:
`lecture` whose training jobs only sleep and whose manim waits, then writes a tiny clip."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lecture.safety import ROOT, SafetyError, output_lock
from tests.support.hostile import alive

QUICK = Path(__file__).parent / "data" / "quick"
FAKE = Path(__file__).parent / "support" / "fake_lecture.py"


def _start_fake(args: list[str], markers: Path, **env) -> subprocess.Popen:
    markers.mkdir(exist_ok=True)
    return subprocess.Popen([sys.executable, str(FAKE), *args], cwd=ROOT,
                            env={**os.environ, "FAKE_MARKERS": str(markers), **env},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def _wait_for(markers: Path, what: str, count: int, proc, timeout: float = 60) -> list[int]:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        pids = [int(p.name.split("-")[1]) for p in markers.glob(f"{what}-*")]
        if len(pids) >= count:
            return pids
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.1)
    raise AssertionError(f"{count} {what} processes did not start")


def _gone_within(pids: list[int], seconds: float) -> bool:
    end = time.monotonic() + seconds
    while any(map(alive, pids)) and time.monotonic() < end:
        time.sleep(0.05)
    return not any(map(alive, pids))


@pytest.fixture
def reap():
    """Kill, at the end, whatever a failing test left running."""
    pids: list[int] = []
    yield pids
    for pid in pids:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_interrupted_data_stops_within_two_seconds(how, tmp_path, reap):
    proc = _start_fake(["data", "--quick", "--jobs", "2", "--out", str(tmp_path / "b")],
                       tmp_path / "markers")
    reap.append(proc.pid)
    workers = _wait_for(tmp_path / "markers", "job", 2, proc)
    reap.extend(workers)
    start = time.perf_counter()
    if how == "ctrl-c":
        os.killpg(proc.pid, signal.SIGINT)  # a terminal sends it to the whole group
    else:
        proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert time.perf_counter() - start < 2.0
    assert proc.returncode == 130
    assert err.splitlines()[-1] == "lecture: interrupted" and "Traceback" not in err
    assert _gone_within(workers, 1.0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["markers"]  # no lock, no partial


def test_killed_parent_leaves_no_worker(tmp_path, reap):
    proc = _start_fake(["data", "--quick", "--jobs", "2", "--out", str(tmp_path / "b")],
                       tmp_path / "markers")
    reap.append(proc.pid)
    workers = _wait_for(tmp_path / "markers", "job", 2, proc)
    reap.extend(workers)
    proc.kill()
    proc.communicate(timeout=30)
    assert _gone_within(workers, 5.0)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_render_stops_its_manim_children(sig, tmp_path, reap):
    proc = _start_fake(["render", "--only", "hook,rnn", "--quality", "low", "--voice", "none",
                        "--data", str(QUICK), "--out", str(tmp_path / "out")],
                       tmp_path / "markers")
    reap.append(proc.pid)
    children = _wait_for(tmp_path / "markers", "manim", 2, proc)
    reap.extend(children)
    start = time.perf_counter()
    proc.send_signal(sig)  # to the parent only: the children lead groups of their own
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and time.perf_counter() - start < 5.0
    assert err.splitlines()[-1] == "lecture: interrupted" and "Traceback" not in err
    assert _gone_within(children, 1.0)
    assert not list((tmp_path / "out" / "scenes").glob("*.json"))  # nothing passes for done
    assert not (tmp_path / "out" / ".lecture.lock").exists()


def test_two_runs_into_one_output(tmp_path, reap):
    out = tmp_path / "out"
    args = ["render", "--only", "hook", "--quality", "low", "--voice", "none", "--data",
            str(QUICK), "--out", str(out)]
    first = _start_fake(args, tmp_path / "markers", FAKE_MANIM_SECONDS="8")
    reap.append(first.pid)
    _wait_for(tmp_path / "markers", "manim", 1, first)
    waiting = _start_fake([*args, "--wait"], tmp_path / "markers", FAKE_MANIM_SECONDS="0")
    reap.append(waiting.pid)
    start = time.perf_counter()
    second = subprocess.run([sys.executable, "-m", "lecture.cli", *args], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert time.perf_counter() - start < 5.0  # refused at once, not after the first
    assert second.returncode == 2
    assert second.stderr == (f"lecture: error: {out}: in use by another run (pid {first.pid}: "
                             f"lecture {' '.join(args)}); wait for it to finish, or pass "
                             "--wait\n")
    first_out, first_err = first.communicate(timeout=60)
    assert first.returncode == 0, first_err
    record = json.loads((out / "scenes" / "01_hook.json").read_text())
    assert record["name"] == "hook" and record["duration"] == 1.0
    _, waiting_err = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, waiting_err
    assert f"waiting for another run to finish (pid {first.pid}: " in waiting_err
    assert (out / "logs" / "01_hook.log").exists()


def test_a_crashed_holder_releases_the_lock(tmp_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from lecture.safety import output_lock\n"
         "with output_lock(Path(sys.argv[1]), command='holder'):\n"
         "    print('held', flush=True); time.sleep(60)", str(tmp_path)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        with pytest.raises(SafetyError, match=f"in use by another run \\(pid {holder.pid}: "
                           "holder\\)"), output_lock(tmp_path, command="second"):
            pass
    finally:
        holder.kill()
        holder.wait()
    with output_lock(tmp_path, command="third"):
        assert (tmp_path / ".lecture.lock").read_text().endswith(": third\n")
    assert not (tmp_path / ".lecture.lock").exists()


def test_the_lock_never_follows_a_planted_link(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (tmp_path / ".lecture.lock").symlink_to(victim)
    with output_lock(tmp_path, command="test"):
        assert (tmp_path / ".lecture.lock").read_text().endswith(": test\n")
    assert victim.read_text() == "precious"
