"""Regression tests for acts 1, 2 and 5 (the hook, the feed-forward neuron, the scalar
example): each false or misleading sentence found while making their story data (issue 14),
rebuilt as the smallest bundle change that produced it, and what is said now. Every script
read here must pass the fact-checker too (``script_of``)."""

from __future__ import annotations

import numpy as np
import pytest

from bundle import load_bundle
from scenes.story.findings import EXPLODED, VANISHED
from tests.test_story_cases import QUICK, patched, script_of


@pytest.fixture(scope="module")
def quick():
    return load_bundle(QUICK)


def norms_with(bundle, first=None, last=None, every=None) -> np.ndarray:
    """The tanh RNN's gradient norms with the last snapshot's first or last word (or every
    word) replaced."""
    norms = np.array(bundle["rnn_tanh/grad/h_norm"], dtype=float)
    if every is not None:
        norms[-1] = every
    if first is not None:
        norms[-1, 0] = first
    if last is not None:
        norms[-1, -1] = last
    return norms


# ------------------------------------------------------------------------------ act 1


def test_an_underflowed_first_word_gets_exactly_zero(quick):
    script = script_of(patched(quick, rnn_tanh__grad__h_norm=norms_with(quick, first=0.0)),
                       "hook")
    assert "nothing at all is left: it underflows to exactly zero" in script["left"]
    assert script["note.ratio"].endswith("(exactly 0)")
    assert "0.0" not in " ".join(line.text for line in script)


def test_no_gradient_at_all_is_not_said_to_vanish_on_the_way(quick):
    script = script_of(patched(quick, rnn_tanh__grad__h_norm=norms_with(quick, every=0.0)),
                       "hook")
    assert "even the last word's gradient is exactly zero" in script["left"]
    assert "travels back to the first word" not in script["left"]


def test_a_gradient_that_grows_is_said_with_its_size(quick):
    norms = norms_with(quick, every=1.0, first=310.0)
    said = script_of(patched(quick, rnn_tanh__grad__h_norm=norms), "hook")
    assert "grows on its way back: the first word gets 310 times the last word's" in said["left"]
    assert said["note.ratio"] == "the gradient at the first word is 310 times the last"


def test_nearly_all_of_the_signal_is_not_rounded_to_all_of_it(quick):
    # at two digits, 0.999 read "1 of the error signal survives ... less, but not nothing"
    said = script_of(patched(quick, rnn_tanh__grad__h_norm=norms_with(quick, every=1.0,
                                                                       first=0.999)), "hook")
    assert "0.999 of the error signal survives" in said["left"]


def test_a_signal_that_arrives_whole_is_not_said_to_shrink(quick):
    said = script_of(patched(quick, rnn_tanh__grad__h_norm=norms_with(quick, every=0.5)),
                     "hook")
    assert "shrinks" not in said["left"] and "as strong as it left the last" in said["left"]


def test_after_training_only_when_the_gradient_was_measured_after_it(quick):
    steps = np.array(quick["rnn_tanh/grad/step"])
    steps[-1] = steps[-2]  # the last snapshot before training ended
    script = script_of(patched(quick, rnn_tanh__grad__step=steps), "hook")
    assert "after training" not in script["data"] + script["heading.data"]
    assert "after training" in script_of(quick, "hook")["data"]


# ------------------------------------------------------------------------------ act 2


def step_of(bundle, **values) -> dict:
    """The feed-forward example with some numbers replaced, and its loss made the one a
    numpy forward pass gives (as the findings recompute the loss after the step)."""
    ff = {k.split("/")[1]: float(bundle[k]) for k in bundle if k.startswith("feedforward/")}
    ff.update(values)
    y_hat = 1 / (1 + np.exp(-(ff["w"] * ff["x"] + ff["b"])))
    ff["loss"] = float((ff["y_true"] - y_hat) ** 2)
    return {f"feedforward__{k}": v for k, v in ff.items()}


def test_a_small_step_is_said_with_digits_that_differ(quick):
    # at three digits, w "from 0.8 to 0.8"
    bundle = patched(quick, **step_of(quick, w_next=0.80008, b_next=-0.19995))
    said = script_of(bundle, "feedforward")["descent.move"]
    assert "from 0.8 to 0.8001" in said and "from minus 0.2 to minus 0.1999" in said


def test_a_step_below_six_digits_is_said_as_its_size(quick):
    bundle = patched(quick, **step_of(quick, w_next=0.8 + 1e-9, b_next=-0.2 + 1e-9))
    said = script_of(bundle, "feedforward")["descent.move"]
    assert "so w increases, by 1.0 times ten to the minus 9" in said
    assert "The bias moves by 1.0 times ten to the minus 9." in said


def test_a_positive_slope_decreases_w_and_a_big_step_raises_the_loss(quick):
    # the "examples" bundle: x 3, w 0.5, b 0, y_true 0.5, lr 5
    bundle = patched(quick, **step_of(quick, x=3.0, w=0.5, b=0.0, y_true=0.5, lr=5.0,
                                      dloss_dw=0.28419, dloss_db=0.09473,
                                      w_next=-0.92095, b_next=-0.47365))
    script = script_of(bundle, "feedforward")
    assert "positive, so w decreases, from 0.5 to minus 0.921" in script["descent.move"]
    assert "the loss goes up, from 0.101 to 0.214" in script["descent.result"]
    assert script["heading.descent"] == "Gradient descent: one step, too far"


def test_a_zero_gradient_moves_nothing(quick):
    bundle = patched(quick, **step_of(quick, dloss_dw=0.0, dloss_db=0.0, w_next=0.8,
                                      b_next=-0.2))
    script = script_of(bundle, "feedforward")
    assert "zero, so w stays where it is, at 0.8. The bias stays at minus 0.2." in \
        script["descent.move"]
    assert script["descent.result"].startswith("With a gradient of exactly zero")


# ------------------------------------------------------------------------------ act 5


def scalar(weights, steps: int) -> dict:
    weights = np.asarray(weights, dtype=float)
    return {"scalar__w": weights,
            "scalar__factor": weights[:, None] ** np.arange(steps + 1)[None, :]}


def test_a_weight_below_one_vanishes_only_where_its_factor_falls_below_vanished(quick):
    # the "examples" bundle's weights: 0.8 ** 30 = 1.2e-3 vanishes, 0.8 ** 6 = 0.26 does not
    assert 0.8 ** 30 < VANISHED < 0.8 ** 6
    long = script_of(patched(quick, **scalar([0.8, 1.2], 30)), "vanish_explode")
    assert "0.8 leaves 1.2 times ten to the minus 3 of the gradient: it vanishes" in \
        long["chart.ends"]
    short = script_of(patched(quick, **scalar([0.8, 1.2], 6)), "vanish_explode")
    assert "vanish" not in short["chart.ends"]
    assert "0.8 shrinks it to 0.262" in short["chart.ends"]
    assert "1.2 grows it to 2.99" in short["chart.ends"] and 1.2 ** 6 < EXPLODED


def test_exactly_one_is_said_only_when_the_bundle_has_it(quick):
    without = script_of(patched(quick, **scalar([0.8, 1.2], 30)), "vanish_explode")
    assert "stays flat" not in without["chart.lines"]
    assert without["chart.lines"] == "One line per weight: below one it falls, above one it " \
        "climbs."
    assert "Only a weight of exactly one would keep it steady." in without["row.rest"]
    with_one = script_of(quick, "vanish_explode")
    assert "at exactly one it stays flat" in with_one["chart.lines"]


def test_a_weight_near_one_is_not_said_to_vanish_or_explode(quick):
    script = script_of(patched(quick, **scalar([0.99, 1.01], 30)), "vanish_explode")
    assert script["chart.ends"] == ("After 30 steps, 0.99 shrinks it to 0.74. And 1.01 grows "
                                    "it to 1.35.")


def test_one_weight_is_one_line(quick):
    script = script_of(patched(quick, **scalar([1.5], 30)), "vanish_explode")
    assert script["chart.lines"] == "One line, for w equal to 1.5: it climbs."
    assert "row.rest" not in script
    assert "it has grown to 11.4" in script["row.first"]
