"""The run configuration from outside: a TOML file, then ``--set key=value``, checked.

:func:`resolve` starts from a base :class:`~models.config.Config`, applies a TOML file and
then each ``--set`` in order, and checks every value against its field's rule (the ranges
in :mod:`models.config`) as it arrives, so that an error names where the value came from.
:func:`to_toml` writes a configuration back in a form :func:`resolve` reads.
:func:`digest` names a configuration: equal configurations, equal names.

A configuration file is read as warily as a bundle's manifest: only a regular file (never a
FIFO or a device) of at most :data:`MAX_CONFIG_BYTES`, nested at most :data:`MAX_DEPTH`
deep, with no key or text longer than :data:`MAX_TEXT` characters and no integer wider than
64 bits, so that every mistake is one short line.

Standard library, :mod:`models.config` and :mod:`bundle.files` only: validating a
configuration imports no torch.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import re
import sys
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path

from bundle.files import read_regular_file, shorten, show_value

from .config import Config, ConfigError, rule_of
from .ranges import Problem, Rule, Table, nearest, shown

__all__ = [
    "ConfigError",
    "canonical_json",
    "digest",
    "is_default",
    "names",
    "resolve",
    "to_toml",
]


# A configuration is about a kilobyte (--show-config writes 1.2 KB); 256 KiB leaves room for
# any comments and keeps tomllib's parse of the largest file allowed near a second.
MAX_CONFIG_BYTES = 256 << 10
# The document, a table, a list in it: nothing a configuration holds is nested deeper.
MAX_DEPTH = 4
# No setting's name, model name or number needs more characters than this.
MAX_TEXT = 100
MAX_INT_BITS = 64  # every integer setting fits in 32 bits
# tomllib's time grows with the square of a dotted key's parts (a.b.c...: 16,000 of them took
# 5 s), so a long one is refused before it parses. Possessive and atomic (Python 3.11) and
# anchored after a word, the search itself is linear.
MAX_KEY_PARTS = 16
_PART = r"""(?>[A-Za-z0-9_-]++|"[^"\n]*+"|'[^'\n]*+')"""
_LONG_DOTTED = re.compile(rf"(?<![A-Za-z0-9_-])(?<![A-Za-z0-9_-]\.){_PART}"
                          rf"(?:[ \t]*+\.[ \t]*+{_PART}){{{MAX_KEY_PARTS},}}")


def names() -> list[str]:
    """Every setting, tables' keys as ``table.key``, in the dataclass's order."""
    out = []
    for f in dataclasses.fields(Config):
        rule = f.metadata["rule"]
        out += [f"{f.name}.{k}" for k in rule.rules] if isinstance(rule, Table) else [f.name]
    return out


def _tables() -> dict[str, Table]:
    return {f.name: f.metadata["rule"] for f in dataclasses.fields(Config)
            if isinstance(f.metadata["rule"], Table)}


def _unknown(name: str, origin: str) -> ConfigError:
    known = names()
    hint = nearest(name, known) or f"; settings are {', '.join(known)}"
    return ConfigError(f"{origin}: unknown setting {show_value(name)}{hint}")


def _rule(name: str, origin: str) -> Rule:
    if name in _tables():
        keys = ", ".join(_tables()[name].rules)
        raise ConfigError(f"{origin}: {name} is a table: set its values one at a time, as "
                          f"{name}.KEY=VALUE with KEY one of {keys}")
    if name not in names():
        raise _unknown(name, origin)
    return rule_of(name)


def _assign(values: dict, name: str, raw, origin: str, read: str = "convert") -> None:
    """Set ``name`` from ``raw``: read by its rule (``"convert"`` a TOML value, ``"parse"``
    the text of a --set), checked against its range."""
    rule = _rule(name, origin)
    try:
        value = getattr(rule, read)(raw)
        rule.check(value)
    except Problem as e:
        raise ConfigError(f"{origin}: {name} {e}") from None
    top, _, key = name.partition(".")
    if key:
        values[top][key] = value
    else:
        values[top] = value


def _oversized(value) -> str | None:
    """What makes a value too big for any setting (``"a string of 5,000 characters"``), or
    None. A message quotes such a value shortened, never whole."""
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return f"a string of {len(value):,} characters ({show_value(value, 40)})"
    if isinstance(value, int) and not isinstance(value, bool) and (
            value.bit_length() > MAX_INT_BITS):
        return f"an integer of {value.bit_length():,} bits"
    return None


def _check_sizes(value, origin: str, where: str = "", depth: int = 1) -> None:
    """Refuse, before any rule reads it, what no configuration holds: nesting deeper than
    :data:`MAX_DEPTH`, a key, a text or an integer too big for any setting."""
    if depth > MAX_DEPTH:
        raise ConfigError(f"{origin}: invalid configuration (nested too deeply, at "
                          f"{shorten(where)})")
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        at = f"{where}[{key}]" if isinstance(key, int) else (f"{where}.{key}" if where else key)
        if isinstance(key, str) and len(key) > MAX_TEXT:
            raise ConfigError(f"{origin}: a key of {len(key):,} characters "
                              f"({show_value(key, 40)}); no setting's name is that long")
        problem = _oversized(item)
        if problem:
            raise ConfigError(f"{origin}: {shorten(at)} is {problem}, too big for any setting")
        if isinstance(item, dict | list):
            _check_sizes(item, origin, at, depth + 1)


def _parse_toml(path: Path, text: str) -> dict:
    if _LONG_DOTTED.search(text):
        raise ConfigError(f"{path}: invalid configuration (a dotted name of more than "
                          f"{MAX_KEY_PARTS} parts; no setting is nested that deep)")
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML (nested too deeply)") from None
    except ValueError as e:  # TOMLDecodeError, or Python's limit on an integer's digits
        problem = (f"an integer of more than {sys.get_int_max_str_digits()} digits"
                   if "integer string conversion" in str(e) else shorten(str(e), 200))
        raise ConfigError(f"{path}: invalid TOML ({problem})") from None


def read_toml(path: Path) -> dict:
    """A TOML file's contents, or one-line :class:`ConfigError`: only a regular file of at
    most :data:`MAX_CONFIG_BYTES` (a FIFO would block, ``/dev/zero`` never ends), and no
    value too big or too deep for any setting."""
    try:
        data = read_regular_file(path, MAX_CONFIG_BYTES)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except ValueError as e:  # a special file or one over the limit
        raise ConfigError(f"{path}: {e}; a configuration is a small TOML file") from None
    except OSError as e:
        raise ConfigError(f"{path}: cannot read ({e.strerror or e})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: invalid TOML (not UTF-8 text)") from None
    doc = _parse_toml(path, text)
    _check_sizes(doc, str(path))
    return doc


def _from_toml(doc: dict, origin: str) -> Iterable[tuple[str, object]]:
    tables = _tables()
    for key, value in doc.items():
        if key in tables:
            if not isinstance(value, dict):
                raise ConfigError(f"{origin}: {key} must be a table ([{key}] with "
                                  f"{', '.join(tables[key].rules)}), got {shown(value)}")
            for sub, v in value.items():
                yield f"{key}.{sub}", v
        elif isinstance(value, dict) and key not in names():
            # an unknown table: name its first key, which may be a setting in the wrong place
            sub = next(iter(value), None)
            raise _unknown(f"{key}.{sub}" if sub is not None else key, origin)
        else:
            yield key, value


def _check_text(name: str, text: str, origin: str) -> None:
    """A ``--set``'s name and each comma-separated part of its value at most
    :data:`MAX_TEXT` characters: longer, no setting takes it."""
    if len(name) > MAX_TEXT:
        raise ConfigError(f"{origin}: unknown setting {show_value(name, 40)}: no setting's "
                          "name is that long")
    long = next((p.strip() for p in text.split(",") if len(p.strip()) > MAX_TEXT), None)
    if long is not None:
        raise ConfigError(f"{origin}: {name} got a value of {len(long):,} characters "
                          f"({show_value(long, 40)}), too long for any setting")


def resolve(base: Config | None = None, *, config_file: Path | None = None,
            seed: int | None = None, sets: Iterable[str] = ()) -> Config:
    """``base`` (the default configuration when None), then the TOML file, then ``seed``,
    then each ``key=value`` of ``sets``, in that order; the result is validated whole."""
    values = copy.deepcopy((base or Config()).to_dict())
    if config_file is not None:
        origin = str(config_file)
        for name, raw in _from_toml(read_toml(config_file), origin):
            _assign(values, name, raw, origin)
    if seed is not None:
        _assign(values, "seed", seed, f"--seed {seed}")
    for item in sets:
        origin = f"--set {shorten(item)}"
        name, eq, text = item.partition("=")
        name = name.strip()
        if not eq or not name:
            raise ConfigError(f"{origin}: expected KEY=VALUE, such as --set seq_len=40")
        _check_text(name, text, origin)
        _assign(values, name, text, origin, read="parse")
    return Config(**values).validate()


# ------------------------------------------------------------------------------ naming


def canonical_json(cfg: Config | Mapping) -> str:
    """The configuration (or its dict, as a manifest stores it) as JSON with sorted keys and
    no spaces: one text per configuration. ValueError for a value JSON cannot hold (NaN)."""
    values = cfg.to_dict() if isinstance(cfg, Config) else cfg
    return json.dumps(values, sort_keys=True, separators=(",", ":"), allow_nan=False)


def digest(cfg: Config) -> str:
    """12 hex digits of the SHA-256 of :func:`canonical_json`: a variant bundle's name."""
    return hashlib.sha256(canonical_json(cfg).encode()).hexdigest()[:12]


def is_default(cfg: Config) -> bool:
    return canonical_json(cfg) == canonical_json(Config())


# -------------------------------------------------------------------------------- TOML


def _toml_value(value) -> str:
    if value is None:
        return "false"  # clip_norm off
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)  # shortest text that reads back to the same float; valid TOML
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML form for {value!r}")


def to_toml(cfg: Config) -> str:
    """The configuration as TOML, each value with its range as a comment; :func:`resolve`
    reads it back to an equal configuration."""
    lines = ["# The resolved run configuration. Save it, edit it, and pass it back with",
             "#   lecture data --config FILE",
             "# Each comment is the value's range (README: Every setting from the command line).",
             ""]
    tables = []
    for f in dataclasses.fields(Config):
        rule, value = f.metadata["rule"], getattr(cfg, f.name)
        if isinstance(rule, Table):
            tables.append((f.name, rule, value))
            continue
        lines.append(f"{f.name} = {_toml_value(value)}  # {rule.describe()}")
    for name, rule, value in tables:
        lines += ["", f"[{name}]"]
        lines += [f"{k} = {_toml_value(value[k])}  # {r.describe()}"
                  for k, r in rule.rules.items()]
    return "\n".join(lines) + "\n"
