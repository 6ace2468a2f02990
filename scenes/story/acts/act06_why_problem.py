"""Act 6's script: the real gradient of a trained tanh RNN shrinking (or not) back through
time, through all of training; the product of its step factors; the sentence it has to
finish; and how it fares as the sentences grow longer."""

from __future__ import annotations

import numpy as np

from bundle.contract import SWEEP_SEQ_LEN, grad_key, probe_key

from ..findings import Findings
from ..names import name_word
from ..script import Script

MODEL = "rnn_tanh"
SHOWN = 3  # words shown at each end of the probe sentence
FACTORS_SHOWN = 4  # step factors written out before the dots


def script(found: Findings) -> Script:
    s = Script("why_problem")
    shrink_backward(s, found)
    replay_training(s, found)
    multiply_the_factors(s, found)
    finish_the_sentence(s, found)
    favour_short_term(s, found)
    return s


def shrink_backward(s: Script, found: Findings) -> None:
    last, first = (found.number(f"{MODEL}.grad_norm[{t}]") for t in (-1, 0))
    shrinks, vanishes, grows = (found.shrinks(MODEL), found.vanishes(MODEL),
                                found.grows(MODEL))
    if shrinks.holds:
        s.show("heading.back", "The error travels back, and shrinks", shrinks)
    elif grows.holds:
        s.show("heading.back", "The error travels back, and grows", grows)
    else:
        s.show("heading.back", "The error travels back", ~shrinks, ~grows)
    s.show("first_value", "{v}", v=found.number(f"{MODEL}.grad_norm[0]", "tex"))
    s.show("last_value", "{v}", v=found.number(f"{MODEL}.grad_norm[-1]", "tex"))
    zeros = found.value(f"{MODEL}.grad_zeros")
    steps = {"n": found.number(f"{MODEL}.grad_length", "count"),
             "last": found.number(f"{MODEL}.grad_norm[-1]", "text"),
             "first": found.number(f"{MODEL}.grad_norm[0]", "text")}
    stubs = ""
    if zeros:
        stubs = "; {zeros} of them, exactly zero, " + ("is a hollow stub" if zeros == 1 else
                                                        "are hollow stubs")
        steps["zeros"] = found.number(f"{MODEL}.grad_zeros", "count")
    s.describe("screen.unrolled", "An unrolled chain of {n} cells, the loss at its right end; "
               "below it, one bar per word, the gradient reaching it, on a log scale: from "
               "{last} at the last word to {first} at the first" + stubs + ".", **steps)
    own = found.own_model(MODEL)
    s.say("unrolled", ("Your" if own.holds else "The") + " trained tanh network, unrolled over "
          "{T} words. The error starts at the loss, after the last word, and travels back.",
          own if own.holds else ~own, T=found.number(f"{MODEL}.probe_length", "count"))
    template = ("Each bar is the real gradient size, on a log scale: <bookmark mark='last'/>"
                "{last} at the last word, <bookmark mark='first'/>{first} at the first.")
    if zeros:
        template += (" At {zeros} {steps} it underflowed to exactly zero, drawn as a hollow "
                     "stub.")
    more = ({"zeros": found.number(f"{MODEL}.grad_zeros", "count"),
             "steps": "step" if zeros == 1 else "steps"} if zeros else {})
    s.say("sizes", template, last=last, first=first, **more)
    ratio = found.number(f"{MODEL}.ratio")
    ratio_text = found.number(f"{MODEL}.ratio", "text")
    if vanishes.holds:
        s.show("note.flow", "Errors due to further back time steps have smaller and smaller "
               "gradients", vanishes)
        s.say("flow", "The error due to further back time steps has smaller and smaller "
              "gradients.", vanishes)
    elif shrinks.holds:
        s.show("note.flow", "In this run {r} of the last word's gradient reaches the first",
               ~vanishes, shrinks, r=ratio_text)
        s.say("flow", "In this run it shrinks, but not to nothing: {r} of the last word's "
              "gradient reaches the first.", ~vanishes, shrinks, r=ratio)
    elif grows.holds:
        s.show("note.flow", "In this run the first word gets {r} times the last word's "
               "gradient", grows, r=ratio_text)
        s.say("flow", "In this run it grows on its way back: the first word gets {r} times the "
              "last word's gradient. Growing without bound is the exploding side of the same "
              "problem.", grows, r=ratio)
    else:
        s.show("note.flow", "In this run the first word gets as much as the last", ~shrinks,
               ~grows)
        s.say("flow", "In this run it arrives undiminished: the first word gets as much of the "
              "gradient as the last.", ~shrinks, ~grows)


def replay_training(s: Script, found: Findings) -> None:
    count = found.value(f"{MODEL}.snapshots")
    s.show("heading.training", "All through training")
    end = found.number(f"{MODEL}.grad_step[-1]", "count")
    for i in range(int(count)):
        s.show(f"counter.step[{i}]", "training step {step} of {end}",
               step=found.number(f"{MODEL}.grad_step[{i}]", "count"), end=end)
        r = found.number(f"{MODEL}.ratio_at[{i}]", "text")
        s.show(f"counter.ratio[{i}]", "first word / last word = {r}{under}", r=r,
               under=" (underflow)" if r.value == 0 else "")
    s.describe("screen.training", "The same bars, redrawn at {n} moments of training, from "
               "step {first} to {last}; under them, the first word's gradient over the last "
               "word's, from {r0} at the first moment to {r1} at the last.",
               n=found.number(f"{MODEL}.snapshots", "count"),
               first=found.number(f"{MODEL}.grad_step[0]", "count"), last=end,
               r0=found.number(f"{MODEL}.ratio_at[0]", "text"),
               r1=found.number(f"{MODEL}.ratio_at[-1]", "text"))
    question = ("Does training fix this?" if found.vanishes(MODEL).holds else
                "Does training change this?")
    s.say("training", question + " Here are {n} moments of training, from step {first} to "
          "{last}.", n=found.number(f"{MODEL}.snapshots", "count"),
          first=found.number(f"{MODEL}.grad_step[0]", "count"), last=end)
    judge_training(s, found)


def judge_training(s: Script, found: Findings) -> None:
    """What training did to the first word's share of the gradient, and what came of it."""
    steeper, flatter, same = (found.steeper(MODEL), found.flatter(MODEL),
                              found.slope_same(MODEL))
    values = {"first": found.number(f"{MODEL}.ratio_at[0]"),
              "last": found.number(f"{MODEL}.ratio_at[-1]")}
    share = "the first word's gradient over the last word's"
    if steeper.holds:
        said, claims = [f"It gets steeper: {share} falls from {{first}} to {{last}}"], [steeper]
    elif flatter.holds:
        said, claims = [f"Training flattens it: {share} rises from {{first}} to {{last}}"], [
            flatter]
    else:
        said, claims = [f"The slope hardly changes: {share} goes from {{first}} to "
                        "{last}"], [same]
    always, vanishes = found.always_vanishes(MODEL), found.vanishes(MODEL)
    said[0] += "," if not vanishes.holds else "."
    if always.holds:
        said.append("The first word always gets almost nothing, so the weights never learn "
                    "from it.")
        claims += [always, vanishes]
    elif vanishes.holds:
        ratios = [found.ratio_at(MODEL, str(i))
                  for i in range(int(found.value(f"{MODEL}.snapshots")))]
        best = int(np.argmax(ratios))
        said.append("At step {step} the first word got {best} of the last word's gradient, "
                    "but by the end it gets almost nothing;")
        claims += [~always, vanishes]
        values |= {"step": found.number(f"{MODEL}.grad_step[{best}]", "count"),
                   "best": found.number(f"{MODEL}.ratio_at[{best}]")}
    else:
        said.append("and")
        claims.append(~vanishes)
    if not always.holds:
        outcome, more = outcome_of(found)
        said.append(outcome)
        claims += more
        values["accuracy"] = found.number(f"{MODEL}.accuracy", "percent")
    s.say("verdict", " ".join(said), *claims, **values)


def outcome_of(found: Findings) -> tuple[str, list]:
    """How the network did on the task: a clause ending a sentence, and its claims."""
    solved, chance = found.solved(MODEL), found.near_chance(MODEL)
    if solved.holds:
        return "the network learns the task: right {accuracy} percent of the time.", [solved]
    if chance.holds:
        return ("the network stays no better than chance: right {accuracy} percent of the "
                "time.", [chance])
    return ("the network learns the task only in part: right {accuracy} percent of the "
            "time.", [~solved, ~chance])


def multiply_the_factors(s: Script, found: Findings) -> None:
    """The run of step factors ending at the last word, multiplied out (nothing when fewer
    than two steps back are left above exact zero)."""
    run = found.telescope(MODEL)
    if run is None:
        return
    n = len(run.factors)
    count = found.number(f"{MODEL}.factor_count", "count")
    typical = found.number(f"{MODEL}.typical_factor")
    # the product spans the whole sentence unless a norm underflowed: then it is the ratio
    product = (f"{MODEL}.ratio" if run.begin == 0 else f"{MODEL}.factor_product")
    every = found.every_step_shrinks(MODEL)
    if every.holds:
        s.show("heading.multiply", "Multiply {n} numbers below one together", every, n=count)
    else:
        s.show("heading.multiply", "Multiply {n} factors together", ~every, n=count)
    s.show("per_step", "each step back multiplies the gradient by a factor:")
    shown = [f"{MODEL}.step_factor[{k}]" for k in range(-1, -1 - min(FACTORS_SHOWN, n), -1)]
    values = {f"f{i}": found.number(q, "tex") for i, q in enumerate(shown)}
    s.show("product.factors", r" \times ".join(f"{{f{i}}}" for i in range(len(shown))),
           **values)
    s.show("product.first", "{f}", f=found.number(f"{MODEL}.step_factor[0]", "tex"))
    s.show("product.value", "{p}", p=found.number(product, "tex"))
    s.show("brace", "{n} factors, typically {typical}", n=count,
           typical=found.number(f"{MODEL}.typical_factor", "text"))
    # the powers of ten first: the checker reads each number once, in this order
    s.show("power", r"{{{typical}}}^{{{n}}} \approx {p}",
           typical=found.number(f"{MODEL}.typical_factor", "tex"),
           p=found.number(product, "tex"), n=count)
    factors = {"f0": found.number(f"{MODEL}.step_factor[-1]", "text")}
    if n == 1:
        written = "the one step factor, {f0}; a brace under it"
    else:
        written = ("the step factors from the last word back, {f0} times "
                   + ("{f1} and so on, to " if n > 2 else "") + "{f_first}; a brace under them")
        factors["f_first"] = found.number(f"{MODEL}.step_factor[0]", "text")
        if n > 2:
            factors["f1"] = found.number(f"{MODEL}.step_factor[-2]", "text")
    s.describe("screen.factors", "An equation: " + written + " reads {n} factors, typically "
               "{typical}.", n=count, typical=found.number(f"{MODEL}.typical_factor", "text"),
               **factors)
    why = "Why so small? " if found.vanishes(MODEL).holds else ""
    below = found.number(f"{MODEL}.factors_below_one", "count")
    if every.holds:
        s.say("factors", why + "Each step back multiplies the gradient by a factor below one: "
              "typically {typical}.", every, *([found.vanishes(MODEL)] if why else []),
              typical=typical)
    else:
        s.say("factors", why + "Each step back multiplies the gradient by a factor: {below} "
              "of these {n} are below one, and typically the factor is {typical}.", ~every,
              *([found.vanishes(MODEL)] if why else []), below=below, n=count,
              typical=typical)
    s.describe("screen.product", "The product is {p}; below it, {typical} to the power {n} "
               "is about {p_again}.", p=found.number(product, "text"),
               typical=found.number(f"{MODEL}.typical_factor", "text"), n=count,
               p_again=found.number(product, "text"))
    back_to = "" if run.begin == 0 else (", back to where the gradient underflowed to "
                                         "exactly zero,")
    s.say("product", "Multiply all {n} of them together" + back_to + " and you get {p}.",
          n=count, p=found.number(product))


def finish_the_sentence(s: Script, found: Findings) -> None:
    data = found.data
    words = data.words("recall", data[probe_key(MODEL, "tokens")])
    answer = data.vocab["recall"]["classes"][int(data[probe_key(MODEL, "target")])]
    s.show("heading.sentence", "The {start}, {end} ...", start=" ".join(words[:SHOWN]),
           end=" ".join(words[-5:]))
    s.describe("screen.sentence", "The sentence's first and last words with dots between, "
               "and a blank at its end with the answer, {answer}, under it; the first word, "
               "{cue}, is highlighted.", answer=answer, cue=words[0])
    s.say("cue", "To predict {answer}, our model must remember the first word, {cue}.",
          answer=answer, cue=words[0])
    norms = data[grad_key(MODEL)][-1]
    first, last = float(norms[0]), float(norms[-1])
    shrinks = found.shrinks(MODEL)
    describe_the_arc(s, found, words, first, last)
    if 0 < first and shrinks.holds:
        s.show("note.weaker", "At {cue} the gradient is {x} times weaker than at {end}",
               shrinks, cue=name_word(words, 0, quote=True),
               end=name_word(words, len(words) - 1, quote=True),
               x=found.number(f"{MODEL}.inverse_ratio", "text"))
        s.say("signal", "But the signal that would teach it arrives at {cue} {x} times weaker "
              "than at the end.", shrinks, cue=words[0],
              x=found.number(f"{MODEL}.inverse_ratio"))
    elif first > 0 and last > 0:
        s.show("note.weaker", "At {cue} the gradient is {x} times what it is at {end}",
               ~shrinks, cue=name_word(words, 0, quote=True),
               end=name_word(words, len(words) - 1, quote=True),
               x=found.number(f"{MODEL}.ratio", "text"))
        s.say("signal", "In this run the signal that teaches it arrives at {cue} {x} times as "
              "strong as at the end.", ~shrinks, cue=words[0],
              x=found.number(f"{MODEL}.ratio"))
    elif last > 0:
        s.show("note.weaker", "No gradient at all reaches {cue} (exactly zero)",
               cue=name_word(words, 0, quote=True))
        s.say("signal", "But the signal that would teach it never reaches {cue} at all: it is "
              "{zero}.", cue=words[0], zero=found.number(f"{MODEL}.grad_norm[0]"))
    else:
        s.show("note.weaker", "No gradient at all, even at the last word")
        s.say("signal", "But no signal teaches it at all: the gradient is {zero} even at the "
              "last word.", zero=found.number(f"{MODEL}.grad_norm[-1]"))
    own = found.own_model(MODEL)
    s.show("score.model", "your tanh RNN's accuracy" if own.holds else "tanh RNN accuracy",
           own if own.holds else ~own)
    s.show("score.chance", "chance (one in {n})", n=found.number(f"{MODEL}.classes", "count"))
    s.show("score.model_value", "{p}", p=found.number(f"{MODEL}.accuracy", "percent_text"))
    s.show("score.chance_value", "{p}", p=found.number(f"{MODEL}.chance", "percent_text"))
    s.describe("screen.score", "Two bars, one over the other: the tanh RNN's accuracy, {p}, "
               "and chance, one in {n}, {c}.",
               p=found.number(f"{MODEL}.accuracy", "percent_text"),
               n=found.number(f"{MODEL}.classes", "count"),
               c=found.number(f"{MODEL}.chance", "percent_text"))
    accuracy = found.number(f"{MODEL}.accuracy", "percent")
    chance = found.number(f"{MODEL}.chance", "percent")
    near = found.near_chance(MODEL)
    said = "After training, it is right {accuracy} percent of the time; guessing gives {chance}."
    claims = [near if near.holds else ~near]
    if near.holds:
        said += " It is no better than chance."
    learning, solved = found.still_learning(MODEL), found.solved(MODEL)
    if learning.holds and not solved.holds:  # a failure that more training might mend
        said += (" But its held-out loss was still falling when training stopped: this run "
                 "may simply be too short.")
        claims += [learning, ~solved]
    s.say("score", said, *claims, accuracy=accuracy, chance=chance)


def describe_the_arc(s: Script, found: Findings, words: list[str], first: float,
                     last: float) -> None:
    """The arrow from the blank back to the first word, coloured by the gradient at each
    end (the colour scale's dark end is the smallest)."""
    cue = words[0]
    if first < last:
        s.describe("screen.signal", "An arrow curves from the blank back to {cue}, bright "
                   "where it leaves and dim where it arrives, as the gradient is smaller "
                   "there.", found.shrinks(MODEL), cue=cue)
    elif first > last:  # grows, unless no gradient at all is left at the last word
        s.describe("screen.signal", "An arrow curves from the blank back to {cue}, dim where "
                   "it leaves and bright where it arrives, as the gradient is larger there.",
                   *([found.grows(MODEL)] if last > 0 else []), cue=cue)
    else:
        s.describe("screen.signal", "An arrow curves from the blank back to {cue}, one colour "
                   "all along, as the gradient is the same at both ends.", cue=cue)


def favour_short_term(s: Script, found: Findings) -> None:
    lengths = [int(n) for n in found.data[SWEEP_SEQ_LEN]]
    bias = found.short_term_bias(MODEL)
    shortest = found.number("sweep_length[0]", "count")
    longest = found.number("sweep_length[-1]", "count")
    if bias.holds:
        s.show("heading.lengths", "Biased towards short-term dependencies", bias)
    elif len(lengths) == 1:
        s.show("heading.lengths", "Sentences of {n} words", ~bias, n=shortest)
    else:
        s.show("heading.lengths", "Sentences of {a} to {b} words", ~bias, a=shortest,
               b=longest)
    for label, text in (("chance", "chance"), ("x_label", "words in the sentence"),
                        ("y_label", "tanh RNN accuracy")):
        s.show(f"chart.{label}", text)
    judge_the_lengths(s, found, lengths)
    read_the_lengths(s, found, lengths)


def judge_the_lengths(s: Script, found: Findings, lengths: list[int]) -> None:
    own = found.own_model(MODEL)
    if own.holds:  # the sweep keeps the base bundle's runs
        s.say("lengths.base", "The length sweep is the base bundle's reference runs, not your "
              "model.", own)
    bias = found.short_term_bias(MODEL)
    every, none = found.solves_every_length(MODEL), found.solves_no_length(MODEL)
    shortest = found.number("sweep_length[0]", "count")
    longest = found.number("sweep_length[-1]", "count")
    if bias.holds:
        s.say("lengths", "So a plain RNN is biased towards short-term dependencies, and "
              "struggles with long-term ones.", bias)
    elif every.holds:
        s.say("lengths", "In this run the plain RNN copes at every length we tried, up to "
              "{n} words: at these lengths it shows no short-term bias.", every, ~bias,
              n=longest)
    elif none.holds:
        s.say("lengths", "In this run the plain RNN reaches {solved} percent at none of the "
              "lengths we tried, not even {n} words.", none, ~bias, n=shortest,
              solved=found.number("solved_threshold", "percent"))
    else:
        s.say("lengths", "How does the plain RNN fare as the sentences grow longer?", ~bias,
              ~every, ~none)


def read_the_lengths(s: Script, found: Findings, lengths: list[int]) -> None:
    chance = found.number(f"{MODEL}.chance", "percent_text")
    shortest = found.number(f"{MODEL}.sweep_accuracy[{lengths[0]}]", "percent_text")
    if len(lengths) == 1:
        s.describe("screen.scores", "One bar of tanh RNN accuracy, {p} at {n} words; a dashed "
                   "line marks chance, {c}.", p=shortest,
                   n=found.number("sweep_length[0]", "count"), c=chance)
    else:
        s.describe("screen.scores", "Bars of tanh RNN accuracy, one per sentence length, each "
                   "labelled: {p} at {a} words, the shortest, to {q} at {b}, the longest; a "
                   "dashed line marks chance, {c}.", p=shortest,
                   a=found.number("sweep_length[0]", "count"),
                   q=found.number(f"{MODEL}.sweep_accuracy[{lengths[-1]}]", "percent_text"),
                   b=found.number("sweep_length[-1]", "count"), c=chance)
    first = found.number(f"{MODEL}.sweep_accuracy[{lengths[0]}]", "percent")
    values = {"shortest": found.number("sweep_length[0]", "count"), "first": first}
    if len(lengths) == 1:
        s.say("scores", "Trained on {shortest} word sentences, it scores {first} percent.",
              **values)
        return
    values |= {"longest": found.number("sweep_length[-1]", "count"),
               "last": found.number(f"{MODEL}.sweep_accuracy[{lengths[-1]}]", "percent")}
    said = ("Trained on {shortest} word sentences, it scores {first} percent; on {longest} "
            "words, {last} percent.")
    claims = []
    fails = next((n for n in lengths if found.near_chance_from(MODEL, n).holds), None)
    if fails == lengths[0]:
        said += " At every length, it is no better than chance."
        claims.append(found.near_chance_from(MODEL, fails))
    elif fails is not None:
        said += (" From {fails} words on, it is no better than chance." if fails != lengths[-1]
                 else " At {fails} words, it is no better than chance.")
        claims.append(found.near_chance_from(MODEL, fails))
        values["fails"] = found.number(f"sweep_length[{lengths.index(fails)}]", "count")
    s.say("scores", said, *claims, **values)
