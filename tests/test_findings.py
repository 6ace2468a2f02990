"""The findings: every value and judgement the narration states, on hand-made arrays
(zeros, ties, boundaries) and on the small test bundle."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bundle import load_bundle
from scenes import findings as f

QUICK = load_bundle(Path(__file__).parent / "data" / "quick")


def test_gradient_ratio_and_its_one_rule_for_zeros():
    assert f.gradient_ratio([1e-6, 0.5, 2.0]) == pytest.approx(5e-7)
    assert f.gradient_ratio([0.0, 1.0]) == 0.0  # the first word got nothing
    assert f.gradient_ratio([0.0, 0.0]) == 0.0  # no gradient anywhere: also nothing
    assert f.gradient_ratio([3.0, 0.0]) == 0.0
    assert f.gradient_ratio([4.0, 2.0]) == 2.0  # a growing gradient is a ratio above one


def test_step_factors_skip_exact_zeros():
    t, factors = f.step_factors([0.0, 1.0, 2.0, 0.0, 4.0, 8.0])
    assert list(t) == [3, 6] and list(factors) == [0.5, 0.5]
    t, factors = f.step_factors([0.0, 0.0])
    assert len(t) == len(factors) == 0


def test_telescoping_factors_start_after_the_last_zero():
    run = f.telescoping_factors([5.0, 0.0, 1.0, 2.0, 8.0])
    assert run.begin == 2 and list(run.factors) == [0.5, 0.25]
    assert run.product == pytest.approx(1 / 8) and run.typical == pytest.approx(np.sqrt(1 / 8))
    assert f.telescoping_factors([1.0, 0.0, 3.0]) is None  # one step left: nothing to show
    assert f.telescoping_factors([0.1, 0.2]).factors.tolist() == [0.5]


@pytest.mark.parametrize("first,last,verdict", [
    (1e-3, 1e-4, "steeper"),  # down a whole decade
    (1e-3, 10**-3.5, "same"),  # exactly at the threshold: not steeper
    (1e-3, 10**-3.51, "steeper"),
    (1e-3, 1e-2, "same"),  # exactly one decade up: not yet "flatter"
    (1e-3, 10**-1.99, "flatter"),
])
def test_slope_change_thresholds(first, last, verdict):
    assert f.slope_change([first, 0.5, last]) == verdict


def test_small_factors():
    assert f.small_factors([-0.8, 0.2, 1.5]) == [0.8, 0.2]
    assert f.small_factors([-1.2, 0.25, 1.5]) == [0.25, 0.25]  # one small: the slope twice
    assert f.small_factors([1.0, 0.5, -0.5]) == [0.5, 0.5]  # exactly 1 is not below one


@pytest.mark.parametrize("accuracy,kind,length", [
    ([1.0, 0.95, 0.9, 0.9], "all", 40),  # exactly 0.9 copes
    ([1.0, 0.9, 0.89, 1.0], "up_to", 10),
    ([0.5, 1.0, 1.0, 1.0], "none", None),
])
def test_length_reach(accuracy, kind, length):
    assert f.length_reach([5, 10, 20, 40], accuracy) == f.LengthReach(kind, length)


def test_first_failing_length():
    chance = 0.25
    assert f.first_failing_length([1.0, 0.5, 0.3, 0.26], chance) == 2
    assert f.first_failing_length([1.0, 0.3, 0.9, 0.26], chance) == 3  # only the tail counts
    assert f.first_failing_length([0.3, 0.3], chance) == 0  # every length
    assert f.first_failing_length([0.3, 0.35], chance) is None  # 0.35 = chance + margin
    assert f.first_failing_length([1.0, 0.9], chance) is None


def test_group_by_end_ties_and_tolerance():
    curves = {"a": [0.2, 1.0], "b": [0.5, 1.0], "c": [0.1, 0.96], "d": [0.3, 0.25]}
    assert f.group_by_end(curves) == [["a", "b", "c"], ["d"]]  # 0.96 is within 0.05
    assert f.group_by_end({"a": [1.0], "b": [0.94]}) == [["a"], ["b"]]
    # exactly at the tolerance (in binary-exact numbers) still groups
    assert f.group_by_end({"a": [1.0], "b": [0.75]}, tolerance=0.25) == [["a", "b"]]


def test_find_the_switch_on_a_hand_made_story():
    words = ["Rana", "likes", "biriyani", "so", "John", "loves", "pasta", "so"]
    prob = np.array([[0.5, 0.5], [0.5, 0.5], [0.9, 0.1], [0.9, 0.1], [0.8, 0.2],
                     [0.8, 0.2], [0.2, 0.8], [0.1, 0.9]])
    forget = np.array([0.9, 0.9, 0.9, 0.9, 0.4, 0.6, 0.7, 0.9])
    at = f.find_the_switch(words, prob, forget, "John")
    assert (at.final, at.switch, at.first, at.first_dish) == (1, 6, 0, 2)
    assert (at.name, at.dip) == (4, 4)
    steady = f.find_the_switch(words, np.tile([0.9, 0.1], (8, 1)), forget, "John")
    assert steady.switch == 0 and steady.first == steady.final == 0


def test_findings_on_the_small_bundle():
    norms = QUICK["rnn_tanh/grad/h_norm"][-1]
    assert f.gradient_ratio(norms) == pytest.approx(norms[0] / norms[-1])
    words = [QUICK.vocab["cuisine"]["tokens"][i] for i in QUICK["cuisine/lstm/probe/tokens"]]
    forget = QUICK["cuisine/lstm/probe/gate/forget"].mean(axis=1)
    at = f.find_the_switch(words, QUICK["cuisine/lstm/probe/prob"], forget, "John")
    assert words[at.name] == "John" and at.name <= at.dip <= at.switch + 1
    reach = f.length_reach(QUICK["sweep/seq_len"], QUICK["sweep/lstm/accuracy"])
    assert reach.kind in ("all", "up_to", "none")
