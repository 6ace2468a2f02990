"""The configuration options of ``lecture data`` and ``lecture build``, and where each
configuration's bundle lives.

``--quick`` picks the base (``quick_config``), then ``--config FILE``, ``--seed N`` and each
``--set KEY=VALUE`` apply in that order; :mod:`models.settings` checks every value before
any work starts. The default configuration's bundle is the committed one; any other lives
in a directory named by its digest, ``cfg-<12 hex>``, so that a variant never overwrites
the default bundle or another variant. Imports no torch.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from bundle import DEFAULT_BUNDLE, BundleError, validate_bundle
from models.config import Config, ConfigError, quick_config
from models.settings import canonical_json, digest, is_default, resolve

__all__ = [
    "add_config_options",
    "choose_bundle",
    "config_chosen",
    "config_from_args",
    "data_target",
    "variant_dir",
]

VARIANT = re.compile(r"cfg-[0-9a-f]{12}")


def add_config_options(p: argparse.ArgumentParser, where: str = "") -> None:
    g = p.add_argument_group(
        "configuration", "Every setting of the run (README: Every setting from the command "
        "line). Applied in this order: --quick's base, --config, --seed, each --set. A "
        f"value outside its range is refused before any work starts.{where}")
    g.add_argument("--quick", action="store_true",
                   help="start from the small, fast run (shorter sequences, fewer steps) for "
                   "previews and tests")
    g.add_argument("--config", type=Path, metavar="FILE",
                   help="a TOML file of settings (write one with lecture data --show-config)")
    g.add_argument("--seed", type=int, metavar="N", help="random seed: --set seed=N")
    g.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="one setting, repeatable: --set seq_len=40, --set clip_norm=off, "
                   "--set sweep_seq_lens=5,10,20, --set feedforward.lr=0.2 (every KEY, its "
                   "value and its range: lecture data --show-config)")


def config_chosen(args) -> bool:
    """Whether the command line chooses a configuration (any option above)."""
    return bool(args.quick or args.config is not None or args.seed is not None or args.set)


def config_from_args(args) -> Config:
    """The resolved, validated configuration; :class:`ConfigError` otherwise."""
    base = quick_config() if args.quick else Config()
    return resolve(base, config_file=args.config, seed=args.seed, sets=args.set)


def variant_dir(root: Path, cfg: Config) -> Path:
    return Path(root) / "bundles" / f"cfg-{digest(cfg)}"


def data_target(cfg: Config, out: Path | None) -> Path:
    """Where ``lecture data`` writes: ``out`` when given, else the committed default bundle
    for the default configuration and ``out/bundles/cfg-<digest>`` for any other. Refuses a
    target that holds the default or another variant's bundle by name."""
    if out is None:
        return DEFAULT_BUNDLE if is_default(cfg) else variant_dir(Path("out"), cfg)
    name = f"cfg-{digest(cfg)}"
    if not is_default(cfg) and Path(out).resolve() == DEFAULT_BUNDLE.resolve():
        raise ConfigError(f"{out} holds the default configuration's bundle, and this is "
                          f"another configuration; leave out --out to write it to "
                          f"{variant_dir(Path('out'), cfg)}")
    if VARIANT.fullmatch(Path(out).name) and Path(out).name != name:
        raise ConfigError(f"{out} is named for another configuration's bundle; this one is "
                          f"{name}")
    return Path(out)


def matches(root: Path, cfg: Config) -> bool:
    """Whether ``root`` holds a valid bundle made with exactly ``cfg``."""
    try:
        manifest, _ = validate_bundle(root)
    except BundleError:
        return False
    try:
        return canonical_json(manifest["config"]) == canonical_json(cfg)
    except ValueError:  # a NaN in the saved configuration: no configuration of ours
        return False


def choose_bundle(args, console) -> tuple[Path, Config | None]:
    """The bundle ``lecture build`` reads, and the configuration to generate it with first
    (None: use it as it is)."""
    if not config_chosen(args):
        return _default(args.data if args.data is not None else DEFAULT_BUNDLE, console)
    if args.data is not None:
        raise ConfigError("--data names a bundle that was made with its own configuration, "
                          "so it cannot be combined with --quick, --config, --seed or --set; "
                          "use --data alone, or the configuration options alone")
    cfg = config_from_args(args)
    if is_default(cfg):
        return _default(DEFAULT_BUNDLE, console)
    data = variant_dir(args.out, cfg)
    if matches(data, cfg):
        console.print(f"using the bundle for this configuration: {data}", markup=False)
        return data, None
    state = "is not a valid bundle of it" if data.exists() else "is missing"
    console.print(f"the bundle for this configuration, {data}, {state}: generating it",
                  markup=False)
    return data, cfg


def _default(data: Path, console) -> tuple[Path, Config | None]:
    if data.exists():
        return data, None
    console.print(f"no bundle at {data}: generating it", markup=False)
    return data, Config()
