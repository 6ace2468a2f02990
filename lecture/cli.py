"""``lecture``: build the data bundle, check it, render and assemble the lecture.

A thin shell: parse, call the domain functions, report. A user mistake becomes one line on
stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from scenes.bundle import DEFAULT_BUNDLE, BundleError, load_bundle

ROOT = Path(__file__).resolve().parents[1]

err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


class UserError(Exception):
    """A problem the user can fix; reported as one line."""


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args) or 0
    except (UserError, BundleError) as e:
        err.print(f"lecture: error: {e}", markup=False, soft_wrap=True)
        return 2
    except KeyboardInterrupt:
        err.print("lecture: interrupted", markup=False)
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lecture",
        description="An animated lecture on the vanishing gradient problem, drawn from real "
        "PyTorch experiments. `data` trains and probes the models and writes a data bundle; "
        "`check` validates one.",
    )
    sub = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    p = sub.add_parser("data", help="train and probe the models, write a data bundle",
                       description="Train the RNNs, LSTMs and GRUs, probe their gradients and "
                       "gates, and write a bundle (manifest.json + arrays.npz). The bundle is "
                       "built beside the target and moved into place only when complete.")
    p.add_argument("--out", type=Path, default=DEFAULT_BUNDLE, metavar="DIR",
                   help="bundle directory (default: %(default)s)")
    p.add_argument("--seed", type=int, default=0, metavar="N", help="random seed (default: 0)")
    p.add_argument("--quick", action="store_true",
                   help="a small, fast run (shorter sequences, fewer steps) for previews and tests")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                   help="parallel training processes (default: all cores, %(default)s)")
    p.set_defaults(func=cmd_data)

    p = sub.add_parser("build", help="the whole job: make the bundle if missing, check it",
                       description="Build the lecture from a data bundle: generate the bundle "
                       "when the directory does not exist yet, then validate it.")
    p.add_argument("--data", type=Path, default=DEFAULT_BUNDLE, metavar="DIR",
                   help="bundle directory (default: %(default)s)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                   help="parallel processes (default: all cores, %(default)s)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("check", help="validate a bundle and summarise it",
                       description="Validate a bundle against schema_version 1 and print its "
                       "models, their final accuracies and how much the gradient shrinks from "
                       "the last step back to the first.")
    p.add_argument("bundle", type=Path, metavar="DIR", help="bundle directory")
    p.set_defaults(func=cmd_check)
    return parser


# ------------------------------------------------------------------------------- data


def _check_jobs(jobs: int) -> None:
    if jobs < 1:
        raise UserError(f"--jobs must be at least 1, got {jobs}")


def cmd_data(args) -> int:
    from scenes.bundle import check_writable

    _check_jobs(args.jobs)
    check_writable(args.out)
    from lecture.generate import generate_bundle

    generate_bundle(args.out, seed=args.seed, quick=args.quick, jobs=args.jobs, console=err)
    out.print(f"wrote {args.out}")
    summarise(args.out)
    return 0


# ------------------------------------------------------------------------------ build


def cmd_build(args) -> int:
    if not args.data.exists():
        err.print(f"no bundle at {args.data}: generating it", markup=False)
        cmd_data(argparse.Namespace(out=args.data, seed=0, quick=False, jobs=args.jobs))
    else:
        summarise(args.data)
    return 0


# ------------------------------------------------------------------------------ check


def cmd_check(args) -> int:
    summarise(args.bundle)
    return 0


def summarise(root: Path) -> None:
    """Validate and print: each model's final accuracy and gradient ratio first/last step."""
    bundle = load_bundle(root)
    cfg = bundle.config
    out.print(f"{root}: valid bundle, schema_version {bundle.manifest['schema_version']}, "
              f"seed {cfg.get('seed')}, T = {cfg.get('seq_len')}, {len(bundle)} arrays")
    out.print(f"  {'model':<14}{'accuracy':>9}  {'|dL/dh_1| / |dL/dh_T|':>22}")
    prefixes = sorted({k.rsplit('/train/accuracy', 1)[0] for k in bundle
                       if k.endswith("/train/accuracy")})
    for prefix in prefixes:
        acc = bundle[f"{prefix}/train/accuracy"][-1]
        norms = bundle[f"{prefix}/grad/h_norm"][-1]
        ratio = norms[0] / norms[-1] if norms[-1] else float("nan")
        out.print(f"  {prefix:<14}{acc:>9.3f}  {ratio:>22.3g}")


def git_commit() -> str | None:
    try:
        result = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"],
                                capture_output=True, text=True, timeout=5, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None


if __name__ == "__main__":
    sys.exit(main())
