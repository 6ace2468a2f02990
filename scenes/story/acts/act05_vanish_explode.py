"""Act 5's script: the scalar example h_t = w h_{t-1} + x_t, whose gradient over k steps back
is w to the power k: its weights multiplied out step by step, their factors on a log scale,
and what each weight does to the gradient over all the example's steps (vanishes below
VANISHED, explodes above EXPLODED, or only shrinks or grows), then back to the matrix W_h.

Every judgement is a finding of the bundle's ``scalar/factor``, named by the weight
(``scalar.vanishes[0.5]``): the "examples" bundle's 0.8, say, vanishes over thirty steps but
not over six, so the table's rows say only what they show."""

from __future__ import annotations

from bundle.contract import scalar_key

from ..findings import Finding, Findings
from ..numbers import Number
from ..script import Script

SHOWN_TERMS = 6  # how many factors the multiplication rows write out
DIGITS = 3  # the factors, said
TABLE_DIGITS = 5  # the table's running products, as the screen writes them


def script(found: Findings) -> Script:
    s = Script("vanish_explode")
    strip_to_one_number(s)
    multiply_again_and_again(s, found)
    draw_the_factors(s, found)
    back_to_the_matrix(s)
    return s


def weights(found: Findings) -> list[float]:
    return [float(w) for w in found.data[scalar_key("w")]]


def first_and_last(found: Findings) -> tuple[float, float | None]:
    """The weights the narration names: the smallest, then the largest (None when the
    example has one weight)."""
    ws = weights(found)
    low, high = min(ws), max(ws)
    return low, (high if high != low else None)


def weight(found: Findings, w: float) -> Number:
    return found.number(f"scalar_weight[{w:g}]", "plain")


def factor(found: Findings, w: float, k: int | None = None) -> Number:
    """w to the power ``k`` as the example computed it (``None``: over all its steps)."""
    name = f"scalar_factor[{w:g}]" if k is None else f"scalar_factor_at[{w:g},{k}]"
    return found.number(name, "words", DIGITS)


def in_turn(*fields: tuple[str, list[Number]]) -> dict[str, Number]:
    """A description's numbers, ``name0``, ``name1``... for each field's list, in the order
    its text has them (the first of each field, then the second...): the fact-checker finds
    each in the line in turn, and a "1.2" must not be taken for the one in "1.2 × 10⁻³"."""
    values = {}
    for i, numbers in enumerate(zip(*(numbers for _, numbers in fields), strict=True)):
        values.update({f"{name}{i}": number
                       for (name, _), number in zip(fields, numbers, strict=True)})
    return values


def trend(found: Findings, w: float) -> tuple[str, Finding | None]:
    """Which way ``w``'s factor goes, step by step: ``"falls"``, ``"climbs"``, ``"flat"``,
    or ``""`` when none holds; with the finding."""
    for rule, finding in (("falls", found.scalar_falls(w)), ("climbs", found.scalar_climbs(w)),
                          ("flat", found.scalar_flat(w))):
        if finding.holds:
            return rule, finding
    return "", None


def strip_to_one_number(s: Script) -> None:
    s.show("heading.one", "An RNN with a single number")
    s.describe("screen.one.forward", "The equation h t = w · h of the step before + x t, above "
               "a chain of cells that ends at h K, each arrow between them marked w.")
    s.say("one.forward", "To watch repeated multiplication, shrink the network to one "
          "number: the new hidden state is w times the old, plus the input.")
    s.describe("screen.one.step", "A curved arrow runs back from h K to the cell before, "
               "tagged × w, and an equation: dh t/dh of the step before = w.")
    s.say("one.step", "One step back, the gradient of the new state with respect to the old "
          "is just w.")
    s.describe("screen.one.steps", "More curved arrows, each tagged × w, run back along the "
               "whole chain, and a second equation: dh K/dh of k steps earlier = w to the power "
               "k.")
    s.say("one.steps", "Over k steps, the chain rule multiplies together k factors of w: w to "
          "the power k.")


def multiply_again_and_again(s: Script, found: Findings) -> None:
    shown = f"scalar_steps_shown[{SHOWN_TERMS}]"
    terms = int(found.value(shown))
    s.show("heading.table", "{k} steps back: {n} factors of w",
           k=found.number(shown, "count"), n=found.number(shown, "count"))
    s.show("table.steps", "k steps back")
    s.show("table.product", "product")
    low, high = first_and_last(found)
    rule, finding = trend(found, low)
    after = {"falls": "it has shrunk to {f}", "climbs": "it has grown to {f}",
             "flat": "it is {f}: a weight of exactly one keeps it steady"}.get(rule, "it is {f}")
    values = {"w": weight(found, low), "k": found.number(shown, "count"),
              "f": factor(found, low, terms)}
    squared = ""
    if terms >= 2:
        squared = " Two steps back, {a} times {b} is {f2}."
        values.update(a=weight(found, low), b=weight(found, low), f2=factor(found, low, 2))
    s.describe("screen.row.first", "A table with a column for each of {k} steps back, then the "
               "product. The row w = {w} fills in factor by factor, its running product ending "
               "at {f}.", k=found.number(shown, "count"), w=weight(found, low),
               f=found.number(f"scalar_factor_at[{low:g},{terms}]", "text", TABLE_DIGITS))
    s.say("row.first", "Take w equal to {w}." + squared + " After {k} steps, " + after + ".",
          *([finding] if finding else []), **values)
    if high is not None:
        say_the_other_rows(s, found, low, high, terms)


def say_the_other_rows(s: Script, found: Findings, low: float, high: float, terms: int
                       ) -> None:
    """The largest weight's row, and what a weight of exactly one does."""
    rest = [w for w in weights(found) if w not in (low, high)]
    rows = [f"w = {{w{i}}}, ending at {{f{i}}}" for i in range(1 + len(rest))]
    s.describe("screen.row.rest", "Then the other rows fill in the same way: " + "; ".join(rows)
               + ".", **in_turn(("w", [weight(found, w) for w in [high, *rest]]),
                                ("f", [found.number(f"scalar_factor_at[{w:g},{terms}]", "text",
                                                    TABLE_DIGITS) for w in [high, *rest]])))
    said, claims = [], []
    values = {"k": found.number(f"scalar_steps_shown[{SHOWN_TERMS}]", "count"),
              "w": weight(found, high), "f": factor(found, high, terms)}
    rule, finding = trend(found, high)
    if rule == "climbs":
        instead = " instead" if trend(found, low)[0] == "falls" else ""
        said.append(f"With w equal to {{w}} it grows{instead}: after {{k}} steps, to {{f}}.")
        claims.append(finding)
    elif rule == "falls":  # below one too, nearer to it
        said.append("With w equal to {w}, closer to one, it shrinks more slowly: after {k} "
                    "steps, to {f}.")
        claims.append(finding)
    flat = [w for w in weights(found) if found.scalar_flat(w).holds]
    if flat and flat[0] != low:
        said.append("A weight of exactly one keeps it steady.")
        claims.append(found.scalar_flat(flat[0]))
    elif not flat:
        said.append("Only a weight of exactly one would keep it steady.")  # the rule
    s.say("row.rest", " ".join(said), *claims, **(values if rule in ("climbs", "falls")
                                                  else {}))


def draw_the_factors(s: Script, found: Findings) -> None:
    s.show("heading.chart", "The gradient factor after k steps back")
    s.show("axis.steps", "k, steps back")
    s.show("axis.factor", "factor")
    s.describe("screen.chart.log", "Empty axes: k, the steps back, along the bottom up to {n}, "
               "and the factor up the side on a log scale, labelled in powers of ten.",
               n=found.number("scalar_steps", "count"))
    s.say("chart.log", "Plot that factor against the steps back on a log scale, where "
          "repeated multiplication becomes a straight line.")
    ws = weights(found)
    trends = {w: trend(found, w) for w in ws}
    clauses, claims = [], []
    for rule, where, does in (("falls", "below one", "it falls"),
                              ("climbs", "above one", "it climbs"),
                              ("flat", "at exactly one", "it stays flat")):
        these = [w for w in ws if trends[w][0] == rule]
        if these:
            clauses.append(f"{where} {does}" if len(ws) > 1 else does)
            claims += [trends[w][1] for w in these]
    if len(ws) > 1:
        labels = [f"w = {{w{i}}}" for i in range(len(ws))]
        s.describe("screen.chart.lines", "One line per weight grows from left to right, each "
                   "labelled at its right end: " + ", ".join(labels[:-1]) + " and " + labels[-1]
                   + ".", **{f"w{i}": weight(found, w) for i, w in enumerate(ws)})
    else:
        s.describe("screen.chart.lines", "One line, for w = {w}, grows from left to right and "
                   "is labelled at its right end.", w=weight(found, ws[0]))
    if len(ws) > 1:
        s.say("chart.lines", "One line per weight: " + ", ".join(clauses) + ".", *claims)
    else:
        s.say("chart.lines", "One line, for w equal to {w}: " + ", ".join(clauses) + ".",
              *claims, w=weight(found, ws[0]))
    say_where_they_end(s, found)


def say_where_they_end(s: Script, found: Findings) -> None:
    """What the smallest and the largest weight have done to the gradient after all the
    example's steps: "vanishes" and "explodes" only where their findings hold; otherwise
    what the numbers show."""
    low, high = first_and_last(found)
    ws = weights(found)
    ends = [f"{{f{i}}} for {{w{i}}}" for i in range(len(ws))]
    s.describe("screen.chart.ends", "Under each label, its value after all the steps, w to the "
               "power {n}: " + (", ".join(ends[:-1]) + " and " if len(ws) > 1 else "")
               + ends[-1] + (". The smallest weight's is circled." if len(ws) > 1 else
                             ", circled."), n=found.number("scalar_steps", "count"),
               **in_turn(("f", [found.number(f"scalar_factor[{w:g}]", "text") for w in ws]),
                         ("w", [weight(found, w) for w in ws])))
    said, claims = [], []
    values = {"n": found.number("scalar_steps", "count")}
    for key, w in (("low", low), ("high", high)):
        if w is None:
            continue
        values[key] = weight(found, w)
        values[f"{key}_f"] = factor(found, w)
        rule = trend(found, w)[0]
        vanishes, explodes = found.scalar_vanishes(w), found.scalar_explodes(w)
        if rule == "falls" and vanishes.holds:
            said.append(f"{{{key}}} leaves {{{key}_f}} of the gradient: it vanishes.")
            claims.append(vanishes)
        elif rule == "falls":
            said.append(f"{{{key}}} shrinks it to {{{key}_f}}.")
            claims.append(~vanishes)
        elif rule == "climbs" and explodes.holds:
            said.append(f"{{{key}}} multiplies it by {{{key}_f}}: it explodes.")
            claims.append(explodes)
        elif rule == "climbs":
            said.append(f"{{{key}}} grows it to {{{key}_f}}.")
            claims.append(~explodes)
        else:
            said.append(f"{{{key}}} leaves it at {{{key}_f}}.")
    said = [said[0], *(f"And {line}" for line in said[1:])]
    s.say("chart.ends", "After {n} steps, " + " ".join(said), *claims, **values)


def back_to_the_matrix(s: Script) -> None:
    """The matrix case, as the rule it is (Pascanu, Mikolov & Bengio 2013): a largest
    singular value below one makes the gradient vanish; above one is what it takes to
    explode, not a promise that it will."""
    s.show("heading.matrix", "A real RNN multiplies by a matrix")
    s.show("rule.explode", "the gradient can explode")
    s.show("rule.vanish", "the gradient vanishes", free=(r"\bvanish(?:es|ed)?\b(?! gradient)",))
    s.show("note.slope", "every step also multiplies by the activation's slope")
    s.describe("screen.matrix", "The equation: dh T/dh of the initial state = W h to the power "
               "T, times the product of f′ over all T steps.")
    s.say("matrix", "A real network multiplies by the matrix W h, so over T steps the "
          "gradient picks up W h to the power T.")
    s.describe("screen.matrix.rule", "Below it, two rules: W h greater than one, the gradient "
               "can explode; W h less than one, the gradient vanishes.",
               free=(r"\bvanish(?:es|ed)?\b(?! gradient)",))
    s.say("matrix.rule", "If W h is larger than one, the gradient can explode; smaller than "
          "one, and repeated multiplication makes it vanish.",
          free=(r"\bvanish(?:es|ed)?\b(?! gradient)",))
    s.describe("screen.matrix.slope", "A box surrounds the product of f′ in the equation.")
    s.say("matrix.slope", "The activation's slope multiplies in at every step too; we will "
          "come back to that.")
