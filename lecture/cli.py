"""``lecture``: build the data bundle, check it, render and assemble the lecture.

A thin shell: parse, call the domain functions, report. A user mistake becomes one line on
stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from rich.console import Console

from lecture.assemble import AssemblyError
from lecture.render import QUALITIES, RenderError
from lecture.voice import VOICES
from scenes.acts import ACTS
from scenes.bundle import DEFAULT_BUNDLE, BundleError, load_bundle

err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


class UserError(Exception):
    """A problem the user can fix; reported as one line."""


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args) or 0
    except (UserError, BundleError, RenderError, AssemblyError) as e:
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
        "`check` validates one; `render` renders scenes; `build` does the whole job.",
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

    for name in ("render", "build"):
        if name == "render":
            p = sub.add_parser("render", help="render scenes to video",
                               description="Render the lecture's scenes, each in its own "
                               "manim process, in parallel. A scene whose inputs (its code, "
                               "the theme, the bundle arrays it reads, quality, voice) have "
                               "not changed is skipped.")
            p.add_argument("--only", metavar="SCENE,...",
                           help="render only these scenes (names: "
                           f"{', '.join(a.name for a in ACTS)})")
        else:
            p = sub.add_parser("build", help="the whole job: bundle, render, assemble",
                               description="Build the lecture: make the bundle if it is "
                               "missing, render every scene that changed, and assemble "
                               "OUT/lecture.mp4 with chapters.txt, lecture.srt, "
                               "thumbnail.png and manifest.json.")
        p.add_argument("--quality", choices=list(QUALITIES), default="high",
                       help="low 480p15, medium 720p30, high 1080p60 (default), 4k 2160p60")
        p.add_argument("--data", type=Path, default=DEFAULT_BUNDLE, metavar="DIR",
                       help="bundle directory (default: %(default)s)")
        p.add_argument("--out", type=Path, default=Path("out"), metavar="DIR",
                       help="output directory (default: ./out)")
        p.add_argument("--voice", choices=list(VOICES), default="piper",
                       help="narration voice: piper (default; a neural voice, offline, flite "
                       "when it is not installed), flite, espeak, or none for a silent "
                       "track timed at 150 words a minute")
        p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                       help="scenes rendered at once (default: all cores, %(default)s)")
        p.set_defaults(func=cmd_render if name == "render" else cmd_build)

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


def cmd_render(args) -> int:
    from lecture.build import render

    _check_jobs(args.jobs)
    only = [n.strip() for n in args.only.split(",") if n.strip()] if args.only else None
    render(data=args.data, out=args.out, quality=args.quality, voice=args.voice,
           jobs=args.jobs, only=only, console=err)
    return 0


def cmd_build(args) -> int:
    from lecture.build import build

    _check_jobs(args.jobs)
    if not args.data.exists():
        err.print(f"no bundle at {args.data}: generating it", markup=False)
        cmd_data(argparse.Namespace(out=args.data, seed=0, quick=False, jobs=args.jobs))
    manifest = build(data=args.data, out=args.out, quality=args.quality, voice=args.voice,
                     jobs=args.jobs, console=err)
    video = manifest["video"]
    out.print(f"wrote {args.out / 'lecture.mp4'}: {video['duration']:.1f} s, "
              f"{video['width']}x{video['height']} at {video['fps']:g} fps, "
              f"{len(manifest['chapters'])} chapters")
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


if __name__ == "__main__":
    sys.exit(main())
