"""Findings: what a bundle shows, computed from its arrays alone.

Every judgement the lecture states ("no better than chance", "close to one", "it vanishes",
"copes up to 40 words") is a :class:`Finding` here: a value, the threshold it is judged by,
and whether it holds. The acts choose their words from findings, so a sentence appears only
when the finding behind it holds for the data being drawn; ``lecture check`` prints them.
Numpy only, no Manim: each rule has a unit test, including values exactly at a threshold.

:class:`Findings` reads a bundle (or a scene's view of one) lazily: a finding reads only the
keys it needs, so an act may ask only for findings about what it declares it reads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from bundle.contract import (
    CUISINE_MODEL,
    RECALL_MODELS,
    SWEEP_SEQ_LEN,
    feedforward_key,
    gate_key,
    grad_key,
    param_key,
    probe_key,
    sweep_key,
    train_key,
)

from .names import MODEL_NAMES
from .numbers import Number, number_to_text, percent_to_text, spoken

__all__ = [
    "CHANCE_MARGIN",
    "DIP",
    "END_TOLERANCE",
    "GROWS",
    "NEAR_ONE",
    "SOLVED",
    "STEADY",
    "VANISHED",
    "Finding",
    "Findings",
    "CuisineStory",
    "LengthReach",
    "Switch",
    "Telescope",
    "cuisine_story",
    "find_the_switch",
    "first_failing_length",
    "gradient_ratio",
    "group_by_end",
    "length_reach",
    "relative_to_last",
    "slope_change",
    "small_factors",
    "step_factors",
    "telescoping_factors",
]

# --------------------------------------------------------------------------- thresholds

# A model solved the task when its held-out accuracy is at least this.
SOLVED = 0.9
# An accuracy (or a probability) below chance plus this margin is "no better than chance",
# "a guess": with four answers, below 35 %.
CHANCE_MARGIN = 0.1
# The gradient "vanishes" on its way back when less than this fraction of the last word's
# gradient reaches the first word: a hundredth.
VANISHED = 1e-2
# It "grows" on its way back when the first word gets more than the last.
GROWS = 1.0
# A mean forget gate at least this is "close to one": the cell state keeps most of itself.
NEAR_ONE = 0.9
# The forget gate "drops" at the second name when its lowest value there is at least this
# much below its mean before the name.
DIP = 0.05
# Before the second name, a forget gate that stays within this of its mean "stays near" it.
STEADY = 0.1
# Training curves that end within this of each other are labelled together.
END_TOLERANCE = 0.05
# How far the first-word/last-word ratio must move over training, in decades, before the
# lecture says the slope changed: down by half a decade is "steeper", up by a whole one
# "flatter".
STEEPER, FLATTER = -0.5, 1.0


# ------------------------------------------------------------------------ pure functions


def gradient_ratio(norms: Sequence[float]) -> float:
    """How much of the gradient at the last step reaches the first:
    ||dL/dh_1|| / ||dL/dh_T||. The one rule for zeros: when the last norm is exactly zero
    (no gradient at all), the ratio is 0; a zero first norm gives 0 too."""
    norms = np.asarray(norms, dtype=float)
    return float(norms[0] / norms[-1]) if norms[-1] > 0 else 0.0


def relative_to_last(norms: np.ndarray) -> np.ndarray:
    """Each curve (the last axis) divided by its value at the last step; a curve whose last
    value is exactly zero stays all zeros."""
    norms = np.asarray(norms, dtype=float)
    last = norms[..., -1:]
    return np.divide(norms, last, out=np.zeros_like(norms), where=last > 0)


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
    :data:`FLATTER`, in decades). A ratio of exactly zero counts as far below any other."""
    first, last = (np.log10(r) if r > 0 else -np.inf for r in (ratios[0], ratios[-1]))
    if first == last:
        return "same"
    change = float(last - first)
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
    """How far a model copes in the length sweep: ``"all"`` lengths (up to ``length``),
    ``"none"``, ``"up_to"`` ``length`` (solved from the shortest to there, then failed), or
    ``"some"``: solved at the lengths in ``solved`` only, not from the shortest on."""

    kind: str
    length: int | None = None
    solved: tuple[int, ...] = ()


def length_reach(lengths: Sequence[int], accuracy: Sequence[float],
                 solved: float = SOLVED) -> LengthReach:
    ok = np.asarray(accuracy) >= solved
    lengths = [int(n) for n in lengths]
    good = tuple(n for n, o in zip(lengths, ok, strict=True) if o)
    if ok.all():
        return LengthReach("all", lengths[-1], good)
    if not ok.any():
        return LengthReach("none")
    first_fail = int(np.argmin(ok))
    if first_fail > 0 and not ok[first_fail:].any():
        return LengthReach("up_to", lengths[first_fail - 1], good)
    return LengthReach("some", None, good)


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
    dip: int  # the lowest mean forget gate in the window

    @property
    def window(self) -> slice:
        """The words from the second name to just past its dish, or past the switch."""
        return slice(self.name, max(self.switch, self.name + 2) + 2)


def find_the_switch(words: Sequence[str], prob: np.ndarray, forget: np.ndarray,
                    second_name: str) -> Switch:
    """``prob`` (T, C) the answer after each word, ``forget`` (T,) the mean forget gate."""
    final = int(prob[-1].argmax())
    wrong = np.flatnonzero(prob.argmax(axis=1) != final)
    switch = int(wrong[-1]) + 1 if len(wrong) else 0
    first = int(prob[:switch].max(axis=0).argmax()) if switch else final
    rise = np.diff(prob[:max(switch, 1), first], prepend=prob[0, first])
    names = [t for t, w in enumerate(words) if w == second_name]
    name = names[-1] if names else max(switch - 2, 0)
    at = Switch(final, switch, first, int(rise.argmax()), name, 0)
    return replace(at, dip=int(forget[at.window].argmin()) + name)


@dataclass(frozen=True)
class CuisineStory:
    """The biriyani/pasta probe, read from a trained LSTM: where its answer switches
    (``at``), its mean forget gate before the second name (``held``, and whether it stays
    within :data:`STEADY` of that), what the gate does at the name (``change``: ``"drops"``
    by at least :data:`DIP`, ``"flat"`` within it, or ``"rises"``), whether its last answer
    is right, and whether it first held the first dish's answer."""

    at: Switch
    forget: np.ndarray  # (T,) mean over units
    held: float
    steady: bool
    change: str
    right: bool
    carries: bool
    first_dish: int | None  # where the first dish is named, if it is


def cuisine_story(words: Sequence[str], prob: np.ndarray, forget: np.ndarray, target: int,
                  second_name: str, first_dish: str, first_answer: int) -> CuisineStory:
    """``forget`` (T, H) the forget gate; ``first_answer`` the class of ``first_dish``."""
    forget = np.asarray(forget, dtype=float).mean(axis=1)
    at = find_the_switch(words, prob, forget, second_name)
    before = forget[:max(at.name, 1)]
    held = float(before.mean())
    low = float(forget[at.dip])
    change = "drops" if low <= held - DIP else "rises" if low > held + DIP else "flat"
    dish = words.index(first_dish) if first_dish in words else None
    return CuisineStory(at, forget, held, bool(np.abs(before - held).max() <= STEADY), change,
                        at.final == target, at.switch > 0 and at.first == first_answer, dish)


# ----------------------------------------------------------------------------- findings


@dataclass(frozen=True)
class Finding:
    """One judgement about a bundle: the value behind it, its threshold, whether it holds,
    and a line saying what this bundle shows."""

    name: str
    holds: bool
    value: float
    rule: str  # the threshold, in words: "accuracy >= 90%"
    says: str  # what the bundle shows, in words
    negated: bool = False  # ``~finding``: the judgement that it does not hold

    def __invert__(self) -> Finding:
        return replace(self, holds=not self.holds, negated=not self.negated)

    def line(self) -> str:
        return f"{self.says} [{self.name}: {'yes' if self.holds else 'no'}; {self.rule}]"


class Findings:
    """The findings of one bundle (or of a scene's view of it), computed when first asked.

    Model findings take a model prefix (``"rnn_tanh"``, ``"lstm"``, ``"cuisine/lstm"``).
    A number in a script names its quantity (:meth:`value`): ``"<model>.<quantity>"`` or
    ``"<quantity>"``, with an argument in brackets where it takes one
    (``"rnn_tanh.sweep_accuracy[20]"``); :data:`QUANTITIES` lists them."""

    # quantity name -> the method that computes it (model prefix first, then the argument)
    QUANTITIES = {
        "accuracy": "accuracy",
        "chance": "chance_of",
        "probe_p": "probe_probability",
        "probe_top_p": "probe_top_probability",
        "probe_runner_up_p": "probe_runner_up_probability",
        "ratio": "ratio",
        "c_ratio": "c_ratio",
        "probe_length": "probe_length",
        "probe_length_less": "probe_length_less",
        "hidden_size": "hidden_size",
    }

    def __init__(self, data):
        self.data = data

    def value(self, quantity: str) -> float:
        """The value of a named quantity (see the class's docstring)."""
        head, _, name = quantity.rpartition(".")
        name, _, arg = name.partition("[")
        args = ([head] if head else []) + ([arg.rstrip("]")] if arg else [])
        return float(getattr(self, self.QUANTITIES[name])(*args))

    def number(self, quantity: str, form: str = "words", digits: int = 2) -> Number:
        """The named quantity as a script writes it (a form of :data:`~.numbers.FORMS`)."""
        return spoken(self.value(quantity), quantity, form, digits)

    # ------------------------------------------------------------------------- accuracy

    @cached_property
    def chance(self) -> float:
        """Guessing one of the recall task's answers."""
        return 1 / len(self.data.vocab["recall"]["classes"])

    def accuracy(self, model: str) -> float:
        return float(self.data[train_key(model, "accuracy")][-1])

    def chance_of(self, model: str) -> float:
        task = "cuisine" if model.startswith(CUISINE_MODEL.split("/")[0] + "/") else "recall"
        return 1 / len(self.data.vocab[task]["classes"])

    def solved(self, model: str) -> Finding:
        acc = self.accuracy(model)
        return Finding(f"{model}.solved", acc >= SOLVED, acc, f"accuracy >= {SOLVED:.0%}",
                       f"{_name(model)} held-out accuracy {percent_to_text(acc)}")

    def near_chance(self, model: str) -> Finding:
        acc, chance = self.accuracy(model), self.chance_of(model)
        return Finding(f"{model}.near_chance", acc < chance + CHANCE_MARGIN, acc,
                       f"accuracy < chance {percent_to_text(chance)} + "
                       f"{CHANCE_MARGIN * 100:.0f} points",
                       f"{_name(model)} held-out accuracy {percent_to_text(acc)}, chance "
                       f"{percent_to_text(chance)}")

    def outcome(self, model: str) -> str:
        """``"solved"``, ``"chance"`` (no better than guessing) or ``"partial"``."""
        if self.solved(model).holds:
            return "solved"
        return "chance" if self.near_chance(model).holds else "partial"

    # ------------------------------------------------------------------------- gradient

    def ratio(self, model: str, state: str = "h", snapshot: int = -1) -> float:
        """First word over last word of ||dL/dh_t|| (or ``state`` ``"c"``) at a snapshot."""
        return gradient_ratio(self.data[grad_key(model, state)][snapshot])

    def c_ratio(self, model: str) -> float:
        """The cell state's first-word/last-word gradient ratio."""
        return self.ratio(model, "c")

    def vanishes(self, model: str, state: str = "h", snapshot: int = -1) -> Finding:
        r = self.ratio(model, state, snapshot)
        what = "cell-state" if state == "c" else "hidden-state"
        return Finding(f"{model}.{state}.vanishes", r < VANISHED, r,
                       f"first/last < {number_to_text(VANISHED)}",
                       f"{_name(model)} {what} gradient, first word over last: "
                       f"{_ratio_text(r)}")

    def grows(self, model: str, state: str = "h", snapshot: int = -1) -> Finding:
        r = self.ratio(model, state, snapshot)
        return Finding(f"{model}.{state}.grows", r > GROWS, r, f"first/last > {GROWS:g}",
                       f"{_name(model)} gradient reaching the first word, over the last: "
                       f"{_ratio_text(r)}")

    def flow(self, model: str, state: str = "h", snapshot: int = -1) -> str:
        """``"vanishes"``, ``"grows"`` or ``"kept"`` (between the two thresholds)."""
        if self.vanishes(model, state, snapshot).holds:
            return "vanishes"
        return "grows" if self.grows(model, state, snapshot).holds else "kept"

    def always_vanishes(self, model: str) -> Finding:
        """At every training snapshot, not only the last."""
        ratios = [gradient_ratio(n) for n in self.data[grad_key(model)]]
        worst = max(ratios)
        return Finding(f"{model}.always_vanishes", worst < VANISHED, worst,
                       f"first/last < {number_to_text(VANISHED)} at every snapshot",
                       f"{_name(model)} gradient ratio at its best snapshot: "
                       f"{_ratio_text(worst)}")

    # ---------------------------------------------------------------------------- gates

    def forget_mean(self, model: str = "lstm") -> float:
        return float(self.data[gate_key(model, "forget")].mean())

    def forget_near_one(self, model: str = "lstm") -> Finding:
        f = self.forget_mean(model)
        return Finding(f"{model}.forget_near_one", f >= NEAR_ONE, f, f"mean >= {NEAR_ONE:g}",
                       f"{_name(model)} mean forget gate on the probe: {f:.2f}")

    def highway(self) -> Finding:
        """The LSTM's cell state keeps the gradient back to the first word."""
        found = self.vanishes("lstm", "c")
        return Finding("lstm.highway", not found.holds, found.value,
                       f"cell-state first/last >= {number_to_text(VANISHED)}", found.says)

    # ------------------------------------------------------------------------- the rest

    def relu_helped(self) -> Finding:
        """The ReLU RNN kept more of the gradient than both the sigmoid and the tanh RNN,
        by at least a factor of ten."""
        relu = self.ratio("rnn_relu")
        best = max(self.ratio("rnn_sigmoid"), self.ratio("rnn_tanh"))
        holds = relu > 10 * best
        return Finding("rnn_relu.helped", holds, relu,
                       "first/last > 10x the sigmoid and tanh RNNs'",
                       f"ReLU RNN gradient ratio {_ratio_text(relu)}, best of sigmoid and "
                       f"tanh {_ratio_text(best)}")

    def reach(self, kind: str) -> LengthReach:
        return length_reach(self.data[SWEEP_SEQ_LEN], self.data[sweep_key(kind)])

    def short_term_bias(self, kind: str = "rnn_tanh") -> Finding:
        """Solved at the shortest length of the sweep, no better than chance at the
        longest."""
        acc = self.data[sweep_key(kind)]
        holds = bool(acc[0] >= SOLVED and acc[-1] < self.chance + CHANCE_MARGIN)
        lengths = self.data[SWEEP_SEQ_LEN]
        return Finding(f"{kind}.short_term_bias", holds, float(acc[0] - acc[-1]),
                       f"accuracy >= {SOLVED:.0%} at the shortest length, < chance + "
                       f"{CHANCE_MARGIN * 100:.0f} points at the longest",
                       f"{_name(kind)} accuracy {percent_to_text(acc[0])} at {lengths[0]} "
                       f"words, {percent_to_text(acc[-1])} at {lengths[-1]}")

    def identity_kept(self) -> Finding:
        """The trained IRNN's recurrent diagonal is still close to one."""
        diag = float(np.diag(self.data[param_key("irnn", "weight_hh_l0")]).mean())
        return Finding("irnn.identity_kept", abs(diag - 1) <= 1 - NEAR_ONE, diag,
                       f"|mean diagonal - 1| <= {1 - NEAR_ONE:.1f}",
                       f"IRNN recurrent diagonal after training averages {diag:.3g}")

    def probe_probability(self, model: str) -> float:
        """What the model gives the right answer after the whole probe sentence."""
        prob = self.data[probe_key(model, "prob")][-1]
        return float(prob[int(self.data[probe_key(model, "target")])])

    def probe_length(self, model: str) -> int:
        """How many words the model's probe sentence has."""
        return len(self.data[probe_key(model, "tokens")])

    def probe_length_less(self, model: str, shown: str) -> int:
        """The probe's words less ``shown`` of them: those a picture leaves out."""
        return self.probe_length(model) - int(shown)

    def hidden_size(self, model: str) -> int:
        """The model's hidden size, from its probe's hidden states."""
        return int(self.data[probe_key(model, "h")].shape[1])

    def _probe_answers(self, model: str) -> np.ndarray:
        """The probabilities after the whole probe sentence, highest first."""
        return np.sort(self.data[probe_key(model, "prob")][-1])[::-1]

    def probe_top_probability(self, model: str) -> float:
        return float(self._probe_answers(model)[0])

    def probe_runner_up_probability(self, model: str) -> float:
        return float(self._probe_answers(model)[1])

    def probe_sure(self, model: str) -> Finding:
        """The model's top answer to the probe is the right one, ahead of the runner-up by
        at least :data:`CHANCE_MARGIN`: it "remembered"."""
        right = self.probe_right(model).holds
        lead = self.probe_top_probability(model) - self.probe_runner_up_probability(model)
        return Finding(f"{model}.probe_sure", right and lead >= CHANCE_MARGIN, lead,
                       f"top answer right and >= {CHANCE_MARGIN * 100:.0f} points ahead of "
                       "the runner-up",
                       f"{_name(model)} leads its runner-up on the probe by "
                       f"{lead * 100:.1f} points")

    def probe_coin_toss(self, model: str) -> Finding:
        """The two top answers to the probe are within :data:`CHANCE_MARGIN` of each other
        and together hold most of the probability: a coin toss between two answers."""
        top, runner = self.probe_top_probability(model), self.probe_runner_up_probability(model)
        return Finding(f"{model}.probe_coin_toss",
                       top - runner < CHANCE_MARGIN and top + runner > 0.5, top - runner,
                       f"the two top answers within {CHANCE_MARGIN * 100:.0f} points, "
                       "together > 50%",
                       f"{_name(model)}'s two top answers to the probe: "
                       f"{percent_to_text(top)} and {percent_to_text(runner)}")

    def probe_guess(self, model: str) -> Finding:
        p, chance = self.probe_probability(model), self.chance_of(model)
        return Finding(f"{model}.probe_guess", p < chance + CHANCE_MARGIN, p,
                       f"p(right answer) < chance + {CHANCE_MARGIN * 100:.0f} points",
                       f"{_name(model)} gives the probe's answer {percent_to_text(p)}")

    def probe_right(self, model: str) -> Finding:
        """The model's top answer to the probe sentence is the right one."""
        prob = self.data[probe_key(model, "prob")][-1]
        target = int(self.data[probe_key(model, "target")])
        return Finding(f"{model}.probe_right", int(prob.argmax()) == target, float(prob.max()),
                       "top answer = the right answer",
                       f"{_name(model)} answers the probe "
                       f"{self.data.vocab[self._task(model)]['classes'][int(prob.argmax())]}")

    def loss_after_step(self) -> float:
        """The feed-forward example's loss after its one step of gradient descent, from the
        updated w and b (one sigmoid neuron, squared error)."""
        f = {name: float(self.data[feedforward_key(name)])
             for name in ("x", "y_true", "w_next", "b_next")}
        y_hat = 1 / (1 + np.exp(-(f["w_next"] * f["x"] + f["b_next"])))
        return float((f["y_true"] - y_hat) ** 2)

    def descends(self) -> Finding:
        """The feed-forward example's step lowers the loss."""
        before, after = float(self.data[feedforward_key("loss")]), self.loss_after_step()
        return Finding("feedforward.descends", after < before, after,
                       "loss after the step < loss before",
                       f"one step of gradient descent takes the loss from {before:.3g} to "
                       f"{after:.3g}")

    def cuisine_story(self, second_name: str, first_dish: str, first_answer: str
                      ) -> CuisineStory:
        """The biriyani/pasta probe of the cuisine LSTM (see :func:`cuisine_story`)."""
        model = CUISINE_MODEL
        words = self.data.words("cuisine", self.data[probe_key(model, "tokens")])
        classes = self.data.vocab["cuisine"]["classes"]
        return cuisine_story(words, self.data[probe_key(model, "prob")],
                             self.data[gate_key(model, "forget")],
                             int(self.data[probe_key(model, "target")]), second_name,
                             first_dish, classes.index(first_answer))

    def _task(self, model: str) -> str:
        return "cuisine" if model.startswith(CUISINE_MODEL.split("/")[0] + "/") else "recall"

    def all(self) -> list[Finding]:
        """Every finding about a whole bundle, in the lecture's order."""
        found = []
        for model in (*RECALL_MODELS, CUISINE_MODEL):
            found += [self.solved(model), self.near_chance(model), self.vanishes(model)]
        found += [self.grows("irnn"), self.always_vanishes("rnn_tanh"), self.relu_helped(),
                  self.identity_kept(), self.forget_near_one("lstm"),
                  self.forget_near_one(CUISINE_MODEL), self.highway(),
                  self.probe_guess("rnn_tanh"), self.probe_right("lstm"),
                  self.short_term_bias("rnn_tanh"), self.descends()]
        return found


def _name(model: str) -> str:
    task, _, kind = model.rpartition("/")
    return f"{MODEL_NAMES[kind]} ({task})" if task else MODEL_NAMES[kind]


def _ratio_text(r: float) -> str:
    return "0 (exactly: no gradient arrives)" if r == 0 else f"{r:.2g}"
