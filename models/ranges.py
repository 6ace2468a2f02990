"""What each setting of the run configuration accepts: its type and its range.

:mod:`models.config` attaches one rule to each field; :mod:`models.settings` uses the rules
to read values from a TOML file (``convert``) or a ``--set key=value`` (``parse``) and to
check them (``check``). Each method raises :class:`Problem` with the part of a message that
follows the setting's name ("must be between 10 and 120, got 500"). Standard library only.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field

__all__ = [
    "Choice",
    "Float",
    "Int",
    "OffOr",
    "Problem",
    "Rule",
    "Seq",
    "Table",
    "nearest",
    "number",
]


class Problem(ValueError):
    """A value a rule refuses; ``str()`` reads after the setting's name."""


def number(x: float | int) -> str:
    """A number as a user would write it: 60, 0.003, 0.0001, 2147483647."""
    if isinstance(x, bool) or not isinstance(x, int | float):
        return repr(x)
    if isinstance(x, int):
        return str(x)
    if math.isfinite(x) and x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return f"{x:g}" if math.isfinite(x) else str(x)


def shown(value) -> str:
    """A value as the user wrote it, with its TOML type when that is the problem."""
    if isinstance(value, bool):
        return "true (a boolean)" if value else "false (a boolean)"
    if isinstance(value, str):
        return f"{value!r} (a string)"
    if isinstance(value, float):
        return f"{number(value)} (a float)"
    if isinstance(value, int):
        return f"{value} (an integer)"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return repr(value)


def nearest(word: str, options) -> str:
    """`` (did you mean 'x'?)`` for the closest option, or ``""``."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


class Rule:
    def convert(self, value):
        """A value read from TOML (or a Python default), in the field's type."""
        raise NotImplementedError

    def parse(self, text: str):
        """A value from the command line's ``key=value``."""
        raise NotImplementedError

    def check(self, value) -> None:
        """Raise :class:`Problem` when ``value`` is outside the range."""

    def describe(self) -> str:
        """The range, for help, ``--show-config`` and the README."""
        raise NotImplementedError


_INT = re.compile(r"[+-]?\d+")


@dataclass(frozen=True)
class Int(Rule):
    lo: int
    hi: int

    def convert(self, value):
        if isinstance(value, bool) or not isinstance(value, int):
            raise Problem(f"must be an integer, got {shown(value)}")
        return value

    def parse(self, text):
        if not _INT.fullmatch(text.strip()):
            raise Problem(f"must be an integer, got {text.strip()!r}")
        return int(text)

    def check(self, value):
        if not self.lo <= value <= self.hi:
            raise Problem(f"must be between {self.lo} and {self.hi}, got {value}")

    def describe(self):
        return f"{number(self.lo)}..{number(self.hi)}"


@dataclass(frozen=True)
class Float(Rule):
    lo: float
    hi: float
    open_lo: bool = False  # True: lo itself is refused, (lo, hi]

    def convert(self, value):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Problem(f"must be a number, got {shown(value)}")
        return float(value)

    def parse(self, text):
        try:
            return float(text)
        except ValueError:
            raise Problem(f"must be a number, got {text.strip()!r}") from None

    def check(self, value):
        above = value > self.lo if self.open_lo else value >= self.lo
        if not (above and value <= self.hi):  # also refuses NaN
            lo, hi, got = number(self.lo), number(self.hi), number(value)
            if self.open_lo:
                raise Problem(f"must be above {lo} and at most {hi}, got {got}")
            raise Problem(f"must be between {lo} and {hi}, got {got}")

    def describe(self):
        if self.open_lo:
            return f"({number(self.lo)}, {number(self.hi)}]"
        return f"{number(self.lo)}..{number(self.hi)}"


OFF_WORDS = ("off", "none", "false")


@dataclass(frozen=True)
class OffOr(Rule):
    """A number, or off (None): TOML ``false``, or ``off``/``none``/``false`` on the command
    line."""

    rule: Float

    def convert(self, value):
        if value is None or value is False:
            return None
        if value is True:
            raise Problem("must be a number or false (off), got true")
        return self.rule.convert(value)

    def parse(self, text):
        if text.strip().lower() in OFF_WORDS:
            return None
        try:
            return float(text)
        except ValueError:
            raise Problem(f"must be a number or off, got {text.strip()!r}") from None

    def check(self, value):
        if value is not None:
            self.rule.check(value)

    def describe(self):
        return f"off (false), or {self.rule.describe()}"


@dataclass(frozen=True)
class Choice(Rule):
    options: tuple[str, ...]

    def convert(self, value):
        if not isinstance(value, str):
            raise Problem(f"must be a name, got {shown(value)}")
        return value

    def parse(self, text):
        return text.strip()

    def check(self, value):
        if value not in self.options:
            raise Problem(f"has no {value!r}{nearest(value, self.options)}; choose from "
                          f"{', '.join(self.options)}")

    def describe(self):
        return ", ".join(self.options)


@dataclass(frozen=True)
class Seq(Rule):
    """A tuple: from a TOML array, or comma-separated on the command line (``5,10,20``)."""

    item: Int | Float | Choice
    count: tuple[int, int]
    increasing: bool = False  # strictly
    distinct: bool = False
    first: float | None = None
    last: float | None = None
    required: tuple[str, ...] = ()  # values that must be present
    why_required: str = ""
    straddle: float | None = None  # at least one value below this and one above

    def convert(self, value):
        if not isinstance(value, list | tuple):
            raise Problem(f"must be a list (a TOML array such as [1, 2]), got {shown(value)}")
        return tuple(self._item(self.item.convert, v) for v in value)

    def parse(self, text):
        parts = [p for p in (p.strip() for p in text.split(",")) if p]
        return tuple(self._item(self.item.parse, p) for p in parts)

    @staticmethod
    def _item(read, value):
        try:
            return read(value)
        except Problem as e:
            raise Problem(f"each value {e}") from None

    def check(self, value):
        for v in value:
            try:
                self.item.check(v)
            except Problem as e:
                raise Problem(str(e) if isinstance(self.item, Choice)
                              else f"each value {e}") from None
        if self.distinct:
            seen = set()
            for v in value:
                if v in seen:
                    raise Problem(f"lists {_one(v)} twice")
                seen.add(v)
        missing = [r for r in self.required if r not in value]
        if missing:
            raise Problem(f"must include {', '.join(self.required)}{self.why_required}; "
                          f"missing {', '.join(missing)}")
        lo, hi = self.count
        if not lo <= len(value) <= hi:
            raise Problem(f"must have {lo} to {hi} values, got {len(value)}")
        if self.increasing:
            for a, b in zip(value, value[1:], strict=False):
                if not a < b:
                    raise Problem(f"must be strictly increasing, got {_one(a)} before {_one(b)}")
        if self.first is not None and value[0] != self.first:
            raise Problem(f"must start at {number(self.first)}, got {_one(value[0])}")
        if self.last is not None and value[-1] != self.last:
            raise Problem(f"must end at {number(self.last)}, got {_one(value[-1])}")
        s = self.straddle
        if s is not None and not (min(value) < s < max(value)):
            raise Problem(f"needs at least one value below {number(s)} and one above "
                          f"{number(s)}, got {', '.join(_one(v) for v in value)}")

    def describe(self):
        if isinstance(self.item, Choice):
            text = f"any of {self.item.describe()}, each at most once"
            return text + (f", including {', '.join(self.required)}" if self.required else "")
        lo, hi = self.count
        parts = [f"{lo}..{hi} values", f"each {self.item.describe()}"]
        if self.increasing:
            parts.append("strictly increasing")
        elif self.distinct:
            parts.append("distinct")
        if self.first is not None:
            parts.append(f"first {number(self.first)}")
        if self.last is not None:
            parts.append(f"last {number(self.last)}")
        if self.straddle is not None:
            parts.append(f"one below {number(self.straddle)} and one above")
        return ", ".join(parts)


def _one(v) -> str:
    return repr(v) if isinstance(v, str) else number(v)


@dataclass(frozen=True)
class Table(Rule):
    """A fixed set of named numbers: a TOML table, or ``--set name.key=value``."""

    rules: dict[str, Rule] = field(default_factory=dict)

    def describe(self):
        return ", ".join(f"{k} {r.describe()}" for k, r in self.rules.items())
