"""The findings: every value and judgement the narration states, on hand-made arrays
(zeros, ties, boundaries) and on the small test bundle."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bundle import load_bundle
from scenes.story import findings as f

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
    (0.0, 0.0, "same"),  # no gradient at either end
    (1e-3, 0.0, "steeper"),  # down to exactly zero
])
def test_slope_change_thresholds(first, last, verdict):
    assert f.slope_change([first, 0.5, last]) == verdict


def test_small_factors():
    assert f.small_factors([-0.8, 0.2, 1.5]) == [0.8, 0.2]
    assert f.small_factors([-1.2, 0.25, 1.5]) == [0.25, 0.25]  # one small: the slope twice
    assert f.small_factors([1.0, 0.5, -0.5]) == [0.5, 0.5]  # exactly 1 is not below one


@pytest.mark.parametrize("accuracy,kind,length,solved", [
    ([1.0, 0.95, 0.9, 0.9], "all", 40, (5, 10, 20, 40)),  # exactly 0.9 copes
    ([1.0, 0.9, 0.89, 0.3], "up_to", 10, (5, 10)),
    ([0.5, 0.6, 0.3, 0.2], "none", None, ()),
    ([0.5, 1.0, 1.0, 0.2], "some", None, (10, 20)),  # not from the shortest on
    ([1.0, 0.5, 1.0, 1.0], "some", None, (5, 20, 40)),  # a failure in the middle
])
def test_length_reach(accuracy, kind, length, solved):
    assert f.length_reach([5, 10, 20, 40], accuracy) == f.LengthReach(kind, length, solved)


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


class FakeBundle(dict):
    """Hand-made arrays behind the reader's interface."""

    vocab = {"recall": {"classes": ["rain", "sunny", "snow", "windy"], "tokens": []},
             "cuisine": {"classes": ["a", "b"], "tokens": []}}


def _model(accuracy, norms, prefix="rnn_tanh"):
    return {f"{prefix}/train/accuracy": np.array([0.25, accuracy]),
            f"{prefix}/grad/h_norm": np.array(norms, dtype=float)}


@pytest.mark.parametrize("accuracy,outcome", [
    (0.9, "solved"),  # exactly at the threshold
    (0.8999, "partial"),
    (0.35, "partial"),  # exactly chance + 10 points is not "near chance"
    (0.3499, "chance"),
    (0.1, "chance"),
])
def test_outcome_thresholds(accuracy, outcome):
    found = f.Findings(FakeBundle(_model(accuracy, [[1.0, 1.0]])))
    assert found.outcome("rnn_tanh") == outcome
    assert found.solved("rnn_tanh").holds == (outcome == "solved")
    assert found.near_chance("rnn_tanh").rule == "accuracy < chance 25% + 10 points"


@pytest.mark.parametrize("first,flow", [
    (0.01, "kept"),  # exactly a hundredth has not vanished
    (0.0099, "vanishes"),
    (0.0, "vanishes"),  # an exact zero
    (1.0, "kept"),  # exactly one has not grown
    (1.01, "grows"),
])
def test_flow_thresholds(first, flow):
    found = f.Findings(FakeBundle(_model(1.0, [[1.0, 1.0], [first, 1.0]])))
    assert found.flow("rnn_tanh") == flow
    assert found.ratio("rnn_tanh", snapshot=0) == 1.0
    assert found.always_vanishes("rnn_tanh").holds is False  # the first snapshot kept it


def test_a_gradient_that_is_zero_everywhere():
    found = f.Findings(FakeBundle(_model(0.25, [[0.0, 0.0]])))
    assert found.ratio("rnn_tanh") == 0.0 and found.flow("rnn_tanh") == "vanishes"
    assert "0 (exactly" in found.vanishes("rnn_tanh").says


@pytest.mark.parametrize("mean,near", [(0.9, True), (0.8999, False)])
def test_forget_gate_near_one(mean, near):
    found = f.Findings(FakeBundle({"lstm/probe/gate/forget": np.full((3, 2), mean)}))
    assert found.forget_near_one().holds is near


def test_relu_helped_needs_ten_times():
    def bundle(relu):
        return FakeBundle({**_model(0.3, [[1e-4, 1.0]], "rnn_sigmoid"),
                           **_model(0.3, [[1e-3, 1.0]], "rnn_tanh"),
                           **_model(0.3, [[relu, 1.0]], "rnn_relu")})
    assert not f.Findings(bundle(1e-2)).relu_helped().holds  # exactly ten times
    assert f.Findings(bundle(1.1e-2)).relu_helped().holds


def test_the_descent_step_can_overshoot():
    def bundle(lr):
        x, w, b, y = 3.0, 0.5, 0.0, 0.5
        z = w * x + b
        y_hat = 1 / (1 + np.exp(-z))
        dz = -2 * (y - y_hat) * y_hat * (1 - y_hat)
        values = {"x": x, "y_true": y, "loss": (y - y_hat) ** 2,
                  "w_next": w - lr * dz * x, "b_next": b - lr * dz}
        return FakeBundle({f"feedforward/{k}": np.array(v) for k, v in values.items()})
    assert f.Findings(bundle(0.5)).descends().holds
    assert not f.Findings(bundle(5.0)).descends().holds


def test_every_finding_of_a_real_bundle_has_a_rule_and_a_line():
    found = f.Findings(QUICK).all()
    assert len({x.name for x in found}) == len(found) >= 30
    for finding in found:
        assert finding.rule and finding.says and "\n" not in finding.line()
