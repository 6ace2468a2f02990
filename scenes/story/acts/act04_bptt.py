"""Act 4's script: backpropagation through time on an unrolled chain, the product of one
factor per step back, the scalar example growing or shrinking with W_h, and a real trained
tanh RNN's step factors and what they multiply out to."""

from __future__ import annotations

from bundle.contract import grad_key, scalar_key

from ..findings import Findings, step_factors
from ..numbers import digits_to_differ
from ..script import Script
from .act05_vanish_explode import factor as scalar_factor

MODEL = "rnn_tanh"
# The drawn chain (scenes/acts/act04_bptt.py): cells in the picture, not the data's sequence
# length; its backward arrows, one between each two cells
STEPS = 5
BACK_ARROWS = STEPS - 1


def script(found: Findings) -> Script:
    s = Script("bptt")
    explain_the_chain(s)
    explode_or_vanish(s, found)
    measure_a_real_rnn(s, found)
    return s


def explain_the_chain(s: Script) -> None:
    s.show("heading", "Backpropagation through time")
    s.describe("screen.unroll", "An unrolled chain of cells, left to right, each with an input "
               "x from below and an arrow marked W h to the next; from the last cell, an arrow "
               "marked W y up to y hat, then one to the loss L.")
    s.say("unroll", "Backpropagation through time trains a recurrent network: unroll it, and "
          "compute gradients through every time step.")
    s.say("shared", "The same weight matrix, W h, is used at every step, so its gradients "
          "accumulate across time.")
    s.describe("screen.forward", "Above the chain, two equations: h t = f(W h times the "
               "previous h, plus W x times x t, plus b), and y hat = f(W y h T + c). Flashes run "
               "along the W h arrows, left to right.")
    s.say("forward", "Forward, W h carries each hidden state to the next, with the new input, "
          "and W y turns the last into the output.")
    s.describe("screen.backward", "The equation: dL/dW h = the sum over t, up to T, of dL/dh t "
               "× dh t/dW h. Gradient arrows run back from the loss through y hat to the last "
               "cell, then under the chain from each cell to the one before.")
    s.say("backward", "Backward, the error flows from the loss through every step, leaving a "
          "piece of W h's gradient at each.")
    s.describe("screen.sum", "Copies of the W h labels fly from the chain into the sum sign, "
               "and the sum is circled.")
    s.say("sum", "The total gradient for W h sums these pieces over all time steps.")
    s.describe("screen.one_step", "The equation: dh t/dh of the step before = W h f′, and every "
               "backward arrow is tagged × W h f′.")
    s.say("one_step", "One step back multiplies the gradient by W h times the activation's "
          "slope.")
    s.show("note.repeat", r"W_h \text{{ multiplied }} T \text{{ times}}")
    s.describe("screen.all_steps", "At the bottom: dh T/dh of the initial state = W h to the "
               "power T, times the product of f′ over all T steps.")
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


def describe_the_arrows(s: Script, found: Findings, case: str, w: float) -> None:
    """The chain's backward arrows, redrawn for weight ``w``: each tagged with w to the power
    of its steps back (the leftmost the most), and as thick as that factor, within limits."""
    steps = range(BACK_ARROWS, 0, -1)
    fields = ", ".join(f"× {{f{k}}}" for k in steps)
    s.describe(f"screen.scalar.{case}", "The backward arrows are redrawn, thicker for a larger "
               "factor, and tagged with the powers of {w}, from the leftmost arrow: " + fields
               + ".", w=found.number(f"scalar_weight[{w:g}]", "plain"),
               **{f"f{k}": found.number(f"scalar_factor_at[{w:g},{k}]", "text", 3)
                  for k in steps})


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
            describe_the_arrows(s, found, "big", w)
            s.say("scalar.big", "If W h is larger than one, say {w}, the gradient grows at "
                  "every step: it explodes.", explodes, w=weight)
        else:
            s.show("rule.big", r"W_h = {w} > {one} \text{{: the gradient grows}}", ~explodes,
                   w=weight, one=one)
            describe_the_arrows(s, found, "big", w)
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
            describe_the_arrows(s, found, "small", w)
            s.say("scalar.small", f"If {subject} is smaller than one, say {{w}}, it shrinks at "
                  "every step: it vanishes.", vanishes, w=weight)
        else:
            s.show("rule.small", r"W_h = {w} < {one} \text{{: the gradient shrinks}}",
                   ~vanishes, w=weight, one=one)
            describe_the_arrows(s, found, "small", w)
            s.say("scalar.small", f"If {subject} is smaller than one, say {{w}}, it shrinks at "
                  "every step: over {k} steps, to {x} of itself.", ~vanishes, w=weight,
                  k=steps, x=factor)
    if "one" in cases:
        weight = found.number(f"scalar_weight[{cases['one']:g}]", "plain")
        s.show("rule.one", r"W_h = {w} \text{{: the gradient stays as it is}}", w=weight)
        describe_the_arrows(s, found, "one", cases["one"])
        s.say("scalar.one", "With W h at exactly one, the gradient stays as it is at every "
              "step.")


def describe_the_strip(s: Script, found: Findings) -> None:
    """The strip of measured step factors: a dot for each step back whose two gradients are
    not exactly zero, on a linear scale, a dashed line at one and one at the typical factor
    of the run that ends at the last word, when there is one."""
    run = found.telescope(MODEL)
    dots = len(step_factors(found.data[grad_key(MODEL)][-1])[0])
    chart = "Below, a strip chart against the time step t, on a linear scale: "
    some = "a dot at the factor of each step back whose gradients are not exactly zero. "
    values = {}  # in the text's order, as the fact-checker finds them
    if run is not None:
        if run.begin == 0:  # no exact zero: every step back is a dot
            chart += "{m} dots, one per step back, each at the factor it multiplied the "
            chart += "gradient by. "
            values["m"] = found.number(f"{MODEL}.factor_count", "count")
        else:
            chart += some
        chart += "Dashed lines mark {one}, no change, and the typical factor, {typical}."
        values["one"] = found.number("no_change", "text")
        values["typical"] = found.number(f"{MODEL}.typical_factor", "text")
    else:
        chart += some if dots else "no dots, as every step back has an exactly zero gradient. "
        chart += "A dashed line marks {one}, no change."
        values["one"] = found.number("no_change", "text")
    s.describe("screen.real.steps", chart, **values)


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
    s.describe("screen.real.intro", "A heatmap of the trained W h, {rows} by {columns} "
               "squares coloured by sign and size, blue positive, orange negative. Beside it, "
               "its largest singular value: {s}.", rows=size, columns=size,
               s=found.number(f"{MODEL}.largest_singular_value", "text", 3))
    s.say("real.intro", ("Now your own" if own.holds else "Now a real") + " trained tanh "
          "network, with {n} hidden units. Its W h stretches a vector by at most {s}, its "
          "largest singular value.", found.at_most(f"{MODEL}.W_h"), mine, n=size, s=stretch)
    but = "But" if found.largest_singular_value(MODEL) > 1 else "And"
    norms = found.data[grad_key(MODEL)][-1]
    run = found.telescope(MODEL)
    describe_the_strip(s, found)
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
    s.describe("screen.real.total", "Below, the gradient at the first word over the gradient "
               "at the last, = {r}, is written and circled.",
               r=found.number(f"{MODEL}.ratio", "text"))
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
