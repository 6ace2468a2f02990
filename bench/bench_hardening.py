"""Try every case of the hardening issue against a checkout and print what happened.

    .venv/bin/python bench/bench_hardening.py [--root CHECKOUT] [--only CASE,...]

``--root`` is the code to try (default: this checkout); run it once on an older commit
(``git archive COMMIT | tar -x -C /tmp/old``) and once here to get the before/after table.
Every case works in a scratch directory under /tmp: the cases that would write into the
repository run against a copy of ``--root``, and the ``--out /`` case hides LaTeX from PATH so
that an unprotected version stops at its LaTeX check before it writes anything there.
Rows: case, exit status, wall seconds, peak memory of the command, its last line, and what
the case checks (files kept, workers left, ...). All cases take several minutes (two render
the hook scene; on an unprotected version one decompresses 2 GiB and the interrupt cases wait
for training runs to end): pick some with --only.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE / "tests"))

import hostile  # noqa: E402

QUICK = HERE / "tests" / "data" / "quick"
LIMIT_MB = 200


class Checkout:
    def __init__(self, root: Path, scratch: Path):
        self.root, self.scratch = root, scratch
        self.python = str(HERE / ".venv" / "bin" / "python")

    def env(self, root: Path | None = None, **extra) -> dict:
        env = {**os.environ, "PYTHONPATH": str(root or self.root), "COLUMNS": "200"}
        env.update(extra)
        return env

    def cmd(self, *args: str) -> list[str]:
        return [self.python, "-m", "lecture.cli", *args]

    def start(self, args, *, cwd=None, root=None, limit_mb=None, env=None, timed=None):
        def limit():
            os.setsid()
            if limit_mb:
                size = limit_mb << 20
                resource.setrlimit(resource.RLIMIT_DATA, (size, size))

        cmd = self.cmd(*args)
        if timed:  # GNU time writes the command's peak RSS (kB) to this file
            cmd = ["/usr/bin/time", "-q", "-f", "%M", "-o", str(timed), *cmd]
        # Output to files, not pipes: workers that outlive the command would hold a pipe.
        self.runs = getattr(self, "runs", 0) + 1
        logs = self.scratch / f".out{self.runs}", self.scratch / f".err{self.runs}"
        with open(logs[0], "w") as out, open(logs[1], "w") as err:
            proc = subprocess.Popen(cmd, cwd=cwd or self.scratch, env=env or self.env(root),
                                    stdout=out, stderr=err, text=True, preexec_fn=limit)
        proc.logs = logs
        return proc

    def run(self, args, *, timeout=600.0, **kw) -> dict:
        start = time.perf_counter()
        timed = self.scratch / ".peak"
        proc = self.start(args, timed=timed, **kw)
        result = finish(proc, start, timeout)
        try:
            result["peak_mb"] = int(timed.read_text().split()[-1]) // 1024
        except (OSError, ValueError, IndexError):
            result["peak_mb"] = None
        return result


def finish(proc, start, timeout) -> dict:
    try:
        proc.wait(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        timed_out = True
    seconds = time.perf_counter() - start
    out, err = (path.read_text(errors="replace") for path in proc.logs)
    lines = [ln for ln in (err or out).splitlines() if ln.strip()]
    return {"rc": "timeout" if timed_out else proc.returncode, "seconds": round(seconds, 2),
            "line": (lines[-1] if lines else "")[:160],
            "tracebacks": (out + err).count("Traceback")}


def bundle(co: Checkout, name: str) -> Path:
    return hostile.copy_bundle(QUICK, co.scratch / name)


# --------------------------------------------------------------------------- the cases


def case_user_dir(co):
    target = co.scratch / "thesis"
    (target / "sub").mkdir(parents=True)
    (target / "notes.txt").write_text("mine")
    (target / "sub" / "thesis.tex").write_text("mine")
    r = co.run(["data", "--quick", "--out", str(target)])
    r["check"] = "notes.txt and sub/thesis.tex " + (
        "kept" if (target / "notes.txt").exists() and (target / "sub" / "thesis.tex").exists()
        else "DELETED")
    return "lecture data --quick --out DIR (DIR holds notes.txt, sub/thesis.tex)", r


def case_git_clone(co):
    origin = co.scratch / "origin"
    origin.mkdir()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "-q", str(origin)], check=True)
    (origin / "README").write_text("a repository")
    subprocess.run([*git, "-C", str(origin), "add", "README"], check=True)
    subprocess.run([*git, "-C", str(origin), "commit", "-qm", "one"], check=True)
    clone = co.scratch / "clone"
    subprocess.run(["git", "clone", "-q", str(origin), str(clone)], check=True)
    r = co.run(["data", "--quick", "--out", str(clone)])
    r["check"] = "clone " + ("kept" if (clone / ".git").is_dir() and (clone / "README").exists()
                             else "DELETED")
    return "lecture data --quick --out CLONE (a git clone)", r


def case_data_out_dot(co):
    empty = co.scratch / "empty"
    empty.mkdir()
    r = co.run(["data", "--quick", "--out", "."], cwd=empty)
    return "cd EMPTY && lecture data --quick --out .", r


def _copy_checkout(co) -> Path:
    repo = co.scratch / "repo"
    shutil.copytree(co.root, repo, ignore=shutil.ignore_patterns(
        ".venv", ".git", "out", "__pycache__", "*.egg-info"))
    return repo


def case_out_repo_root(co):
    repo = _copy_checkout(co)
    before = sorted(p.name for p in (repo / "scenes").iterdir())
    r = co.run(["render", "--only", "hook", "--quality", "low", "--voice", "none", "--out",
                "."], cwd=repo, root=repo)
    after = sorted(p.name for p in (repo / "scenes").iterdir())
    new = sorted(set(after) - set(before))
    r["check"] = f"new in the scenes/ package: {', '.join(new) or 'nothing'}"
    return "cd REPO && lecture render --only hook --quality low --voice none --out .", r


def case_out_root(co):
    env = co.env(PATH=str(co.scratch))  # no latex: an unprotected render stops before writing
    r = co.run(["render", "--only", "hook", "--quality", "low", "--out", "/"], env=env)
    return "PATH=/nowhere lecture render --only hook --out /", r


def case_out_home(co):
    env = co.env(PATH=str(co.scratch))
    r = co.run(["render", "--only", "hook", "--quality", "low", "--out",
                str(Path.home())], env=env)
    return "PATH=/nowhere lecture render --only hook --out ~", r


def case_zip_bomb(co):
    root = bundle(co, "bomb")
    hostile.add_zip_bomb(root)
    size = (root / "arrays.npz").stat().st_size / 1e6
    r = co.run(["check", str(root)], limit_mb=LIMIT_MB, timeout=120)
    r["check"] = f"arrays.npz {size:.1f} MB holding 2 GiB of zeros; RLIMIT_DATA {LIMIT_MB} MB"
    return f"lecture check BOMB (under a {LIMIT_MB} MB data limit)", r


def case_zip_bomb_unlimited(co):
    root = bundle(co, "bomb2")
    hostile.add_zip_bomb(root)
    r = co.run(["check", str(root)], timeout=300)
    return "lecture check BOMB (no limit)", r


def case_dev_zero(co):
    root = bundle(co, "zero")
    hostile.manifest_to(root, "/dev/zero")
    r = co.run(["check", str(root)], limit_mb=LIMIT_MB, timeout=60)
    return f"lecture check B (manifest.json -> /dev/zero; {LIMIT_MB} MB data limit)", r


def case_fifo(co):
    root = bundle(co, "fifo")
    hostile.manifest_fifo(root)
    r = co.run(["check", str(root)], timeout=10)
    return "lecture check B (manifest.json is a FIFO; killed after 10 s)", r


def case_not_npy(co):
    root = bundle(co, "notnpy")
    hostile.add_entry(root, "notes.txt", b"not an array")
    return "lecture check B (arrays.npz holds notes.txt)", co.run(["check", str(root)])


def case_not_npy_listed(co):
    root = bundle(co, "notnpy2")
    hostile.add_entry(root, "notes.txt", b"not an array")
    hostile.edit_manifest(root, lambda m: m["arrays"].update({"notes.txt": {
        "shape": [12], "dtype": "uint8", "sha256": "0" * 64, "description": "notes"}}))
    return "lecture check B (arrays.npz holds notes.txt, listed)", co.run(["check", str(root)])


def case_deep_json(co):
    root = bundle(co, "deep")
    hostile.deep_json(root)
    return "lecture check B (manifest nested 200,000 deep)", co.run(["check", str(root)])


def case_big_int(co):
    root = bundle(co, "bigint")
    hostile.huge_integer(root)
    return "lecture check B (a 5,000-digit integer in the manifest)", co.run(["check",
                                                                             str(root)])


def case_extra_key(co):
    root = bundle(co, "extra")
    import numpy as np

    hostile.add_listed_array(root, "extra/train/accuracy", np.ones(3), "an extra run's "
                             "accuracy")
    return "lecture check B (extra listed key extra/train/accuracy)", co.run(["check",
                                                                             str(root)])


def case_markup_dir(co):
    root = hostile.copy_bundle(QUICK, co.scratch / "[red]x")
    r = co.run(["check", str(root)])
    proc = co.start(["check", str(root)])
    proc.wait()
    out = proc.logs[0].read_text()
    r["line"] = out.splitlines()[0][:160] if out else r["line"]
    return "lecture check '[red]x' (a valid bundle)", r


def case_markup_close(co):
    root = hostile.copy_bundle(QUICK, co.scratch / "a[/]b")
    return "lecture check 'a[/]b' (a valid bundle)", co.run(["check", str(root)])


def _children(pid: int) -> list[int]:
    kids = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids += [int(k) for k in (task / "children").read_text().split()]
        except OSError:
            pass
    return kids


def _outlived(kids: list[int], limit: float = 180) -> str:
    """How many of ``kids`` live 5 s after their parent ended, and how long the last one
    lived (watched up to ``limit`` s, then killed: they were started by this script)."""
    start = time.monotonic()
    time.sleep(5)
    alive = sum(map(hostile.alive, kids))
    while any(map(hostile.alive, kids)) and time.monotonic() - start < limit:
        time.sleep(1)
    lived = time.monotonic() - start
    for pid in kids:
        if hostile.alive(pid):
            os.kill(pid, signal.SIGKILL)
    if not alive:
        return f"workers alive 5 s after the parent: 0 of {len(kids)}"
    return (f"workers alive 5 s after the parent: {alive} of {len(kids)}; the last lived "
            f"{'more than ' if lived >= limit else ''}{lived:.0f} s past it")


def _wait_for_children(proc, count: int, timeout: float) -> list[int]:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        kids = _children(proc.pid)
        if len(kids) >= count:
            return kids
        time.sleep(0.2)
    return _children(proc.pid)


def case_ctrl_c_data(co):
    """SIGINT to the whole process group, as a terminal's Ctrl-C does."""
    target = co.scratch / "ctrlc"
    proc = co.start(["data", "--jobs", "2", "--out", str(target)])
    _wait_for_children(proc, 2, 30)
    time.sleep(6)  # the workers are training
    start = time.perf_counter()
    os.killpg(proc.pid, signal.SIGINT)
    r = finish(proc, start, 300)
    r["check"] = f"tracebacks on stderr: {r['tracebacks']}"
    return "lecture data --jobs 2 --out DIR, Ctrl-C (SIGINT to the group) after 6 s", r


def case_sigterm_data(co):
    target = co.scratch / "term"
    proc = co.start(["data", "--jobs", "2", "--out", str(target)])
    kids = _wait_for_children(proc, 2, 30)
    time.sleep(6)
    start = time.perf_counter()
    proc.send_signal(signal.SIGTERM)
    r = finish(proc, start, 120)
    r["check"] = _outlived(kids)
    return "lecture data --jobs 2 --out DIR, SIGTERM to the parent after 6 s", r


def case_kill_parent(co):
    target = co.scratch / "killed"
    proc = co.start(["data", "--jobs", "2", "--out", str(target)])
    kids = [k for k in _wait_for_children(proc, 2, 30)]
    time.sleep(6)
    start = time.perf_counter()
    proc.kill()
    r = finish(proc, start, 30)
    r["check"] = _outlived(kids)
    return "lecture data --jobs 2 --out DIR, SIGKILL to the parent after 6 s", r


def _render(co, out: Path):
    return co.start(["render", "--only", "hook", "--quality", "low", "--voice", "none",
                     "--out", str(out)])


def case_sigterm_render(co):
    proc = _render(co, co.scratch / "render-term")
    kids = _wait_for_children(proc, 1, 30)
    time.sleep(3)
    start = time.perf_counter()
    proc.send_signal(signal.SIGTERM)
    r = finish(proc, start, 60)
    time.sleep(2)
    r["check"] = f"manim children alive 2 s later: {sum(map(hostile.alive, kids))}"
    for pid in kids:
        if hostile.alive(pid):
            os.killpg(pid, signal.SIGKILL) if os.getpgid(pid) == pid else os.kill(
                pid, signal.SIGKILL)
    return "lecture render --only hook --quality low --voice none, SIGTERM after 3 s", r


def case_sigint_render(co):
    proc = _render(co, co.scratch / "render-int")
    kids = _wait_for_children(proc, 1, 30)
    time.sleep(3)
    start = time.perf_counter()
    proc.send_signal(signal.SIGINT)  # to the parent only, as `kill -INT` does
    r = finish(proc, start, 120)
    r["check"] = f"manim children alive after: {sum(map(hostile.alive, kids))}"
    return "lecture render --only hook ..., SIGINT to the parent only after 3 s", r


def case_two_builds(co):
    out = co.scratch / "shared-out"
    start = time.perf_counter()
    first = _render(co, out)
    time.sleep(1.0)
    second = _render(co, out)
    r2 = finish(second, start, 300)
    r1 = finish(first, start, 300)
    logs = sorted(p.name for p in (out / "logs").glob("*")) if (out / "logs").exists() else []
    r = {"rc": f"{r1['rc']} and {r2['rc']}", "seconds": r2["seconds"],
         "line": f"first: {r1['line'][:70]} | second: {r2['line'][:90]}",
         "tracebacks": r1["tracebacks"] + r2["tracebacks"],
         "check": f"logs: {', '.join(logs)}"}
    return "two `lecture render --only hook --quality low --voice none --out SAME` at once", r


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=HERE)
    parser.add_argument("--only", help=f"comma-separated cases: {', '.join(CASES)}")
    args = parser.parse_args()
    names = args.only.split(",") if args.only else list(CASES)
    for name in names:
        scratch = Path(tempfile.mkdtemp(prefix=f"hardening-{name}-"))
        co = Checkout(args.root.resolve(), scratch)
        try:
            command, result = CASES[name](co)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        print(json.dumps({"case": name, "command": command, **result}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
