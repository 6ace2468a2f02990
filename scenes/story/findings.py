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
    activation_key,
    feedforward_key,
    gate_key,
    grad_key,
    param_key,
    probe_key,
    scalar_key,
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
# A held-out loss is "still falling" when training ended if it fell by at least this share
# of itself over the last LAST_PART of the training steps: a run that fails while this holds
# may only be undertrained.
STILL_FALLING, LAST_PART = 0.02, 0.25
# The scalar example's gradient "explodes" when, over its steps, it grows more than this many
# times: a hundred, the mirror of VANISHED.
EXPLODED = 1 / VANISHED


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
                  second_name: str, first_dish: str, first_answer: int | None
                  ) -> CuisineStory:
    """``forget`` (T, H) the forget gate; ``first_answer`` the class of ``first_dish`` (None
    when the bundle's classes do not hold it: then nothing carries it)."""
    forget = np.asarray(forget, dtype=float).mean(axis=1)
    at = find_the_switch(words, prob, forget, second_name)
    before = forget[:max(at.name, 1)]
    held = float(before.mean())
    low = float(forget[at.dip])
    change = "drops" if low <= held - DIP else "rises" if low > held + DIP else "flat"
    dish = words.index(first_dish) if first_dish in words else None
    return CuisineStory(at, forget, held, bool(np.abs(before - held).max() <= STEADY), change,
                        at.final == target, at.switch > 0 and at.first == first_answer, dish)


def _index(words: Sequence[str], word: str) -> int | None:
    """Where ``word`` is in ``words``; None for a vocabulary without it (a bundle's own)."""
    return words.index(word) if word in words else None


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
        # act04 bptt, act06 why_problem, act07 fixes
        "typical_factor": "typical_factor",
        "factor_count": "factor_count",
        "factor_product": "factor_product",
        "step_factor": "step_factor",
        "steps_back": "steps_back",
        "largest_singular_value": "largest_singular_value",
        "grad_norm": "grad_norm",
        "grad_zeros": "grad_zeros",
        "grad_step": "grad_step",
        "snapshots": "snapshots",
        "ratio_at": "ratio_at",
        "inverse_ratio": "inverse_ratio",
        "sweep_length": "sweep_length",
        "sweep_accuracy": "sweep_accuracy",
        "solved_threshold": "solved_threshold",
        "no_change": "no_change",
        "slope_peak": "slope_peak",
        "slope_bound": "slope_bound",
        "diagonal": "diagonal",
        "factors_below_one": "factors_below_one",
        "classes": "classes",
        "scalar_weight": "scalar_weight",
        "scalar_factor": "scalar_factor",
        "scalar_steps": "scalar_steps",
        # act01 hook, act02 feedforward, act05 vanish_explode
        "grad_length": "grad_length",
        "feedforward": "feedforward_value",
        "feedforward_change": "feedforward_change",
        "feedforward_samples": "feedforward_samples",
        "feedforward_loss_after": "loss_after_step",
        "scalar_factor_at": "scalar_factor_at",
        "scalar_steps_shown": "scalar_steps_shown",
        # act08 lstm, act09 highway, act10 summary
        "forget_mean": "forget_mean",
        "forget_held": "forget_held",
        "forget_low": "forget_low",
        "input_peak": "input_peak",
        "final_answer_p": "final_answer_p",
        "update_mean": "update_mean",
        "near_one": "near_one",
        "train_steps": "train_steps",
        "seed": "seed",
        "c_relative_min": "c_relative_min",
        "chance_margin": "chance_margin",
    }

    def __init__(self, data):
        self.data = data

    def value(self, quantity: str) -> float:
        """The value of a named quantity (see the class's docstring)."""
        name, _, arg = quantity.partition("[")  # the argument first: it may hold a dot
        head, _, name = name.rpartition(".")
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
        return Finding(f"{model}.{state}.vanishes{_at(snapshot)}", r < VANISHED, r,
                       f"first/last < {number_to_text(VANISHED)}",
                       f"{_name(model)} {what} gradient, first word over last: "
                       f"{_ratio_text(r)}")

    def grows(self, model: str, state: str = "h", snapshot: int = -1) -> Finding:
        r = self.ratio(model, state, snapshot)
        return Finding(f"{model}.{state}.grows{_at(snapshot)}", r > GROWS, r,
                       f"first/last > {GROWS:g}",
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
        """The two top answers to the probe are within :data:`CHANCE_MARGIN` of each other,
        together hold more than half the probability, and both stand at least
        :data:`CHANCE_MARGIN` above the third: a coin toss between two answers (four equal
        answers are a guess, not a coin toss)."""
        answers = self._probe_answers(model)
        top, runner = float(answers[0]), float(answers[1])
        third = float(answers[2]) if len(answers) > 2 else 0.0
        return Finding(f"{model}.probe_coin_toss",
                       top - runner < CHANCE_MARGIN and top + runner > 0.5
                       and runner - third >= CHANCE_MARGIN, top - runner,
                       f"the two top answers within {CHANCE_MARGIN * 100:.0f} points, "
                       f"together > 50%, the third >= {CHANCE_MARGIN * 100:.0f} points below",
                       f"{_name(model)}'s three top answers to the probe: "
                       f"{percent_to_text(top)}, {percent_to_text(runner)} and "
                       f"{percent_to_text(third)}")

    def probe_guess(self, model: str) -> Finding:
        """No answer to the probe stands out: even the top one is below chance plus
        :data:`CHANCE_MARGIN`. (A right answer given 2 % beside a wrong one given 95 % is
        not a guess: it is a wrong answer.)"""
        top, chance = self.probe_top_probability(model), self.chance_of(model)
        return Finding(f"{model}.probe_guess", top < chance + CHANCE_MARGIN, top,
                       f"top answer's p < chance + {CHANCE_MARGIN * 100:.0f} points",
                       f"{_name(model)}'s top answer to the probe has "
                       f"{percent_to_text(top)}")

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
                             first_dish, _index(classes, first_answer))

    def _task(self, model: str) -> str:
        return "cuisine" if model.startswith(CUISINE_MODEL.split("/")[0] + "/") else "recall"

    def all(self) -> list[Finding]:
        """Every finding about a whole bundle, in the lecture's order."""
        found = []
        for model in (*RECALL_MODELS, CUISINE_MODEL):
            found += [self.solved(model), self.near_chance(model), self.vanishes(model)]
        found += [self.still_learning(model) for model in RECALL_MODELS
                  if not self.solved(model).holds]
        found += [self.grows("irnn"), self.always_vanishes("rnn_tanh"), self.relu_helped(),
                  self.identity_kept(), self.forget_near_one("lstm"),
                  self.forget_near_one(CUISINE_MODEL), self.highway(),
                  self.update_near_one("gru"), self.probe_guess("rnn_tanh"),
                  self.probe_sure("rnn_tanh"), self.probe_coin_toss("rnn_tanh"),
                  self.probe_right("lstm"),
                  self.short_term_bias("rnn_tanh"), self.descends()]
        return found

    # --- act04 bptt, act06 why_problem, act07 fixes

    def telescope(self, model: str) -> Telescope | None:
        """The run of step factors of the last snapshot (:func:`telescoping_factors`)."""
        return telescoping_factors(self.data[grad_key(model)][-1])

    def _run(self, model: str) -> Telescope:
        run = self.telescope(model)
        if run is None:
            raise ValueError(f"{model}: fewer than two steps back left above exact zero")
        return run

    def typical_factor(self, model: str) -> float:
        """What one step back typically multiplies the gradient by: the geometric mean of the
        unbroken run of step factors ending at the last word, so that it multiplies out,
        over :meth:`factor_count` steps, to the ratio the run spans (the first-word/last-word
        ratio when no norm underflowed)."""
        return self._run(model).typical

    def factor_count(self, model: str) -> int:
        return len(self._run(model).factors)

    def factor_product(self, model: str) -> float:
        return self._run(model).product

    def factors_below_one(self, model: str) -> int:
        """How many factors of the run are below one."""
        return int((self._run(model).factors < 1).sum())

    def classes(self, model: str) -> int:
        """How many answers the model's task has."""
        return len(self.data.vocab[self._task(model)]["classes"])

    def step_factor(self, model: str, k: str) -> float:
        """The ``k``-th factor of the run, in time order (``-1``: the last step back)."""
        return float(self._run(model).factors[int(k)])

    def steps_back(self, model: str) -> int:
        """How many steps back the gradient takes from the last word to the first."""
        return self.data[grad_key(model)].shape[1] - 1

    def largest_singular_value(self, model: str) -> float:
        """The most ``W_h`` stretches any vector."""
        w = np.asarray(self.data[param_key(model, "weight_hh_l0")], dtype=float)
        return float(np.linalg.norm(w, 2))

    def grad_norm(self, model: str, t: str) -> float:
        """||dL/dh_t|| at word ``t`` (``0`` the first, ``-1`` the last), last snapshot."""
        return float(self.data[grad_key(model)][-1][int(t)])

    def grad_zeros(self, model: str) -> int:
        """Words whose gradient underflowed to exactly zero, last snapshot."""
        return int((self.data[grad_key(model)][-1] <= 0).sum())

    def grad_step(self, model: str, s: str) -> int:
        """The training step of gradient snapshot ``s``."""
        return int(self.data[grad_key(model, "step")][int(s)])

    def snapshots(self, model: str) -> int:
        return len(self.data[grad_key(model, "step")])

    def ratio_at(self, model: str, s: str) -> float:
        """The first-word/last-word ratio at snapshot ``s``."""
        return self.ratio(model, snapshot=int(s))

    def inverse_ratio(self, model: str) -> float:
        """How many times weaker the first word's gradient is than the last word's."""
        norms = self.data[grad_key(model)][-1]
        return float(norms[-1] / norms[0])

    def sweep_length(self, i: str) -> int:
        return int(self.data[SWEEP_SEQ_LEN][int(i)])

    def sweep_accuracy(self, kind: str, length: str) -> float:
        """``kind``'s accuracy in the length sweep, trained on ``length`` words."""
        lengths = [int(n) for n in self.data[SWEEP_SEQ_LEN]]
        return float(self.data[sweep_key(kind)][lengths.index(int(length))])

    def solved_threshold(self) -> float:
        return SOLVED

    def no_change(self) -> float:
        """The factor that leaves a gradient as it is."""
        return 1.0

    def slope_peak(self, activation: str) -> float:
        """The largest slope of ``activation`` (``sigmoid``, ``tanh``, ``relu``) sampled."""
        return float(self.data[activation_key(f"d_{activation}")].max())

    def slope_bound(self, activation: str, steps: str) -> float:
        """The most ``steps`` slopes of ``activation`` can multiply to."""
        return self.slope_peak(activation) ** int(steps)

    def diagonal(self, model: str) -> float:
        """The mean of the trained recurrent weights' diagonal."""
        return float(np.diag(self.data[param_key(model, "weight_hh_l0")]).mean())

    # The scalar example, h_t = w h_{t-1} + x_t: its quantities and findings are named by
    # the weight: ``scalar_factor[1.5]``, ``scalar.vanishes[0.5]``.

    def _scalar_row(self, w: str | float) -> int:
        weights = [float(v) for v in self.data[scalar_key("w")]]
        if float(w) not in weights:
            raise ValueError(f"the scalar example has no weight {w}; it has {weights}")
        return weights.index(float(w))

    def scalar_weight(self, w: str | float) -> float:
        """One of the scalar example's weights (named by itself: the bundle must have it)."""
        return float(self.data[scalar_key("w")][self._scalar_row(w)])

    def scalar_factor(self, w: str | float) -> float:
        """What the scalar example's gradient is multiplied by over all its steps back."""
        return float(self.data[scalar_key("factor")][self._scalar_row(w), -1])

    def scalar_steps(self) -> int:
        """How many steps back the scalar example takes."""
        return self.data[scalar_key("factor")].shape[1] - 1

    def scalar_vanishes(self, w: float) -> Finding:
        factor = self.scalar_factor(w)
        return Finding(f"scalar.vanishes[{float(w):g}]", abs(factor) < VANISHED, factor,
                       f"|factor over the steps| < {number_to_text(VANISHED)}",
                       f"scalar example, w = {float(w):g}: the gradient is multiplied by "
                       f"{factor:.3g} over {self.scalar_steps()} steps")

    def scalar_explodes(self, w: float) -> Finding:
        factor = self.scalar_factor(w)
        return Finding(f"scalar.explodes[{float(w):g}]", abs(factor) > EXPLODED, factor,
                       f"|factor over the steps| > {number_to_text(EXPLODED)}",
                       f"scalar example, w = {float(w):g}: the gradient is multiplied by "
                       f"{factor:.3g} over {self.scalar_steps()} steps")

    def shrinks(self, model: str, state: str = "h") -> Finding:
        """The first word gets less of the gradient than the last."""
        r = self.ratio(model, state)
        return Finding(f"{model}.{state}.shrinks", r < GROWS, r, f"first/last < {GROWS:g}",
                       f"{_name(model)} gradient, first word over last: {_ratio_text(r)}")

    def every_step_shrinks(self, model: str) -> Finding:
        """Every factor of the run of step factors is below one."""
        run = self._run(model)
        worst = float(run.factors.max())
        return Finding(f"{model}.every_step_shrinks", worst < GROWS, worst,
                       f"every step factor < {GROWS:g}",
                       f"{_name(model)}'s largest step factor: {worst:.3g}")

    def _slope(self, model: str, rule: str) -> Finding:
        ratios = [gradient_ratio(n) for n in self.data[grad_key(model)]]
        change = slope_change(ratios)
        first, last = ratios[0], ratios[-1]
        # an exact zero is far below anything else: minus (or plus) infinitely many decades
        log = [float(np.log10(r)) if r > 0 else -np.inf for r in (first, last)]
        decades = 0.0 if log[0] == log[1] else log[1] - log[0]
        return Finding(f"{model}.{rule}", change == {"slope_same": "same"}.get(rule, rule),
                       decades, f"first/last moves by < {STEEPER:g} decades (steeper), > "
                       f"{FLATTER:g} (flatter), else the same",
                       f"{_name(model)} first/last from {_ratio_text(first)} at the first "
                       f"snapshot to {_ratio_text(last)} at the last")

    def steeper(self, model: str) -> Finding:
        return self._slope(model, "steeper")

    def flatter(self, model: str) -> Finding:
        return self._slope(model, "flatter")

    def slope_same(self, model: str) -> Finding:
        return self._slope(model, "slope_same")

    def still_learning(self, model: str) -> Finding:
        """The held-out loss was still falling when training ended (:func:`last_part_fall`)."""
        fall = last_part_fall(self.data[train_key(model, "step")],
                              self.data[train_key(model, "loss")])
        return Finding(f"{model}.still_learning", fall >= STILL_FALLING, fall,
                       f"held-out loss fell >= {STILL_FALLING:.0%} over the last "
                       f"{LAST_PART:.0%} of training",
                       f"{_name(model)} held-out loss fell {fall:.1%} over the last "
                       f"{LAST_PART:.0%} of training")

    def solves_every_length(self, kind: str) -> Finding:
        acc = np.asarray(self.data[sweep_key(kind)])
        return Finding(f"{kind}.solves_every_length", bool((acc >= SOLVED).all()),
                       float(acc.min()), f"accuracy >= {SOLVED:.0%} at every length",
                       f"{_name(kind)} lowest accuracy in the sweep: "
                       f"{percent_to_text(acc.min())}")

    def solves_no_length(self, kind: str) -> Finding:
        acc = np.asarray(self.data[sweep_key(kind)])
        return Finding(f"{kind}.solves_no_length", bool((acc < SOLVED).all()),
                       float(acc.max()), f"accuracy < {SOLVED:.0%} at every length",
                       f"{_name(kind)} highest accuracy in the sweep: "
                       f"{percent_to_text(acc.max())}")

    def near_chance_from(self, kind: str, length: int) -> Finding:
        """In the length sweep, ``kind`` is no better than chance from ``length`` words on,
        and (unless ``length`` is the shortest) better than that just before it."""
        lengths = [int(n) for n in self.data[SWEEP_SEQ_LEN]]
        acc = np.asarray(self.data[sweep_key(kind)])
        near = acc < self.chance + CHANCE_MARGIN
        at = lengths.index(int(length))
        holds = bool(near[at:].all() and (at == 0 or not near[at - 1]))
        return Finding(f"{kind}.near_chance[{int(length)}]", holds, float(acc[at:].max()),
                       f"sweep accuracy < chance + {CHANCE_MARGIN * 100:.0f} points from "
                       "this length on, not just before it",
                       f"{_name(kind)} best sweep accuracy from {length} words on: "
                       f"{percent_to_text(acc[at:].max())}")

    def at_most(self, what: str) -> Finding:
        """A bound the lecture states: ``"<activation>.slope"``, the activation's slope never
        exceeds its largest sampled value (so a product of n slopes never exceeds its n-th
        power); ``"<model>.W_h"``, W_h stretches none of its right singular vectors (an
        orthonormal basis) by more than its largest singular value."""
        head, part = what.rsplit(".", 1)
        if part == "slope":
            slopes = self.data[activation_key(f"d_{head}")]
            bound = float(slopes.max())
            holds = bool(np.all(slopes <= bound) and np.all(slopes >= 0))
            says = f"{head} slope sampled from {slopes.min():.3g} to {bound:.3g}"
        else:
            w = np.asarray(self.data[param_key(head, "weight_hh_l0")], dtype=float)
            bound = self.largest_singular_value(head)
            vectors = np.linalg.svd(w)[2]  # (H, H) rows: unit vectors
            stretch = float(np.linalg.norm(vectors @ w.T, axis=1).max())
            holds = stretch <= bound * (1 + 1e-9)
            says = f"{_name(head)} W_h stretches a unit vector by at most {stretch:.4g}"
        return Finding(f"{what}.at_most", holds, bound, "no value above the bound", says)

    def kept_most(self, model: str, among: Sequence[str]) -> Finding:
        """``model`` kept at least as much of the gradient as each of ``among``."""
        r = self.ratio(model)
        return Finding(f"{model}.kept_most", all(r >= self.ratio(m) for m in among), r,
                       "first/last >= every other's", f"{_name(model)} first/last "
                       f"{_ratio_text(r)}")

    def stretched(self, model: str, activation: str) -> Finding:
        """The first word kept more than the activation's slopes alone allow over the
        sentence, so W_h must have stretched the gradient on the way."""
        r, n = self.ratio(model), self.steps_back(model)
        bound = self.slope_bound(activation, n)
        return Finding(f"{model}.stretched", r > bound, r, f"first/last > largest slope^{n}",
                       f"{_name(model)} first/last {_ratio_text(r)}, slopes alone at most "
                       f"{bound:.2g}")

    # --- act01 hook, act02 feedforward, act05 vanish_explode

    def grad_length(self, model: str) -> int:
        """How many words the gradient is measured over: one norm per word."""
        return int(self.data[grad_key(model)].shape[-1])

    def trained(self, model: str) -> Finding:
        """The gradient the lecture shows (the last snapshot) was measured after training:
        at the last training step, and past step 0."""
        snapshot = int(self.data[grad_key(model, "step")][-1])
        end = int(self.data[train_key(model, "step")][-1])
        return Finding(f"{model}.trained", snapshot == end and end > 0, snapshot,
                       "last gradient snapshot at the last training step, after step 0",
                       f"{_name(model)}'s last gradient snapshot is at step {snapshot}, "
                       f"training ended at step {end}")

    def feedforward_value(self, name: str) -> float:
        """One number of the feed-forward example (a name of ``FEEDFORWARD``)."""
        return float(self.data[feedforward_key(name)])

    def feedforward_change(self, name: str) -> float:
        """How much the step moves ``w``, ``b`` or the ``loss``: after, less before."""
        after = (self.loss_after_step() if name == "loss"
                 else self.feedforward_value(f"{name}_next"))
        return after - self.feedforward_value(name)

    def feedforward_samples(self) -> int:
        """The feed-forward example's training samples: one input, one target."""
        return int(np.size(self.data[feedforward_key("x")]))

    def ascends(self) -> Finding:
        """The feed-forward example's step raises the loss: the step was too big."""
        before, after = self.feedforward_value("loss"), self.loss_after_step()
        return Finding("feedforward.ascends", after > before, after,
                       "loss after the step > loss before",
                       f"one step of gradient descent takes the loss from {before:.6g} to "
                       f"{after:.6g}")

    def _w_moves(self, rule: str, sign: int) -> Finding:
        slope, change = self.feedforward_value("dloss_dw"), self.feedforward_change("w")
        holds = bool(np.sign(slope) == -sign and np.sign(change) == sign)
        return Finding(f"feedforward.{rule}", holds, change,
                       f"dL/dw {'<' if sign > 0 else '>'} 0 and w after the step "
                       f"{'>' if sign > 0 else '<'} w before",
                       f"dL/dw = {slope:.3g}; the step moves w by {change:.3g}")

    def w_up(self) -> Finding:
        """The slope of the loss at w is negative, and the step increases w."""
        return self._w_moves("w_up", 1)

    def w_down(self) -> Finding:
        """The slope of the loss at w is positive, and the step decreases w."""
        return self._w_moves("w_down", -1)

    def _scalar_row_values(self, w: str | float) -> np.ndarray:
        """The scalar example's factors for weight ``w``, after 0, 1, ... K steps back."""
        return np.asarray(self.data[scalar_key("factor")][self._scalar_row(w)], dtype=float)

    def scalar_factor_at(self, at: str) -> float:
        """The factor after ``k`` steps back for weight ``w``: ``at`` is ``"w,k"``."""
        w, k = at.split(",")
        return float(self._scalar_row_values(w)[int(k)])

    def scalar_steps_shown(self, most: str) -> int:
        """The steps back a picture shows: ``most``, or all the example has if fewer."""
        return min(int(most), self.scalar_steps())

    def _scalar_trend(self, w: float, rule: str) -> Finding:
        row = np.abs(self._scalar_row_values(w))
        steps = np.diff(row)
        holds = {"falls": bool(np.all(steps <= 0) and row[-1] < row[0]),
                 "climbs": bool(np.all(steps >= 0) and row[-1] > row[0]),
                 "flat": bool(np.all(row == row[0]))}[rule]
        return Finding(f"scalar.{rule}[{float(w):g}]", holds, float(row[-1]),
                       {"falls": "|factor| never rises from one step to the next, and ends "
                                 "below where it starts",
                        "climbs": "|factor| never falls from one step to the next, and ends "
                                  "above where it starts",
                        "flat": "the factor is the same after every number of steps"}[rule],
                       f"scalar example, w = {float(w):g}: the factor goes from {row[0]:.3g} "
                       f"to {row[-1]:.3g} over {self.scalar_steps()} steps")

    def scalar_falls(self, w: float) -> Finding:
        """Each step back shrinks the scalar example's gradient (or leaves it), and it ends
        smaller than it starts."""
        return self._scalar_trend(w, "falls")

    def scalar_climbs(self, w: float) -> Finding:
        """Each step back grows the scalar example's gradient (or leaves it), and it ends
        larger than it starts."""
        return self._scalar_trend(w, "climbs")

    def scalar_flat(self, w: float) -> Finding:
        """The scalar example's gradient is the same after every number of steps back."""
        return self._scalar_trend(w, "flat")


    # --- act08 lstm, act09 highway, act10 summary

    # The tutorial's example: the words the cuisine probe's story hinges on.
    SECOND_NAME, FIRST_DISH, FIRST_ANSWER = "John", "biriyani", "Bangladeshi"

    @cached_property
    def tutorial(self) -> CuisineStory:
        """The cuisine LSTM's reading of the tutorial's sentence (:func:`cuisine_story`)."""
        return self.cuisine_story(self.SECOND_NAME, self.FIRST_DISH, self.FIRST_ANSWER)

    def _story_of(self, model: str) -> CuisineStory:
        if model != CUISINE_MODEL:
            raise ValueError(f"the tutorial's story is {CUISINE_MODEL}'s, not {model!r}'s")
        return self.tutorial

    def forget_held(self, model: str) -> float:
        """The mean forget gate over the words before the second name."""
        return self._story_of(model).held

    def forget_low(self, model: str) -> float:
        """The lowest mean forget gate from the second name to just past the switch."""
        story = self._story_of(model)
        return float(story.forget[story.at.dip])

    def _inputs(self, model: str) -> np.ndarray:
        return self.data[gate_key(model, "input")].mean(axis=1)  # (T,) mean over units

    def input_peak(self, model: str) -> float:
        """The highest mean input gate from the second name to just past the switch."""
        return float(self._inputs(model)[self._story_of(model).at.window].max())

    def final_answer_p(self, model: str, t: str) -> float:
        """What the model gives its last answer after word ``t``."""
        return float(self.data[probe_key(model, "prob")][int(t), self._story_of(model).at.final])

    def answer_lead(self, model: str) -> np.ndarray:
        """(T,) after each word, the last answer's probability less the best other one's."""
        prob = np.asarray(self.data[probe_key(model, "prob")], dtype=float)
        final = int(prob[-1].argmax())
        others = np.delete(prob, final, axis=1)
        return prob[:, final] - others.max(axis=1)

    def settles(self, model: str) -> int | None:
        """The word from which the last answer leads the runner-up by at least
        :data:`CHANCE_MARGIN` at every word to the end; None when it does not at the last."""
        ok = self.answer_lead(model) >= CHANCE_MARGIN
        if not ok[-1]:
            return None
        return 0 if ok.all() else len(ok) - int(np.argmin(ok[::-1]))

    def _story_finding(self, model: str, rule: str, holds: bool, value: float, threshold: str,
                       says: str) -> Finding:
        return Finding(f"{model}.{rule}", bool(holds), float(value), threshold, says)

    def held_near_one(self, model: str) -> Finding:
        """The forget gate before the second name averages at least :data:`NEAR_ONE`."""
        held = self.forget_held(model)
        return self._story_finding(model, "held_near_one", held >= NEAR_ONE, held,
                                   f"mean before the second name >= {NEAR_ONE:g}",
                                   f"{_name(model)} forget gate before "
                                   f"{self.SECOND_NAME}: {held:.3g}")

    def holds_first(self, model: str) -> Finding:
        """Just before the second name, the top answer is the first dish's, ahead of the
        runner-up by at least :data:`CHANCE_MARGIN`."""
        at = self._story_of(model).at
        prob = np.asarray(self.data[probe_key(model, "prob")], dtype=float)
        k = _index(self.data.vocab["cuisine"]["classes"], self.FIRST_ANSWER)
        t = at.name - 1
        lead = (float(prob[t, k] - np.delete(prob[t], k).max()) if t >= 0 and k is not None
                else float("-inf"))
        return self._story_finding(model, "holds_first", lead >= CHANCE_MARGIN, lead,
                                   f"{self.FIRST_ANSWER} >= {CHANCE_MARGIN * 100:.0f} points "
                                   f"ahead just before {self.SECOND_NAME}",
                                   f"{_name(model)}: {self.FIRST_ANSWER} leads by "
                                   f"{lead * 100:.1f} points there")

    def carries(self, model: str) -> Finding:
        """The cell "carries" the first dish: its forget gate before the second name is
        near one (:meth:`held_near_one`) and its answer there is the first dish's
        (:meth:`holds_first`)."""
        near, first = self.held_near_one(model), self.holds_first(model)
        return self._story_finding(model, "carries", near.holds and first.holds, near.value,
                                   f"{near.rule}, and {first.rule}",
                                   f"{near.says}; {first.says}")

    def steady(self, model: str) -> Finding:
        """Before the second name the forget gate stays within :data:`STEADY` of its mean."""
        story = self._story_of(model)
        before = story.forget[:max(story.at.name, 1)]
        spread = float(np.abs(before - story.held).max())
        return self._story_finding(model, "steady", story.steady, spread,
                                   f"within {STEADY:g} of its mean before the second name",
                                   f"{_name(model)} forget gate strays {spread:.3g} from its "
                                   "mean there")

    def _change(self, model: str, rule: str) -> Finding:
        story = self._story_of(model)
        change = {"forget_drops": "drops", "forget_flat": "flat", "forget_rises": "rises"}[rule]
        return self._story_finding(model, rule, story.change == change,
                                   self.forget_low(model) - story.held,
                                   f"lowest at the name vs mean before: <= -{DIP:g} drops, "
                                   f"> {DIP:g} rises, else flat",
                                   f"{_name(model)} forget gate from {story.held:.3g} to "
                                   f"{self.forget_low(model):.3g} at the name")

    def forget_drops(self, model: str) -> Finding:
        return self._change(model, "forget_drops")

    def forget_flat(self, model: str) -> Finding:
        return self._change(model, "forget_flat")

    def forget_rises(self, model: str) -> Finding:
        return self._change(model, "forget_rises")

    def input_widest(self, model: str) -> Finding:
        """The mean input gate is highest, over the whole sentence, at the words from the
        second name to just past the switch."""
        at = self._story_of(model).at
        inputs = self._inputs(model)
        peak = int(inputs.argmax())
        inside = at.window.start <= peak < min(at.window.stop, len(inputs))
        return self._story_finding(model, "input_widest", inside, float(inputs.max()),
                                   "the highest mean input gate is at the second name's words",
                                   f"{_name(model)} input gate highest at word {peak + 1}")

    def settles_at(self, model: str, t: int | str) -> Finding:
        """The last answer leads the runner-up by at least :data:`CHANCE_MARGIN` from word
        ``t`` to the end, and not just before ``t``."""
        settled = self.settles(model)
        lead = self.answer_lead(model)
        return self._story_finding(model, f"settles_at[{int(t)}]", settled == int(t),
                                   float(lead[int(t):].min()),
                                   f"the last answer >= {CHANCE_MARGIN * 100:.0f} points ahead "
                                   "from this word on, not just before it",
                                   f"{_name(model)} settles at word "
                                   f"{'never' if settled is None else settled + 1}")

    def commits(self, model: str) -> Finding:
        """After the last word, the top answer leads the runner-up by at least
        :data:`CHANCE_MARGIN`."""
        lead = float(self.answer_lead(model)[-1])
        return self._story_finding(model, "commits", lead >= CHANCE_MARGIN, lead,
                                   f"top answer >= {CHANCE_MARGIN * 100:.0f} points ahead "
                                   "after the last word",
                                   f"{_name(model)} leads by {lead * 100:.1f} points at the end")

    def clears(self, model: str) -> Finding:
        """The cell "clears the old dish": its forget gate drops at the second name, its
        answer was the first dish's before it (:meth:`holds_first`), and it switches to the
        right answer, clearly (:meth:`settles_at` the switch)."""
        at = self._story_of(model).at
        parts = (self.forget_drops(model), self.holds_first(model),
                 self.settles_at(model, at.switch), self.probe_right(model))
        holds = at.switch > 0 and all(p.holds for p in parts)
        return self._story_finding(model, "clears", holds, parts[0].value,
                                   "; ".join(p.rule for p in parts),
                                   "; ".join(p.says for p in parts))

    def update_mean(self, model: str = "gru") -> float:
        """The GRU's mean update gate z on its probe (PyTorch: h' = (1 - z) n + z h, so z
        near one keeps the state)."""
        return float(self.data[gate_key(model, "update")].mean())

    def update_near_one(self, model: str = "gru") -> Finding:
        z = self.update_mean(model)
        return Finding(f"{model}.update_near_one", z >= NEAR_ONE, z, f"mean >= {NEAR_ONE:g}",
                       f"{_name(model)} mean update gate on the probe: {z:.2f}")

    def near_one(self) -> float:
        """The threshold of "close to one"."""
        return NEAR_ONE

    def chance_margin(self) -> float:
        """How far ahead of another an answer must be to count: a clear lead."""
        return CHANCE_MARGIN

    def train_steps(self, model: str) -> int:
        """The last training step of the model's log."""
        return int(self.data[train_key(model, "step")][-1])

    def seed(self) -> int:
        return int(self.data.config["seed"])

    def c_relative_min(self, model: str) -> float:
        """The lowest cell-state gradient over the sentence, relative to the last word's."""
        return float(relative_to_last(self.data[grad_key(model, "c")][-1]).min())

    def own_kind(self) -> str | None:
        """The kind of the user's own model written into this bundle, if any
        (``config["own_model"]``, by examples/own_model.py)."""
        own = self.data.config.get("own_model")
        return own.get("kind") if isinstance(own, dict) else None

    def own_model(self, kind: str) -> Finding:
        """The ``kind`` arrays of this bundle are the user's own model, not the reference."""
        own = self.own_kind()
        return Finding(f"{kind}.own_model", own == kind, float(own == kind),
                       "config own_model names this kind",
                       f"own model in the bundle: {own or 'none'}")

    def same_probe(self, model: str, other: str = "rnn_tanh") -> Finding:
        """``model`` read the same probe sentence as ``other``."""
        a, b = (self.data[probe_key(m, "tokens")] for m in (model, other))
        same = bool(np.array_equal(a, b))
        return Finding(f"{model}.same_probe", same, float(same),
                       f"the probe tokens equal {_name(other)}'s",
                       f"{_name(model)} and {_name(other)} probes: "
                       f"{'the same' if same else 'different'}")

    def solves_up_to(self, kind: str, length: int | str) -> Finding:
        """In the length sweep, solved from the shortest length up to ``length``, and at no
        longer one."""
        reach = self.reach(kind)
        holds = reach.kind == "up_to" and reach.length == int(length)
        return Finding(f"{kind}.solves_up_to[{int(length)}]", holds, float(int(length)),
                       f"sweep accuracy >= {SOLVED:.0%} up to this length, below at every "
                       "longer one", f"{_name(kind)} sweep: {reach.kind} {reach.length}")

    def solved_at(self, kind: str, length: int | str) -> Finding:
        """In the length sweep, ``kind`` solved the task at ``length`` words."""
        acc = self.sweep_accuracy(kind, str(length))
        return Finding(f"{kind}.solved_at[{int(length)}]", acc >= SOLVED, acc,
                       f"sweep accuracy >= {SOLVED:.0%}",
                       f"{_name(kind)} at {int(length)} words: {percent_to_text(acc)}")

# --- act04 bptt, act06 why_problem, act07 fixes


def last_part_fall(steps: Sequence[int], loss: Sequence[float],
                   part: float = LAST_PART) -> float:
    """How much of itself the held-out loss lost over the last ``part`` of the training
    steps: from its first entry at or after that point (or the entry before the last, when
    only the last lies there) to its last entry; 0 where the loss there is zero."""
    steps, loss = np.asarray(steps, dtype=float), np.asarray(loss, dtype=float)
    start = int(np.searchsorted(steps, steps[-1] - part * (steps[-1] - steps[0])))
    start = min(start, len(loss) - 2) if len(loss) >= 2 else 0
    return float((loss[start] - loss[-1]) / loss[start]) if loss[start] > 0 else 0.0


def _name(model: str) -> str:
    task, _, kind = model.rpartition("/")
    return f"{MODEL_NAMES[kind]} ({task})" if task else MODEL_NAMES[kind]


def _at(snapshot: int) -> str:
    """A finding's name names its snapshot, unless it is the last: ``vanishes[0]``."""
    return "" if snapshot == -1 else f"[{snapshot}]"


def _ratio_text(r: float) -> str:
    return "0 (exactly: no gradient arrives)" if r == 0 else f"{r:.2g}"
