"""Findings: the values and judgements the narration and captions state, computed from a
bundle's arrays alone. Numpy only, no Manim: every claim the lecture makes about its data is
a pure function here, with its threshold, and a unit test.

Each function takes arrays (a gradient-norm curve, an accuracy row...) and returns plain
values; the acts format them and choose their words from them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "LengthReach",
    "Switch",
    "find_the_switch",
    "gradient_ratio",
    "group_by_end",
    "length_reach",
    "first_failing_length",
    "small_factors",
    "slope_change",
    "step_factors",
    "telescoping_factors",
]

# A model "copes" with a length when its accuracy there is at least this.
SOLVED = 0.9
# An accuracy within this of chance is "no better than chance".
CHANCE_MARGIN = 0.1
# Training curves that end within this of each other are labelled together.
END_TOLERANCE = 0.05
# How far the first-word/last-word ratio must move, in decades, over training before the
# lecture says the slope changed: down by half a decade is "steeper", up by a whole one is
# "flattens".
STEEPER, FLATTER = -0.5, 1.0


def gradient_ratio(norms: Sequence[float]) -> float:
    """How much of the gradient at the last step reaches the first:
    ||dL/dh_1|| / ||dL/dh_T||. The one rule for zeros: when the last norm is exactly zero
    (no gradient at all), the ratio is 0; a zero first norm gives 0 too."""
    norms = np.asarray(norms, dtype=float)
    return float(norms[0] / norms[-1]) if norms[-1] > 0 else 0.0


def step_factors(norms: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """What one step back multiplies the gradient by: ||dL/dh_{t-1}|| / ||dL/dh_t||, with
    the step t it leaves (2..T). Steps where either norm underflowed to zero are left out."""
    norms = np.asarray(norms, dtype=float)
    earlier, later = norms[:-1], norms[1:]
    keep = (earlier > 0) & (later > 0)
    return np.arange(2, len(norms) + 1)[keep], earlier[keep] / later[keep]


@dataclass(frozen=True)
class Telescope:
    """The step factors from ``begin`` (just after the last exact zero) to the last step:
    their product telescopes to norms[begin] / norms[-1]."""

    begin: int
    factors: np.ndarray  # (T - 1 - begin,), in time order
    product: float
    typical: float  # their geometric mean


def telescoping_factors(norms: Sequence[float]) -> Telescope | None:
    """The unbroken run of step factors ending at the last step, or None when fewer than
    two steps are left after the last exact zero."""
    norms = np.asarray(norms, dtype=float)
    zeros = np.flatnonzero(norms <= 0)
    begin = int(zeros[-1]) + 1 if len(zeros) else 0
    if begin >= len(norms) - 1:
        return None
    factors = norms[begin:-1] / norms[begin + 1:]
    return Telescope(begin, factors, float(norms[begin] / norms[-1]),
                     float(np.exp(np.log(factors).mean())))


def slope_change(ratios: Sequence[float]) -> str:
    """How the first-word/last-word ratio moved from the first snapshot to the last:
    ``"steeper"``, ``"flatter"`` or ``"same"`` (thresholds :data:`STEEPER`,
    :data:`FLATTER`, in decades)."""
    change = float(np.log10(ratios[-1]) - np.log10(ratios[0]))
    if change < STEEPER:
        return "steeper"
    if change > FLATTER:
        return "flatter"
    return "same"


def small_factors(values: Sequence[float]) -> list[float]:
    """The chain-rule factors below one in size, to multiply together; when fewer than two
    are, the sigmoid's slope (the second value) twice."""
    small = [abs(v) for v in values if abs(v) < 1]
    return small if len(small) >= 2 else [abs(values[1])] * 2


@dataclass(frozen=True)
class LengthReach:
    """How far a model copes in the length sweep: ``"all"`` lengths, ``"none"`` from the
    shortest, or ``"up_to"`` ``length`` (the last length before its first failure)."""

    kind: str
    length: int | None = None


def length_reach(lengths: Sequence[int], accuracy: Sequence[float],
                 solved: float = SOLVED) -> LengthReach:
    ok = np.asarray(accuracy) >= solved
    if ok.all():
        return LengthReach("all", int(lengths[-1]))
    if not ok[0]:
        return LengthReach("none")
    return LengthReach("up_to", int(lengths[int(np.argmin(ok)) - 1]))


def first_failing_length(accuracy: Sequence[float], chance: float,
                         margin: float = CHANCE_MARGIN) -> int | None:
    """The index of the first length from which every longer one stays within ``margin``
    of chance (0 when all do), or None when the longest is not near chance."""
    near = np.asarray(accuracy) < chance + margin
    if near.all():
        return 0
    if not near[-1]:
        return None
    return len(near) - int(np.argmin(near[::-1]))


def group_by_end(curves: Mapping[str, Sequence[float]],
                 tolerance: float = END_TOLERANCE) -> list[list[str]]:
    """Names whose curves end within ``tolerance`` of the group's highest end, highest
    group first, to label them together."""
    groups: list[list[str]] = []
    for name in sorted(curves, key=lambda n: -curves[n][-1]):
        if groups and abs(curves[groups[-1][0]][-1] - curves[name][-1]) <= tolerance:
            groups[-1].append(name)
        else:
            groups.append([name])
    return groups


@dataclass(frozen=True)
class Switch:
    """Where the cuisine probe's story happens, found in the data."""

    final: int  # the model's last answer (a class)
    switch: int  # the word from which it holds that answer
    first: int  # its answer before that
    first_dish: int  # the word that made the first answer
    name: int  # the second person's name
    dip: int  # the lowest mean forget gate from the name to just after the switch


def find_the_switch(words: Sequence[str], prob: np.ndarray, forget: np.ndarray,
                    second_name: str) -> Switch:
    """``prob`` (T, C) the answer after each word, ``forget`` (T,) the mean forget gate."""
    final = int(prob[-1].argmax())
    wrong = np.flatnonzero(prob.argmax(axis=1) != final)
    switch = int(wrong[-1]) + 1 if len(wrong) else 0
    first = int(prob[:switch].max(axis=0).argmax()) if switch else final
    rise = np.diff(prob[:max(switch, 1), first], prepend=prob[0, first])
    names = [t for t, w in enumerate(words) if w == second_name and t <= switch]
    name = names[-1] if names else max(switch - 2, 0)
    dip = int(forget[name:switch + 2].argmin()) + name
    return Switch(final, switch, first, int(rise.argmax()), name, dip)
