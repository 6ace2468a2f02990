"""Act 4's script: backpropagation through time on an unrolled chain, the product of one
factor per step back, the scalar example growing or shrinking with W_h, and a real trained
tanh RNN's step factors and what they multiply out to."""

from __future__ import annotations

from bundle.contract import grad_key, scalar_key

from ..findings import Findings
from ..numbers import digits_to_differ
from ..script import Script
from .act05_vanish_explode import factor as scalar_factor

MODEL = "rnn_tanh"


def script(found: Findings) -> Script:
    s = Script("bptt")
    explain_the_chain(s)
    explode_or_vanish(s, found)
    measure_a_real_rnn(s, found)
    return s


def explain_the_chain(s: Script) -> None:
    s.show("heading", "Backpropagation through time")
    s.say("unroll", "Backpropagation through time trains a recurrent network: unroll it, and "
          "compute gradients through every time step.")
    s.say("shared", "The same weight matrix, W h, is used at every step, so its gradients "
          "accumulate across time.")
    s.say("forward", "Forward, W h carries each hidden state to the next, with the new input, "
          "and W y turns the last into the output.")
    s.say("backward", "Backward, the error flows from the loss through every step, leaving a "
          "piece of W h's gradient at each.")
    s.say("sum", "The total gradient for W h sums these pieces over all time steps.")
    s.say("one_step", "One step back multiplies the gradient by W h times the activation's "
          "slope.")
    s.show("note.repeat", r"W_h \text{{ multiplied }} T \text{{ times}}")
    s.say("all_steps", "Over T steps it repeats, W h and a slope at every step: for a single "
          "unit, W h to the power T, times the product of the slopes.")


def scalar_cases(found: Findings) -> dict[str, float]:
    """The scalar example's weights the act shows: the largest above one (``"big"``), the
    smallest below one (``"small"``), or, when it has neither, one (``"one"``)."""
    weights = [float(w) for w in found.data[scalar_key("w")]]
    cases = {}
    if any(w > 1 for w in weights):
        cases["big"] = max(weights)
    if any(w < 1 for w in weights):
        cases["small"] = min(weights)
    if not cases:
        cases["one"] = weights[0]
    return cases


def explode_or_vanish(s: Script, found: Findings) -> None:
    cases = scalar_cases(found)
    one = found.number("no_change", "plain")
    steps = found.number("scalar_steps", "count")
    if "big" in cases:
        w = cases["big"]
        weight = found.number(f"scalar_weight[{w:g}]", "plain")
        explodes = found.scalar_explodes(w)
        factor = scalar_factor(found, w)  # as act 5 says it: one number, one way
        if explodes.holds:
            s.show("rule.big", r"W_h = {w} > {one} \text{{: the gradient explodes}}", explodes,
                   w=weight, one=one)
            s.say("scalar.big", "If W h is larger than one, say {w}, the gradient grows at "
                  "every step: it explodes.", explodes, w=weight)
        else:
            s.show("rule.big", r"W_h = {w} > {one} \text{{: the gradient grows}}", ~explodes,
                   w=weight, one=one)
            s.say("scalar.big", "If W h is larger than one, say {w}, the gradient grows at "
                  "every step: over {k} steps, to {x} times itself.", ~explodes, w=weight,
                  k=steps, x=factor)
    if "small" in cases:
        w = cases["small"]
        weight = found.number(f"scalar_weight[{w:g}]", "plain")
        vanishes = found.scalar_vanishes(w)
        factor = scalar_factor(found, w)  # as act 5 says it: one number, one way
        subject = "it" if "big" in cases else "W h"
        if vanishes.holds:
            s.show("rule.small", r"W_h = {w} < {one} \text{{: the gradient vanishes}}",
                   vanishes, w=weight, one=one)
            s.say("scalar.small", f"If {subject} is smaller than one, say {{w}}, it shrinks at "
                  "every step: it vanishes.", vanishes, w=weight)
        else:
            s.show("rule.small", r"W_h = {w} < {one} \text{{: the gradient shrinks}}",
                   ~vanishes, w=weight, one=one)
            s.say("scalar.small", f"If {subject} is smaller than one, say {{w}}, it shrinks at "
                  "every step: over {k} steps, to {x} of itself.", ~vanishes, w=weight,
                  k=steps, x=factor)
    if "one" in cases:
        weight = found.number(f"scalar_weight[{cases['one']:g}]", "plain")
        s.show("rule.one", r"W_h = {w} \text{{: the gradient stays as it is}}", w=weight)
        s.say("scalar.one", "With W h at exactly one, the gradient stays as it is at every "
              "step.")


def measure_a_real_rnn(s: Script, found: Findings) -> None:
    size = found.number(f"{MODEL}.hidden_size", "count")
    stretch = found.number(f"{MODEL}.largest_singular_value", "words", 3)
    own = found.own_model(MODEL)
    mine = own if own.holds else ~own
    s.show("heading.real", "Inside your tanh RNN" if own.holds else "Inside a real tanh RNN",
           mine)
    s.show("caption.wh", r"\text{{trained }} W_h,\ {rows} \times {columns}", rows=size,
           columns=size)
    s.show("fact.stretch", r"\text{{largest singular value of }} W_h = {s}",
           s=found.number(f"{MODEL}.largest_singular_value", "tex", 3))
    slope = found.at_most("tanh.slope")
    s.show("fact.slope", r"\text{{slope of }} \tanh \le {peak}", slope,
           peak=found.number("tanh.slope_peak", "tex", 3))
    s.show("strip.one", "{one}: no change", one=found.number("no_change", "text"))
    s.show("strip.axis", "time step t")
    s.say("real.intro", ("Now your own" if own.holds else "Now a real") + " trained tanh "
          "network, with {n} hidden units. Its W h stretches a vector by at most {s}, its "
          "largest singular value.", found.at_most(f"{MODEL}.W_h"), mine, n=size, s=stretch)
    but = "But" if found.largest_singular_value(MODEL) > 1 else "And"
    norms = found.data[grad_key(MODEL)][-1]
    run = found.telescope(MODEL)
    if run is not None:
        s.show("strip.typical", "\u00d7 {typical}",
               typical=found.number(f"{MODEL}.typical_factor", "text"))
        s.say("real.steps", but + " tanh's slope is at most {peak}, usually less. Each dot is "
              "a measured step back, typically multiplying the gradient by {typical}.", slope,
              peak=found.number("tanh.slope_peak", "words", 3),
              typical=found.number(f"{MODEL}.typical_factor"))
    elif norms[-1] > 0:
        s.say("real.steps", but + " tanh's slope is at most {peak}, usually less. Here the "
              "gradient is already exactly zero one step back from the last word: there is "
              "nothing to measure.", slope, peak=found.number("tanh.slope_peak", "words", 3))
    else:
        s.say("real.steps", but + " tanh's slope is at most {peak}, usually less. Here even "
              "the last word's gradient is exactly zero: there is nothing to measure.", slope,
              peak=found.number("tanh.slope_peak", "words", 3))
    s.show("result.value", "{r}", r=found.number(f"{MODEL}.ratio", "tex"))
    ratio = found.number(f"{MODEL}.ratio")
    if ratio.value == 0:
        s.say("real.total", "Over {n} steps, nothing is left of the gradient at the first "
              "word: it underflows to exactly zero.",
              n=found.number(f"{MODEL}.steps_back", "count"))
    elif run is not None and run.begin == 0:  # the typical factor multiplies out to the ratio
        count = found.number(f"{MODEL}.factor_count", "count")
        grows = found.grows(MODEL)
        if grows.holds:
            s.say("real.total", "Over {n} steps, that multiplies the gradient at the first "
                  "word by {r}: it grows on its way back.", grows, n=count, r=ratio)
        elif ratio.value == 1:
            s.say("real.total", "Over {n} steps, that leaves the gradient at the first word "
                  "exactly as large as at the last.", ~grows, n=count)
        else:  # enough digits not to read as one
            r = found.number(f"{MODEL}.ratio", digits=digits_to_differ(ratio.value, 1.0))
            s.say("real.total", "Over {n} steps, that leaves {r} of the gradient at the first "
                  "word.", ~grows, n=count, r=r)
    else:
        s.say("real.total", "At the first word, {r} of the gradient is left.", r=ratio)
