"""``lecture``: build the data bundle, check it, render and assemble the lecture.

A thin shell: parse, call the domain functions, report. A user mistake becomes one line on
stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

from rich.console import Console

from bundle import DEFAULT_BUNDLE, BundleError, load_bundle
from bundle.contract import grad_key, train_key
from bundle.files import WRITE_ERRNOS
from lecture.assemble import LOUDNESS_RANGE, LOUDNESS_TARGET, AssemblyError
from lecture.configure import add_config_options
from lecture.deck import DeckError
from lecture.interrupts import exit_now, interrupts_raise
from lecture.render import QUALITIES, RenderError
from lecture.safety import SafetyError
from models.config import ConfigError
from scenes.acts import ACTS
from scenes.story.findings import Findings, gradient_ratio
from scenes.voice.names import DEFAULT_VOICE, VOICES

# How ``lecture script`` marks each kind of line: said, shown, or a picture described
MARKS = {"say": "", "show": "[shows] ", "describe": "[on screen] "}

# markup=False: paths, keys and names are printed literally (a directory named "[red]x").
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)
out = Console(highlight=False, soft_wrap=True, markup=False)


class UserError(Exception):
    """A problem the user can fix; reported as one line."""


def _disk_problem(e: OSError) -> str:
    """A failed write that no domain code reported as its own (a cache, a log: the outputs'
    writes are, through :func:`bundle.files.writing`): ``path: No space left on device``."""
    reason = e.strerror or os.strerror(e.errno)
    return f"{e.filename}: {reason}" if e.filename else f"cannot write ({reason})"


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    as_program, argv = argv is None, sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    args.command = shlex.join(["lecture", *argv])  # names this run to a second one
    try:
        with interrupts_raise():  # SIGTERM too: every cleanup runs, then one line
            _check_paths(args)
            return args.func(args) or 0
    except (UserError, BundleError, RenderError, AssemblyError, SafetyError, ConfigError,
            DeckError) as e:
        err.print(f"lecture: error: {_literal(str(e))}", markup=False, soft_wrap=True)
        return 2
    except OSError as e:
        if e.errno not in WRITE_ERRNOS:  # a full disk, no permission: never a bug
            raise
        err.print(f"lecture: error: {_literal(_disk_problem(e))}", markup=False,
                  soft_wrap=True)
        return 2
    except KeyboardInterrupt:
        err.print("lecture: interrupted", markup=False)
        if as_program:  # everything is undone by now; skip the interpreter's slow teardown
            exit_now(130)
        return 130


def _check_paths(args) -> None:
    """Refuse, before any work, a path argument that is not valid UTF-8 (Python holds its
    undecodable bytes as surrogate escapes): PyAV, the manifests and the printed lines
    cannot carry it."""
    for name, value in vars(args).items():
        shown = _not_utf8(value) if isinstance(value, Path) else None
        if shown is not None:
            option = "" if name == "bundle" else f"--{name.replace('_', '-')} "
            raise UserError(f"{option}{shown}: the path is not valid UTF-8; rename it")


def _not_utf8(path: Path) -> str | None:
    """None for a path that is valid UTF-8; else the path with each byte that is not
    escaped as the shell writes it: ``/tmp/x\\xff``."""
    text = str(path)
    try:
        text.encode("utf-8")
        return None
    except UnicodeEncodeError:
        pass
    try:
        raw = os.fsencode(text)  # the bytes the command line held
    except UnicodeEncodeError:  # a lone surrogate that no file name's bytes decode to
        return text.encode("utf-8", "backslashreplace").decode("ascii")
    return raw.decode("utf-8", "backslashreplace")


def _literal(text: str) -> str:
    """Untrusted text (paths, keys, names) on one line: control characters escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _add_wait(p: argparse.ArgumentParser) -> None:
    p.add_argument("--wait", action="store_true",
                   help="if another run is writing the same output, wait for it instead of "
                   "stopping at once")


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
    p.add_argument("--out", type=Path, metavar="DIR",
                   help="bundle directory (default: assets/data/default for the default "
                   "configuration, out/bundles/cfg-<digest> for any other)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                   help="parallel training processes (default: all cores, %(default)s)")
    p.add_argument("--show-config", action="store_true",
                   help="print the resolved configuration as TOML and exit without training")
    add_config_options(p)
    _add_wait(p)
    p.set_defaults(func=cmd_data)

    for name in ("render", "build", "slides"):
        if name == "render":
            p = sub.add_parser("render", help="render scenes to video",
                               description="Render the lecture's scenes, each in its own "
                               "manim process, in parallel. A scene whose inputs (its code, "
                               "the theme, the bundle arrays it reads, quality, voice) have "
                               "not changed is skipped.")
        elif name == "build":
            p = sub.add_parser("build", help="the whole job: bundle, render, assemble",
                               description="Build the lecture: make the bundle if it is "
                               "missing, render every scene that changed, and assemble "
                               "OUT/lecture.mp4 with chapters.txt, lecture.srt and .vtt, "
                               "thumbnail.png, transcript.md and .html and manifest.json; "
                               "then check them against YouTube's rules (chapters, "
                               "thumbnail, codecs, fast start), warning of each one broken.")
        else:
            p = sub.add_parser("slides", help="the lecture as a slide deck and a handout",
                               description="Build OUT/deck/: a reveal.js deck (index.html, "
                               "offline), one slide per narration block with its own audio "
                               "and the narration as speaker notes, a PDF handout and a "
                               "manifest. Renders only the scenes that are missing or "
                               "changed, through the same cache as `render`.")
        if name != "slides":
            p.add_argument("--only", metavar="SCENE,...",
                           help=f"{'render' if name == 'render' else 'render and assemble'} "
                           f"only these scenes (names: {', '.join(a.name for a in ACTS)})")
        p.add_argument("--quality", choices=list(QUALITIES), default="high",
                       help="low 480p15, medium 720p30, high 1080p60 (default), 4k 2160p60")
        if name != "build":
            p.add_argument("--data", type=Path, default=DEFAULT_BUNDLE, metavar="DIR",
                           help="bundle directory (default: %(default)s)")
        else:
            p.add_argument("--data", type=Path, metavar="DIR",
                           help="bundle directory (default: the committed default bundle, or "
                           "OUT/bundles/cfg-<digest> for the configuration options below)")
        p.add_argument("--out", type=Path, default=Path("out"), metavar="DIR",
                       help="output directory (default: ./out)")
        p.add_argument("--voice", choices=list(VOICES), default=DEFAULT_VOICE,
                       help="narration voice: hibari (default; a neural voice, Apache-2.0, "
                       "offline; flite when it is not installed), piper (neural, its joe voice "
                       "descends from a non-commercial corpus), flite, espeak, or none for a "
                       "silent track timed at 150 words a minute")
        p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                       help="scenes rendered at once (default: all cores, %(default)s)")
        if name == "build":
            p.add_argument("--loudness", type=float, default=LOUDNESS_TARGET, metavar="LUFS",
                           help="the video's integrated loudness, in LUFS (default "
                           "%(default)g, YouTube's reference; true peak at most -1 dBTP); "
                           f"between {LOUDNESS_RANGE[0]:g} and {LOUDNESS_RANGE[1]:g}. Scene "
                           "files and the deck stay at -16")
        _add_wait(p)
        if name == "build":
            add_config_options(p, " The bundle of any configuration but the default is "
                               "OUT/bundles/cfg-<digest>, generated when missing and reused "
                               "after.")
        p.set_defaults(func={"render": cmd_render, "build": cmd_build,
                             "slides": cmd_slides}[name])

    p = sub.add_parser("script", help="print what the lecture says and shows, without rendering",
                       description="Print every act's script, computed from the bundle "
                       "without Manim (well under a second): each narration block, and each "
                       "caption a step shows (marked [shows]). With --claims, under each line "
                       "the findings it asserts and the quantity behind each of its numbers. "
                       "With --preview, run every act's drawing code without rendering "
                       "instead (each animation jumps to its end; a few seconds per act), "
                       "with the layout checks: a text that leaves the frame or overlaps "
                       "another is an error.")
    p.add_argument("--data", type=Path, default=DEFAULT_BUNDLE, metavar="DIR",
                   help="bundle directory (default: %(default)s)")
    p.add_argument("--only", metavar="SCENE,...",
                   help=f"only these acts (names: {', '.join(a.name for a in ACTS)})")
    p.add_argument("--claims", action="store_true",
                   help="under each line, what it asserts and where its numbers come from")
    p.add_argument("--preview", action="store_true",
                   help="run the acts' drawing code without rendering, with layout checks")
    p.add_argument("--out", type=Path, default=Path("out"), metavar="DIR",
                   help="with --preview: where the LaTeX and voice caches live "
                   "(default: ./out)")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object, act name to its list of narration blocks")
    _add_wait(p)
    p.set_defaults(func=cmd_script)

    p = sub.add_parser("check", help="validate a bundle and summarise it",
                       description="Validate a bundle against schema_version 1 and print its "
                       "models, their final accuracies and how much the gradient shrinks from "
                       "the last step back to the first; then the findings the lecture's "
                       "story rests on, one line each, with the rule each is judged by.")
    p.add_argument("bundle", type=Path, metavar="DIR", help="bundle directory")
    p.set_defaults(func=cmd_check)
    return parser


# ------------------------------------------------------------------------------- data


def _check_jobs(jobs: int) -> None:
    if jobs < 1:
        raise UserError(f"--jobs must be at least 1, got {jobs}")


def _waiting(holder: str) -> None:
    err.print(f"waiting for another run to finish ({holder})", markup=False)


def cmd_data(args) -> int:
    from lecture.configure import config_from_args, data_target
    from models.settings import to_toml

    cfg = config_from_args(args)
    if args.show_config:
        out.print(to_toml(cfg), markup=False, end="")
        return 0
    _check_jobs(args.jobs)
    _generate(data_target(cfg, args.out), cfg, args)
    return 0


def _generate(target: Path, cfg, args) -> None:
    from bundle import check_writable
    from lecture.generate import generate_bundle
    from lecture.provenance import GENERATOR
    from lecture.safety import check_output_dir, output_lock

    # Only an empty directory or a bundle this tool wrote is replaced, checked before
    # training and again before the swap; a lock beside it keeps a second run out.
    check_output_dir(target, current_dir_ok=False)
    check_writable(target, GENERATOR)
    absolute = target.absolute()
    with output_lock(absolute.parent, name=f".{absolute.name}.lecture.lock",
                     command=args.command, wait=args.wait, on_wait=_waiting):
        generate_bundle(target, config=cfg, jobs=args.jobs, console=err)
    out.print(f"wrote {target}")
    summarise(target)


# ------------------------------------------------------------------------------ build


def _only(args) -> list[str] | None:
    if args.only is None:
        return None
    only = [n.strip() for n in args.only.split(",") if n.strip()]
    if not only:
        raise UserError("--only names no scene")
    return only


def _lock_output(args):
    """The output directory, checked (never the repository, home or /), created, and locked
    for this run."""
    from lecture.render import ensure_writable
    from lecture.safety import LOCK_NAME, check_output_dir, output_lock

    check_output_dir(args.out)
    ensure_writable(args.out)
    return output_lock(args.out, name=LOCK_NAME, command=args.command, wait=args.wait,
                       on_wait=_waiting)


def cmd_render(args) -> int:
    from lecture.build import render

    _check_jobs(args.jobs)
    only = _only(args)
    with _lock_output(args):
        render(data=args.data, out=args.out, quality=args.quality, voice=args.voice,
               jobs=args.jobs, only=only, console=err)
    return 0


def _check_loudness(lufs: float) -> None:
    low, high = LOUDNESS_RANGE
    if not low <= lufs <= high:  # also refuses nan
        raise UserError(f"--loudness {lufs:g}: give an integrated loudness between {low:g} "
                        f"and {high:g} LUFS (YouTube's reference is {LOUDNESS_TARGET:g})")


def cmd_build(args) -> int:
    from lecture.build import build
    from lecture.configure import choose_bundle

    _check_jobs(args.jobs)
    _check_loudness(args.loudness)
    only = _only(args)
    with _lock_output(args):
        data, cfg = choose_bundle(args, err)
        if cfg is not None:
            _generate(data, cfg, args)
        manifest = build(data=data, out=args.out, quality=args.quality, voice=args.voice,
                         jobs=args.jobs, only=only, console=err, loudness=args.loudness)
    video = manifest["video"]
    out.print(f"wrote {args.out / 'lecture.mp4'}: {video['duration']:.1f} s, "
              f"{video['width']}x{video['height']} at {video['fps']:g} fps, "
              f"{len(manifest['chapters'])} chapters")
    return 0


def cmd_slides(args) -> int:
    from lecture.deck.build import make_deck

    _check_jobs(args.jobs)
    with _lock_output(args):
        manifest, built = make_deck(data=args.data, out=args.out, quality=args.quality,
                                    voice=args.voice, jobs=args.jobs, console=err)
    deck = args.out / "deck"
    if built:
        out.print(f"wrote {deck / 'index.html'}: {len(manifest['slides'])} slides, with "
                  f"{deck / 'handout.pdf'} and manifest.json, in {manifest['build_seconds']:.1f} s")
    else:
        out.print(f"the deck is up to date: {deck / 'index.html'}, {len(manifest['slides'])} "
                  "slides")
    return 0


# ------------------------------------------------------------------------------ check


def cmd_script(args) -> int:
    import json

    from lecture.render import select_acts
    from scenes.story.acts import script_for

    acts = select_acts(_only(args))
    bundle = load_bundle(args.data)  # one clear line for a bad bundle, before any act runs
    if args.preview:
        said = _preview_scripts(args, acts)
    else:
        said = {}
        for act in acts:
            script = script_for(act, Findings(bundle.view(act.reads)))
            said[act.name] = script.narration
            if not args.json:
                out.print(f"== {act.number:02d} {act.title}", markup=False)
                for line in script:
                    out.print(f"  {MARKS[line.kind]}{line.text}", markup=False)
                    if args.claims:
                        for claim in line.claims:
                            out.print(f"      asserts {claim}", markup=False)
                        for number in line.numbers:
                            out.print(f"      {number.text!r} is {number.quantity} = "
                                      f"{number.value:.6g}", markup=False)
    if args.json:
        out.print(json.dumps(said, indent=1, ensure_ascii=False), markup=False)
    return 0


def _preview_scripts(args, acts) -> dict[str, list[str]]:
    """Every act's drawing code run without rendering, its narration printed as it goes."""
    from scenes.dry_run import preview_act
    from scenes.layout import LayoutError

    said = {}
    with _lock_output(args):
        media = args.out / ".media" / "script"
        media.mkdir(parents=True, exist_ok=True)
        for act in acts:
            try:
                transcript = preview_act(act, args.data, media)
            except LayoutError as e:  # our bug, not the user's: still one line
                raise UserError(f"act {act.name!r} cannot be laid out for this bundle: {e} "
                                "(a bug in the lecture: please report it with the bundle)"
                                ) from None
            said[act.name] = transcript.narration
            if not args.json:
                out.print(f"== {act.number:02d} {act.title} ({transcript.duration:.0f} s "
                          "without a voice)", markup=False)
                for text in transcript.narration:
                    out.print(f"  {text}", markup=False)
    return said


def cmd_check(args) -> int:
    summarise(args.bundle)
    return 0


def summarise(root: Path) -> None:
    """Validate and print: each model's final accuracy and gradient ratio first/last step,
    then the findings, one line each: what this bundle shows, and the rule it is judged by."""
    bundle = load_bundle(root)
    cfg = bundle.config
    out.print(f"{root}: valid bundle, schema_version {bundle.manifest['schema_version']}, "
              f"seed {cfg.get('seed')}, T = {cfg.get('seq_len')}, {len(bundle)} arrays")
    out.print(f"  {'model':<14}{'accuracy':>9}  {'|dL/dh_1| / |dL/dh_T|':>22}")
    accuracy = train_key("", "accuracy")  # "/train/accuracy", after each model's prefix
    prefixes = sorted({k.removesuffix(accuracy) for k in bundle if k.endswith(accuracy)})
    for prefix in prefixes:
        acc, norms = bundle.get(train_key(prefix, "accuracy")), bundle.get(grad_key(prefix))
        if not (acc is not None and norms is not None and acc.ndim == 1 and norms.ndim == 2
                and acc.size and norms.size and acc.dtype.kind in "iuf"
                and norms.dtype.kind in "iuf"):
            continue  # an extra key, which the contract does not shape: nothing to summarise
        acc, ratio = acc[-1], gradient_ratio(norms[-1])
        out.print(f"  {prefix:<14}{acc:>9.3f}  {ratio:>22.3g}")
    out.print("findings:")
    for finding in Findings(bundle).all():
        out.print(f"  {finding.line()}", markup=False)


if __name__ == "__main__":
    sys.exit(main())
