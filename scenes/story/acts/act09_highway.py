"""Act 9's script: the cell state's additive path, the trained LSTM's forget gate, the gradient
reaching each word in the tanh RNN and the LSTM's cell state, who learns (and, where a gated
model does not, the cause the data show), and accuracy against sentence length.

Where the bundle holds a user's own model (``config["own_model"]``), it is "your" model in
every sentence, and the length sweep, which is always the base bundle's, says so."""

from __future__ import annotations

from string import Formatter

from bundle.contract import SWEEP_MODELS, SWEEP_SEQ_LEN, grad_key

from ..findings import Finding, Findings
from ..names import MODEL_NAMES, model_name
from ..script import Claim, Script

__all__ = ["TRAINING_ORDER", "script", "whose"]

RNN, LSTM, GRU = "rnn_tanh", "lstm", "gru"
TRAINING_ORDER = (LSTM, GRU, "irnn", RNN)  # the order the training curves are named in


def used(template: str, values: dict) -> dict:
    """The values a template names (a number passed but not said would be declared for
    nothing)."""
    names = {field for _, field, _, _ in Formatter().parse(template) if field}
    return {k: v for k, v in values.items() if k in names}


def whose(found: Findings, kind: str, capital: bool = False) -> tuple[str, Finding]:
    """"the LSTM" or "your LSTM", and the claim behind the choice."""
    own = found.own_model(kind)
    name = model_name(kind, own.holds)
    return (name[0].upper() + name[1:] if capital else name), (own if own.holds else ~own)


def label(found: Findings, kind: str) -> str:
    """A model's name on a label: "LSTM", or "your LSTM"."""
    return model_name(kind, True) if found.own_kind() == kind else MODEL_NAMES[kind]


def script(found: Findings) -> Script:
    s = Script("highway")
    open_the_highway(s, found)
    compare_gradients(s, found)
    compare_training(s, found)
    sweep_the_length(s, found)
    return s


# ------------------------------------------------------------------------------ the cell


def open_the_highway(s: Script, found: Findings) -> None:
    s.describe("screen.cell.add", "The LSTM cell diagram again, its cell-state line "
               "highlighted; below it, the update equation: C t is f t times the old cell state, "
               "plus i t times C tilde t.")
    lstm, rnn = found.solved(LSTM), found.solved(RNN)
    how = ("It is updated by addition: the old cell state, scaled by the forget gate, plus "
           "something new.")
    if lstm.holds and not rnn.holds:
        s.say("cell.add", "Why does this help? Look at the cell state again. " + how, lstm, ~rnn)
    elif lstm.holds:
        s.say("cell.add", "What do the gates change, when even the tanh RNN learns this "
              "task? Look at the cell state again. " + how, lstm, rnn)
    else:
        s.say("cell.add", "How are the gates meant to help? Look at the cell state again. "
              + how, ~lstm)
    s.describe("screen.cell.slope", "A second equation: the derivative of the cell state by "
               "the one before is f t, plus indirect paths; an arrow points back along the "
               "cell-state line, and the forget gate's multiplication is highlighted.")
    s.say("cell.slope", "So the gradient from one <bookmark mark='cell'/>cell state to the one "
          "before is simply the <bookmark mark='forget'/>forget gate, plus some indirect paths "
          "through the gates.")
    forget = found.number(f"{LSTM}.forget_mean", "text")
    own = found.own_model(LSTM)
    s.show("value.forget", "{who}: mean forget gate = {forget}", own if own.holds else ~own,
           who="your LSTM" if own.holds else "trained LSTM", forget=forget)
    judge_the_forget_gate(s, found)


def judge_the_forget_gate(s: Script, found: Findings) -> None:
    """What the LSTM's forget gate means for its gradient, in this run. The act flashes the
    cell-state path at the bookmark ``highway``."""
    near, highway = found.forget_near_one(LSTM), found.highway()
    level = found.number(f"{LSTM}.forget_mean")
    own = found.own_model(LSTM)
    who = "your LSTM" if own.holds else "our trained LSTM"
    mine = own if own.holds else ~own
    if near.holds and highway.holds:
        s.say("cell.forget", "In {who} the forget gate averages {level}. Close to one, so the "
              "gradient passes almost unchanged, step after step: a <bookmark "
              "mark='highway'/>highway back through time.", near, highway, mine, who=who,
              level=level)
    elif near.holds:
        s.say("cell.forget", "In {who} the forget gate averages {level}. Close to one; but "
              "over a long sentence even small losses <bookmark mark='highway'/>multiply, as "
              "the next chart shows.", near, ~highway, mine, who=who, level=level)
    elif highway.holds:
        s.say("cell.forget", "In {who} the forget gate averages only {level}, far from one; "
              "still, as the next chart shows, its cell state <bookmark mark='highway'/>carries "
              "the gradient back.", ~near, highway, mine, who=who, level=level)
    else:
        who = "your LSTM" if own.holds else "this run's LSTM"
        s.say("cell.forget", "In {who} the forget gate averages only {level}, far from one: "
              "each step back shrinks the cell state's gradient, and the path back "
              "<bookmark mark='highway'/>leaks.", ~near, ~highway, mine, who=who, level=level)


# ------------------------------------------------------------------------- the gradients


def compare_gradients(s: Script, found: Findings) -> None:
    steps = found.number(f"{RNN}.grad_length", "count")
    s.show("heading.gradient", "Gradient reaching each word, {steps}-word sentence",
           steps=steps)
    s.show("axis.x", "word position in the sentence")
    s.show("axis.y", "gradient / its value at the last word")
    rnn_claim, lstm_claim = whose(found, RNN)[1], whose(found, LSTM)[1]
    s.show("label.rnn_tanh", "{name} hidden state", rnn_claim, name=label(found, RNN))
    s.show("label.lstm", "{name} cell state", lstm_claim, name=label(found, LSTM))
    describe_the_curve(s, found, "screen.grad.lead", RNN, "h", "A chart over the {steps} "
                       "words: the gradient reaching each word over its value at the last "
                       "word, on a log scale. First, the tanh RNN's hidden-state curve",
                       steps=found.number(f"{RNN}.grad_length", "count"))
    highway, vanishes = found.highway(), found.vanishes(RNN)
    same = found.same_probe(LSTM)
    where = "on the same {steps} word sentence" if same.holds else "on {steps} word sentences"
    rest = (", " + where + ". Each curve is the gradient reaching each word, divided by its "
            "value at the last word, on a log scale.")
    if highway.holds and vanishes.holds:
        s.say("grad.lead", "Here is the proof" + rest, highway, vanishes, same if same.holds
              else ~same, steps=steps)
    else:
        s.say("grad.lead", "Here is what this run measured" + rest,
              *([highway] if highway.holds else [~highway]), same if same.holds else ~same,
              steps=steps)
    compare_the_curves(s, found)


def compare_the_curves(s: Script, found: Findings) -> None:
    """The tanh RNN's gradient at the first word, and the LSTM cell state's."""
    describe_the_curve(s, found, "screen.grad.compare", LSTM, "c", "A dot and its value mark "
                       "where each curve starts. Then the LSTM's cell-state curve")
    rnn, rnn_claim = whose(found, RNN, capital=True)
    lstm, lstm_claim = whose(found, LSTM, capital=True)
    ratio = found.ratio(RNN)
    claims: list[Finding | Claim] = [rnn_claim, lstm_claim]
    values: dict = {"rnn": rnn, "lstm": lstm}
    vanishes = found.vanishes(RNN)
    if ratio == 0 and found.grad_norm(RNN, "-1") == 0:
        said = "{rnn} has no gradient at all: it is {r} even at the last word."
        values["r"] = found.number(f"{RNN}.grad_norm[-1]")
        claims.append(vanishes)
    elif ratio == 0:
        said = "{rnn}'s gradient underflows to {r} before the first word."
        values["r"] = found.number(f"{RNN}.ratio", "about")
        claims.append(vanishes)
    elif ratio > 1:
        said = "{rnn}'s gradient grows to {r} times its last value at the first word."
        values["r"] = found.number(f"{RNN}.ratio")
        claims.append(found.grows(RNN))
    elif ratio < 1:
        said = "{rnn}'s gradient shrinks to {r} at the first word."
        values["r"] = found.number(f"{RNN}.ratio", "about")
        claims.append(found.shrinks(RNN))
    else:
        said = "{rnn}'s gradient is exactly as large at the first word as at the last."
        claims += [~found.shrinks(RNN), ~found.grows(RNN)]
    highway, grows = found.highway(), found.grows(LSTM, "c")
    if grows.holds:
        said += (" {lstm}'s cell state gradient even grows toward the first word, to {c} times "
                 "its last value.")
        values["c"] = found.number(f"{LSTM}.c_ratio")
        claims += [highway, grows]
    elif highway.holds:
        said += " {lstm}'s cell state gradient never falls below {low}."
        values["low"] = found.number(f"{LSTM}.c_relative_min")
        claims.append(highway)
    else:
        too = " too" if vanishes.holds else ""
        said += (" {lstm}'s cell state gradient falls to {c} at the first word: it vanishes"
                 + too + ".")
        values["c"] = found.number(f"{LSTM}.c_ratio")
        claims += [found.vanishes(LSTM, "c"), *([vanishes] if too else [])]
    s.say("grad.compare", said, *claims, **used(said, values))


def describe_the_curve(s: Script, found: Findings, key: str, model: str, state: str,
                       lead: str, **values) -> None:
    """``lead`` (a template), then where ``model``'s ``state`` curve on the gradient chart
    lies: a log scale has no place for an exact zero, so the line leaves such words out, and
    a curve that is zero everywhere (no gradient even at the last word) lies on the floor."""
    norms = found.data[grad_key(model, state)][-1]
    if norms[-1] <= 0:
        said = ", exactly zero everywhere, lies along the chart's floor."
    elif norms[0] <= 0:
        said = " skips the words where it is exactly zero, the first word among them."
    elif state == "c":
        said = " is {first} at the first word, its lowest {low}."
        values |= {"first": found.number(f"{model}.c_ratio", "text"),
                   "low": found.number(f"{model}.c_relative_min", "text")}
    else:
        said = " is {first} at the first word."
        values["first"] = found.number(f"{model}.ratio", "text")
    s.describe(key, lead + said, **values)


# -------------------------------------------------------------------------- the training


def compare_training(s: Script, found: Findings) -> None:
    s.show("heading.train", "Held-out accuracy during training")
    s.show("axis.step", "training step")
    chance = found.number(f"{RNN}.chance", "percent")
    s.show("label.chance", "chance {p}", p=found.number(f"{RNN}.chance", "percent_text"))
    ends = {f"a{i}": found.number(f"{m}.accuracy", "percent_text")
            for i, m in enumerate(TRAINING_ORDER)}
    longest = max(SWEEP_MODELS, key=found.train_steps)
    s.describe("screen.train", "Held-out accuracy against training step, up to step {n}: "
               + ", ".join(("the {name}'s curve ends at {{a{i}}}" if i == 0 else
                            "the {name}'s at {{a{i}}}").format(name=MODEL_NAMES[m], i=i)
                           for i, m in enumerate(TRAINING_ORDER))
               + "; a dashed line marks chance, {chance}.",
               n=found.number(f"{longest}.train_steps", "count"),
               chance=found.number(f"{RNN}.chance", "percent_text"), **ends)
    solved = [found.solved(m) for m in (LSTM, GRU)]
    highway = found.highway()
    parts, values, claims = [], {"chance": chance}, []
    for i, m in enumerate(TRAINING_ORDER):
        name, claim = whose(found, m)
        mark = "<bookmark mark='" + m + "'/>"
        parts.append(name.replace(" ", " " + mark, 1) if name.startswith("the ")
                     else mark + name)
        parts[-1] += " ends at {a" + str(i) + "} percent"
        values[f"a{i}"] = found.number(f"{m}.accuracy", "percent")
        claims.append(claim)
    said = "; ".join(parts)
    if all(f.holds for f in solved) and highway.holds:
        lead, claims = "And so they learn.", [*claims, *solved, highway]
    else:
        lead = "Who learns?"
    s.say("train.said", lead + " Held-out accuracy during training: " + said + ". "
          "<bookmark mark='chance'/>Chance is {chance} percent, the dashed line.", *claims,
          **values)
    explain_the_steps(s, found)
    explain_the_failures(s, found)


def explain_the_steps(s: Script, found: Findings) -> None:
    """Where the models trained for different numbers of steps (a user's own model), the
    axis covers the longest and the lecture says why a curve stops early."""
    steps = {m: found.train_steps(m) for m in SWEEP_MODELS}
    longest = max(steps.values())
    short = [m for m in TRAINING_ORDER if m in steps and steps[m] < longest]
    if not short:
        return
    full = next(m for m in TRAINING_ORDER if steps.get(m) == longest)
    values, claims, said, shown = {}, [], [], []
    for i, m in enumerate(short):
        name, claim = whose(found, m)
        claims.append(claim)
        values[f"n{i}"] = found.number(f"{m}.train_steps", "count")
        said.append(name + " for only {n" + str(i) + "} steps")
        shown.append(name + ": {n" + str(i) + "} steps")
    values["full"] = found.number(f"{full}.train_steps", "count")
    one = len(short) == 1
    s.show("note.steps", "; ".join(shown) + "; the others: {full} steps", *claims, **values)
    s.say("train.steps", "Not every model trained as long: " + ", ".join(said) + ", the "
          "others for {full}; so " + ("its curve stops" if one else "their curves stop")
          + " early on this axis.", *claims, **values)


def explain_the_failures(s: Script, found: Findings) -> None:
    """A gated model that did not learn: the cause the data support, or plainly none."""
    said, shown, claims, values = [], [], [], {}
    lstm_forgets = False
    if not found.solved(LSTM).holds:
        text, shows, cl, lstm_forgets = lstm_failure(found)
        said.append(text)
        shown.append(shows)
        claims += cl
        values["f"] = found.number(f"{LSTM}.forget_mean")
        values["steps"] = found.number(f"{RNN}.grad_length", "count")
        values["f_text"] = found.number(f"{LSTM}.forget_mean", "text")
    if not found.solved(GRU).holds:
        text, shows, cl = gru_failure(found, lstm_failed=bool(said), lstm_forgets=lstm_forgets)
        said.append(text)
        shown.append(shows)
        claims += cl
        values["z"] = found.number(f"{GRU}.update_mean")
        values["z_text"] = found.number(f"{GRU}.update_mean", "text")
        values["near"] = found.number("near_one")
    if not said:
        return
    shown_text = ";  ".join(shown)
    s.show("note.why", shown_text, *claims, **used(shown_text, values))
    text = " ".join(said)
    s.say("train.why", text, *claims, **used(text, values))


def undertrained(found: Findings, model: str) -> tuple[str, Finding]:
    learning = found.still_learning(model)
    if learning.holds:
        return ("its held-out loss was still falling when training stopped, so it may only "
                "need more steps"), learning
    return "this run does not show why", ~learning


def failed(found: Findings, model: str, name: str) -> tuple[str, list]:
    """"The LSTM did not learn" (no better than chance) or "learned only in part"."""
    chance, solved = found.near_chance(model), found.solved(model)
    if chance.holds:
        return f"{name} did not learn", [chance]
    return f"{name} learned only in part", [~solved, ~chance]


def lstm_failure(found: Findings) -> tuple[str, str, list, bool]:
    """The LSTM did not learn: its forget gate far from one, its cell-state gradient
    vanishing, or neither (then the loss curve, or plainly no cause). Also whether it
    forgets the way a GRU far from one would."""
    name, mine = whose(found, LSTM, capital=True)
    near, highway = found.forget_near_one(LSTM), found.highway()
    did, outcome = failed(found, LSTM, name)
    c_vanishes = found.vanishes(LSTM, "c")
    shown = f"{label(found, LSTM)}: mean forget gate {{f_text}}"
    if not near.holds and not highway.holds:
        return (f"{did}: its forget gate averages only {{f}}, far from one, so its cell state "
                "forgets a share of itself at every word, and its gradient vanishes on the way "
                "back to the first word.", shown, [mine, *outcome, ~near, c_vanishes], True)
    if near.holds and not highway.holds:
        return (f"{did}: its forget gate is close to one, {{f}}, yet over {{steps}} words its "
                "cell-state gradient still vanishes.", shown, [mine, *outcome, near, c_vanishes],
                False)
    why, claim = undertrained(found, LSTM)
    gate = ("its forget gate is close to one, {f}," if near.holds else
            "its forget gate averages only {f}, far from one,")
    return (f"{did}, though {gate} and its cell state keeps the gradient: {why}.", shown,
            [mine, *outcome, near if near.holds else ~near, highway, claim], False)


def gru_failure(found: Findings, lstm_failed: bool, lstm_forgets: bool
                ) -> tuple[str, str, list]:
    """The GRU did not learn. In PyTorch's GRU, h' = (1 - z) n + z h: it keeps its state
    where the update gate z is near one, so a mean z far from one forgets the way a forget
    gate far from one does."""
    name, mine = whose(found, GRU, capital=True)
    near = found.update_near_one(GRU)
    did, outcome = failed(found, GRU, name)
    shown = f"{label(found, GRU)}: mean update gate {{z_text}}"
    too = ", too," if lstm_failed else ""
    did = did.replace(" did not", too + " did not").replace(" learned", too + " learned")
    if not near.holds:
        same = " the same way" if lstm_forgets else ""
        return (f"{did}: a GRU keeps its old state in proportion to its update gate, and here "
                "that gate averages only {z}, below {near}, so it forgets" + same
                + ", word by word.", shown, [mine, *outcome, ~near])
    why, claim = undertrained(found, GRU)
    return (f"{did}, though its update gate averages {{z}}, so each word keeps most of its "
            f"state: {why}.", shown, [mine, *outcome, near, claim])


# ----------------------------------------------------------------------------- the sweep


def sweep_the_length(s: Script, found: Findings) -> None:
    data = found.data
    lengths = [int(n) for n in data[SWEEP_SEQ_LEN]]
    models = [m for m in SWEEP_MODELS if f"sweep/{m}/accuracy" in data]
    s.show("heading.sweep", "Final accuracy against sentence length")
    s.show("axis.length", "sentence length (words)")
    own = found.own_kind()
    values: dict = {}
    claims: list = []
    if own in models:
        mine = found.own_model(own)
        s.show("note.base", "the base bundle's reference runs, not your {name}", mine,
               name=MODEL_NAMES[own])
        s.show(f"row.{own}", "{name} (base)", name=MODEL_NAMES[own])
        claims.append(mine)
    parts = []
    for m in models:
        text, cl, vals = reach_of(found, m, lengths, len(parts))
        parts.append(f"the {MODEL_NAMES[m]} {text}")
        claims += cl
        values |= vals
    said = "; ".join(parts)
    base = ""
    if own in models:
        base = (" (the base bundle's reference runs: its " + MODEL_NAMES[own] + " is not your "
                "model)")
    names = [MODEL_NAMES[m] for m in models]
    rows = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    if len(lengths) == 1:
        s.describe("screen.sweep", "A table of final accuracy: one row per model, the "
                   "{rows}, and one column, {n} words; each cell shows its percentage, shaded "
                   "from dark for low to bright for high.", rows=rows,
                   n=found.number("sweep_length[0]", "count"))
    else:
        s.describe("screen.sweep", "A table of final accuracy: one row per model, the {rows}, "
                   "and one column per sentence length, from {a} to {b} words; each cell shows "
                   "its percentage, shaded from dark for low to bright for high.", rows=rows,
                   a=found.number("sweep_length[0]", "count"),
                   b=found.number("sweep_length[-1]", "count"))
    if len(lengths) == 1:
        values["only"] = found.number("sweep_length[0]", "count")
        lead = "Finally, the length sweep" + base + ": in this run each model trained at one "
        lead += "length only, {only} words"
    else:
        lead = "Finally, train each model on longer and longer sentences" + base
    template = lead + ": " + said + "."
    s.say("sweep.said", template, *claims, **used(template, values))


def reach_of(found: Findings, kind: str, lengths: list[int], row: int
             ) -> tuple[str, list, dict]:
    """How far ``kind`` copes in the sweep, as a clause, its claims and its numbers (named
    for row ``row`` of the sentence, so that every number has its own name)."""
    reach = found.reach(kind)
    bar = found.number("solved_threshold", "percent")
    key = f"r{row}"
    values = {f"{key}bar": bar}
    one = len(lengths) == 1
    if reach.kind == "all":
        if one:
            return (f"is at {{{key}bar}} percent or more", [found.solves_every_length(kind)],
                    values)
        values[f"{key}n"] = found.number(f"sweep_length[{len(lengths) - 1}]", "count")
        return (f"stays at {{{key}bar}} percent or more all the way to {{{key}n}} words",
                [found.solves_every_length(kind)], values)
    if reach.kind == "none":
        if one:
            return f"stays below {{{key}bar}} percent", [found.solves_no_length(kind)], values
        return (f"never reaches {{{key}bar}} percent", [found.solves_no_length(kind)], values)
    if reach.kind == "up_to":
        i = lengths.index(reach.length)
        return (f"copes up to {{{key}n}} words", [found.solves_up_to(kind, reach.length)],
                {f"{key}n": found.number(f"sweep_length[{i}]", "count")})
    names = []
    for j, n in enumerate(reach.solved):
        values[f"{key}n{j}"] = found.number(f"sweep_length[{lengths.index(n)}]", "count")
        names.append(f"{{{key}n{j}}}")
    others = [~found.solved_at(kind, n) for n in lengths if n not in reach.solved]
    return (f"reaches {{{key}bar}} percent only at {_and(names)} words",
            [*(found.solved_at(kind, n) for n in reach.solved), *others], values)


def _and(items: list[str]) -> str:
    """5, 10 and 20."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
