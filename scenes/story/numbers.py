"""Numbers as the lecture writes and says them: one home for every act's formatting.

Three forms of the same value: ``number_to_tex`` for equations (``MathTex``),
``number_to_text`` for ``Text`` (a Unicode superscript, no LaTeX), and ``number_to_words``
for the narrator (no symbols: the voice reads plain words). All three write a value plainly
while it reads easily (1e-2 <= |value| < 1e3, to ``digits`` significant digits) and as a
two-digit mantissa times a power of ten otherwise, so an equation, a label and the
narration give the same number. Percentages and the decades of a log axis live here too.

A number in a script is a :class:`Number`: the text as said or shown, the value, the
quantity it names (``"rnn_tanh.accuracy"``, recomputed by the tests' fact-checker from the raw
arrays) and its form, a key of :data:`FORMS`; :func:`spoken` makes one. Powers of ten said
"about" are the nearest power, not the one below.

Numpy only: no Manim import, so the maps are cheap to test.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = [
    "FORMS",
    "Number",
    "digits_to_differ",
    "decades",
    "exponent_range",
    "factor_to_tex",
    "log_fraction",
    "log_levels",
    "log_span",
    "number_to_tex",
    "number_to_text",
    "number_to_words",
    "ordinal_words",
    "percent_to_text",
    "percent_to_words",
    "share_to_words",
    "spoken",
]

PLAIN = (1e-2, 1e3)  # |value| in [low, high) is written out; outside, a power of ten
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _to_plain(value: float, digits: int) -> str | None:
    """``value`` to ``digits`` significant digits if it reads easily, else None."""
    if not PLAIN[0] <= abs(value) < PLAIN[1]:
        return None
    whole = len(str(int(abs(value)))) if abs(value) >= 1 else 0  # 310, not 3.1 x 10^2
    text = f"{value:.{max(digits, whole)}g}"
    return text if "e" not in text else None


def _to_parts(value: float) -> tuple[str, int]:
    """5.3e12 as ('5.3', 12): a two-digit mantissa and its power of ten."""
    mantissa, exponent = f"{value:.1e}".split("e")
    return mantissa, int(exponent)


def _to_number(value: float, digits: int, power: Callable[[str, int], str]) -> str:
    """'0', the plain number, or ``power(mantissa, exponent)``."""
    if value == 0:
        return "0"
    plain = _to_plain(value, digits)
    return plain if plain is not None else power(*_to_parts(value))


def number_to_tex(value: float, digits: int = 2) -> str:
    """A number for an equation: '0.23', or '4.3 \\times 10^{-14}'."""
    return _to_number(value, digits, lambda m, e: rf"{m} \times 10^{{{e}}}")


def factor_to_tex(value: float, digits: int = 2) -> str:
    """A number to multiply by, in an equation: negatives in parentheses."""
    tex = number_to_tex(value, digits)
    return f"({tex})" if value < 0 else tex


def number_to_text(value: float, digits: int = 2) -> str:
    """A number for ``Text``: '0.23', or '5.3 × 10¹²' (a superscript, no LaTeX)."""
    return _to_number(value, digits, lambda m, e: f"{m} × 10{str(e).translate(SUPERSCRIPT)}")


def number_to_words(value: float, digits: int = 2, about: bool = False) -> str:
    """A number as the narrator says it: 'minus 0.159', '192 thousand', '4.3 times ten to
    the minus 14', or with ``about`` only the power of ten: 'about ten to the minus 14'."""
    if value == 0:
        return "exactly zero"
    if value < 0:
        return "minus " + number_to_words(-value, digits, about)
    plain = _to_plain(value, digits)
    if plain is not None:
        return plain
    if about:
        exponent = round(math.log10(value))  # the nearest power: 9.7e-7 is about 1e-6
        return f"about ten to the {'minus ' if exponent < 0 else ''}{abs(exponent)}"
    if 1e3 <= value < 1e6:  # rounded first: 123456 is "120 thousand", not "1.2e+02"
        return f"{float(f'{value / 1e3:.{digits}g}'):g} thousand"
    mantissa, exponent = _to_parts(value)
    return f"{mantissa} times ten to the {'minus ' if exponent < 0 else ''}{abs(exponent)}"


_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
         "fourteen fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_ORDINAL = {"one": "first", "two": "second", "three": "third", "five": "fifth",
            "eight": "eighth", "nine": "ninth", "twelve": "twelfth"}


def _cardinal(n: int) -> str:
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + (f"-{_ONES[n % 10]}" if n % 10 else "")
    return f"{_ONES[n // 100]} hundred" + (f" and {_cardinal(n % 100)}" if n % 100 else "")


def ordinal_words(n: int) -> str:
    """1 to 999 as an ordinal in words, the way a word's place is said: 'first',
    'twenty-second', 'one hundred and twelfth'. No digits: a place is not a measurement."""
    if not 1 <= n <= 999:
        raise ValueError(f"no ordinal for {n}")
    head, _, last = _cardinal(n).rpartition(" ")
    stem, dash, unit = last.rpartition("-")
    unit = _ORDINAL.get(unit) or (unit[:-1] + "ieth" if unit.endswith("y") else unit + "th")
    return f"{head} {stem}{dash}{unit}".strip()


def percent_to_text(p: float) -> str:
    """A fraction as a whole percentage, '27%'; one decimal near the ends, so that 0.999
    never rounds up to 100% nor 0.001 down to 0%; beyond one decimal, '<0.1%' and
    '>99.9%'."""
    p = float(p)
    if 0 < p < 0.0005:
        return "<0.1%"
    if 0.9995 <= p < 1:
        return ">99.9%"
    return f"{p:.1%}" if 0.995 <= p < 1 or 0 < p < 0.005 else f"{p:.0%}"


def percent_to_words(p: float) -> str:
    """The same percentage as the narrator says it, without the word: '27', '99.9',
    'less than 0.1'."""
    text = percent_to_text(p).rstrip("%")
    return text.replace("<", "less than ").replace(">", "more than ")


def log_span(values) -> tuple[float, float]:
    """log10 of the smallest and the largest positive, finite ``values``: where a colour or a
    thickness scale runs. (-1, 0), the decade below one, when there are none (everything
    underflowed to zero); a denormal or a 1e300 is a value like any other."""
    values = np.asarray(values, dtype=float).ravel()
    values = values[np.isfinite(values) & (values > 0)]
    if not len(values):
        return -1.0, 0.0
    return float(np.log10(values.min())), float(np.log10(values.max()))


def decades(values) -> tuple[int, int]:
    """The powers of ten around :func:`log_span`: (lo, hi), 10^lo at or below the smallest
    value and 10^hi at or above the largest, at least one decade apart (so an axis of equal
    values still has a length). Exponents, never the powers themselves: 10^-324 is zero in
    a float."""
    low, high = log_span(values)
    lo = math.floor(low)
    return lo, max(math.ceil(high), lo + 1)


def log_levels(values, lo: float, hi: float) -> np.ndarray:
    """Each value's height on a log axis from 10^lo to 10^hi: log10(value) - lo, clipped to
    [0, hi - lo]. Zero (an underflowed gradient) sits on the floor and an overflowed ratio
    (inf) at the top, so a curve through any values stays on its axes."""
    values = np.asarray(values, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log10(np.where(values > 0, values, np.nan))
    return np.clip(np.nan_to_num(logs - lo, nan=0.0, posinf=hi - lo, neginf=0.0), 0, hi - lo)


def exponent_range(values, step_max: int = 6) -> tuple[int, int, int]:
    """The decades of a log axis for the positive ``values``: (lo, hi, every), powers of
    ten from 10^lo to 10^hi labelled every ``every`` decades (at most ``step_max`` steps),
    lo and hi multiples of ``every``, so 10^0 is among the labels."""
    lo, hi = decades(values)
    every = max(1, math.ceil((hi - lo) / step_max))
    return every * math.floor(lo / every), every * math.ceil(hi / every), every


def log_fraction(value: float, lo: float, hi: float) -> float:
    """Where ``value`` sits between 10^lo and 10^hi on a log scale (``lo`` and ``hi`` are
    exponents, as :func:`log_span` or :func:`decades` give them), clipped to [0, 1]. Zero
    (an underflowed gradient) and anything not finite sit at 0; a range of one value puts
    everything at 1."""
    if not (value > 0 and math.isfinite(value)):
        return 0.0
    span = hi - lo
    if span <= 0:
        return 1.0
    return min(max((math.log10(value) - lo) / span, 0.0), 1.0)


def share_to_words(ratio: float, of: str = "the last word's", digits: int = 2) -> str:
    """A gradient relative to another, as the narrator says it: '0.24 of the last word's',
    '3.5 times the last word's', or 'exactly zero'."""
    if ratio == 0:
        return "exactly zero"
    relation = "times" if ratio > 1 else "of"
    return f"{number_to_words(ratio, digits)} {relation} {of}"


def digits_to_differ(*values: float, digits: int = 2, most: int = 6) -> int:
    """The fewest significant digits, from ``digits`` up to ``most``, at which the values
    that differ are written differently: 2.001 and 2.004 need four, never "2 to 2"."""
    distinct = len(set(values))
    for n in range(digits, most + 1):
        if len({number_to_text(v, n) for v in values}) == distinct:
            return n
    return most


# The forms a script writes numbers in: each a map from the value (and its digits).
FORMS: dict[str, Callable[[float, int], str]] = {
    "words": lambda v, d: number_to_words(v, d),
    "about": lambda v, d: number_to_words(v, d, about=True),
    "text": lambda v, d: number_to_text(v, d),
    "tex": lambda v, d: number_to_tex(v, d),
    "percent": lambda v, d: percent_to_words(v),
    "percent_text": lambda v, d: percent_to_text(v),
    "count": lambda v, d: f"{int(v)}",
    "share": lambda v, d: share_to_words(v, digits=d),
    "plain": lambda v, d: f"{v:g}",
}


@dataclass(frozen=True)
class Number:
    """A number in a script: its text, its value, the quantity it names and its form."""

    text: str
    value: float
    quantity: str
    form: str
    digits: int = 2

    def __str__(self) -> str:
        return self.text


def spoken(value: float, quantity: str, form: str = "words", digits: int = 2) -> Number:
    """``value`` written in ``form`` (a key of :data:`FORMS`), naming ``quantity``."""
    return Number(FORMS[form](float(value), digits), float(value), quantity, form, digits)
