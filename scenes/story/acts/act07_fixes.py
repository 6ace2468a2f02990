"""Act 7's script: three fixes for the vanishing gradient (the activation, an identity start,
gates), each with what the trained models of this bundle show of it."""

from __future__ import annotations

from ..findings import Findings
from ..names import MODEL_NAMES, model_name
from ..script import Script

ACTIVATION_MODELS = {"rnn_sigmoid": "sigmoid", "rnn_tanh": "tanh", "rnn_relu": "relu"}
GATED = ("lstm", "gru")
OWN_KINDS = ("lstm", "gru", "rnn_tanh")  # the kinds a user's own model can be
FIXES = ("choose activation functions wisely", "start the recurrent weights at the identity",
         "use gates: LSTM, GRU")


def script(found: Findings) -> Script:
    s = Script("fixes")
    list_the_fixes(s)
    compare_the_slopes(s, found)
    measure_the_activations(s, found)
    start_at_the_identity(s, found)
    compare_the_flow(s, found)
    tease_the_gates(s, found)
    return s


def list_the_fixes(s: Script) -> None:
    s.show("heading.fixes", "Solutions to the vanishing gradient problem")
    for i, fix in enumerate(FIXES):
        s.show(f"fix[{i}]", fix)
    s.say("fixes", "Three common fixes: choose the activation wisely, start the recurrent "
          "weights at the identity, or use gates.")


def compare_the_slopes(s: Script, found: Findings) -> None:
    s.show("heading.slopes", "First fix: choose activation functions wisely")
    for name, label in (("sigmoid", "sigmoid slope"), ("tanh", "tanh slope"),
                        ("relu", "ReLU slope")):
        s.show(f"label.{name}", label)
    bound = found.at_most("sigmoid.slope")
    steps = found.number("rnn_sigmoid.steps_back", "count")
    power = f"sigmoid.slope_bound[{int(steps.value)}]"
    s.show("peak", r"\text{{at most }} {peak}", bound,
           peak=found.number("sigmoid.slope_peak", "tex", 3))
    s.show("power.note", "{n} slopes multiply to at most", bound, n=steps)
    s.show("power", "{peak}^{{{n}}} = {bound}", peak=found.number("sigmoid.slope_peak", "tex", 3),
           n=steps, bound=found.number(power, "tex"))
    s.describe("screen.slopes", "Three curves against the input, the slopes of sigmoid, tanh "
               "and ReLU, highest at {sigmoid}, {tanh} and {relu}; a dashed line marks {one}.",
               sigmoid=found.number("sigmoid.slope_peak", "text", 3),
               tanh=found.number("tanh.slope_peak", "text", 3),
               relu=found.number("relu.slope_peak", "text", 3),
               one=found.number("no_change", "text"))
    s.say("slopes.each", "Each step back multiplies the gradient by the activation's slope, "
          "and by W h.")
    s.describe("screen.peak", "A dashed line marks the sigmoid's highest slope, labelled at "
               "most {peak}; above the label, {peak_again} to the power {n} = {bound}.", bound,
               peak=found.number("sigmoid.slope_peak", "text", 3),
               peak_again=found.number("sigmoid.slope_peak", "text", 3), n=steps,
               bound=found.number(power, "text"))
    s.say("slopes.peak", "The sigmoid's slope is at most {peak}: over {n} steps back, the "
          "slopes alone multiply to at most {bound}. W h multiplies in too, and can stretch "
          "the gradient back up. Tanh's slope reaches {tanh}; ReLU's is {relu} for positive "
          "inputs.", bound, peak=found.number("sigmoid.slope_peak", "words", 3), n=steps,
          bound=found.number(power), tanh=found.number("tanh.slope_peak", "words", 3),
          relu=found.number("relu.slope_peak", "words", 3))


def measure_the_activations(s: Script, found: Findings) -> None:
    models = tuple(ACTIVATION_MODELS)
    s.show("heading.measured", "Measured: gradient at the first word, over the last")
    for m in models:
        show_name(s, found, f"name.measured[{m}]", m)
        s.show(f"bar[{m}]", "{r}", r=found.number(f"{m}.ratio", "tex"))
        s.show(f"score[{m}]", "accuracy {p}", p=found.number(f"{m}.accuracy", "percent_text"))
    s.describe("screen.measured", "Three bars on a log scale, each the first word's gradient "
               "over the last word's: the sigmoid RNN's {rnn_sigmoid}, the tanh RNN's "
               "{rnn_tanh}, the ReLU RNN's {rnn_relu}.",
               **{m: found.number(f"{m}.ratio", "text") for m in models})
    said, claims, values = judge_the_activations(found, models)
    s.say("measured", "We trained all three; each bar is the first word's gradient relative "
          "to the last word's. " + said, *claims, **values)
    by_accuracy = sorted(models, key=found.accuracy)
    low, high = (found.number(f"{m}.accuracy", "percent") for m in (by_accuracy[0],
                                                                     by_accuracy[-1]))
    said = ("All three scored {low} percent" if low.text == high.text else
            "All three scored between {low} and {high} percent")
    values = {"low": low, "high": high} if low.text != high.text else {"low": low}
    said, claims = [said + "; chance is {chance}."], []
    values["chance"] = found.number("rnn_tanh.chance", "percent")
    note, claims = still_learning(found, models)
    if note:
        said.append(note)
    s.say("scores", " ".join(said), *claims, **values)


def judge_the_activations(found: Findings, models) -> tuple[str, list, dict]:
    """Which activation kept the most of the gradient, and whether ReLU helped."""
    ratios = {m: found.ratio(m) for m in models}
    if max(ratios.values()) == 0:
        return ("None of them kept any: every first-word gradient underflowed to exactly "
                "zero.", [], {})
    best = max(models, key=ratios.get)
    name, mine = whose(found, best)
    said = [capital(name) + " kept the most: {kept}."]
    claims = [found.kept_most(best, [m for m in models if m != best]), *mine]
    values = {"kept": found.number(f"{best}.ratio", "words", 3)}
    zeros = [m for m in models if ratios[m] == 0]
    if zeros:
        names = [whose(found, m) for m in zeros]
        said.append(capital(joined([n for n, _ in names])) + ": exactly zero, nothing at all "
                    "reaches the first word.")
        claims += [c for _, cs in names for c in cs]
    helped = found.relu_helped()
    if best != "rnn_relu":
        said.append("ReLU alone did not help here.")
        claims.append(~helped)
    elif helped.holds:
        said.append("More than ten times the others: here ReLU helped.")
        claims.append(helped)
    else:
        said.append("But less than ten times the others: not a clear win.")
        claims.append(~helped)
    stretched = found.stretched("rnn_sigmoid", "sigmoid")
    if stretched.holds:
        said.append("The sigmoid RNN keeps more than its slopes alone allow, so its W h must "
                    "have stretched the gradient on the way.")
        claims.append(stretched)
    return " ".join(said), claims, values


def start_at_the_identity(s: Script, found: Findings) -> None:
    s.show("heading.identity", "Second fix: start the recurrent weights at the identity")
    s.show("cite", "Le, Jaitly & Hinton 2015: the IRNN")
    s.show("label.start", "at the start: identity, biases zero")
    s.show("label.end", "after training")
    s.describe("screen.identity", "A heatmap of the recurrent weights at the start, the "
               "identity matrix: a blue diagonal on dark cells.")
    s.say("identity", "The second fix, from Le, Jaitly and Hinton: identity recurrent "
          "weights, zero biases, and ReLU.")
    s.describe("screen.diagonal", "An arrow leads to a second heatmap, the weights after "
               "training, blue where positive, orange where negative, dark near zero; their "
               "diagonal averages {d}.", d=found.number("irnn.diagonal", "text", 3))
    diagonal = found.number("irnn.diagonal", "words", 3)
    kept = found.identity_kept()
    mechanism = ("Each step then copies the hidden state forward, so through every active unit "
                 "the gradient flows back multiplied by one. ")
    if kept.holds:
        s.say("diagonal", mechanism + "After training, the diagonal still averages {d}.", kept,
              d=diagonal)
    else:
        s.say("diagonal", mechanism + "After training, the diagonal averages {d}: training "
              "moved it away from one.", ~kept, d=diagonal)


def compare_the_flow(s: Script, found: Findings) -> None:
    s.show("heading.flow", "The gradient reaching each word")
    s.show("chart.x_label", "word")
    s.show("chart.y_label", "gradient, relative")
    for i in (0, -1):
        s.show(f"when[{i}]", "training step {step}, each curve over its last word",
               step=found.number(f"irnn.grad_step[{i}]", "count"))
    s.describe("screen.flow.start", "A log-scale chart of the gradient reaching each of {n} "
               "words, each curve over its value at the last word, at training step {step}: "
               "the tanh RNN's is {rnn_tanh} at the first word, the IRNN's {irnn}.",
               n=found.number("irnn.grad_length", "count"),
               step=found.number("irnn.grad_step[0]", "count"),
               **{m: found.number(f"{m}.ratio_at[0]", "text") for m in ("rnn_tanh", "irnn")})
    tanh, mine = whose(found, "rnn_tanh")
    s.say("flow.start", f"At the start, {tanh}'s first-word gradient is {{tanh}}; the IRNN's "
          "is {irnn}.", *mine, tanh=found.number("rnn_tanh.ratio_at[0]", "share", 3),
          irnn=found.number("irnn.ratio_at[0]", "share", 3))
    for m in ("rnn_tanh", "irnn"):
        show_name(s, found, f"name.flow[{m}]", m)
        s.show(f"tag[{m}]", "accuracy {p}", p=found.number(f"{m}.accuracy", "percent_text"))
    s.describe("screen.flow.end", "The curves change to training step {step}: the tanh RNN's "
               "is now {rnn_tanh} at the first word, the IRNN's {irnn}; beside the names, "
               "accuracy {tanh_p} and {irnn_p}.",
               step=found.number("irnn.grad_step[-1]", "count"),
               **{m: found.number(f"{m}.ratio_at[-1]", "text") for m in ("rnn_tanh", "irnn")},
               tanh_p=found.number("rnn_tanh.accuracy", "percent_text"),
               irnn_p=found.number("irnn.accuracy", "percent_text"))
    said, claims = [], []
    values = {m: found.number(f"{m}.accuracy", "percent") for m in ("rnn_tanh", "irnn")}
    tanh = found.vanishes("rnn_tanh")
    name, mine = whose(found, "rnn_tanh", short=True)
    claims += mine
    if tanh.holds:
        still = found.vanishes("rnn_tanh", snapshot=0)
        said.append(f"{name} {'still ' if still.holds else ''}keeps almost nothing")
        claims += [tanh, still] if still.holds else [tanh, ~still]
    else:
        said.append(name + " keeps {share}")
        claims.append(~tanh)
        values["share"] = found.number("rnn_tanh.ratio", "share", 3)
    said[-1] += ", scoring {rnn_tanh} percent;"
    irnn = found.flow("irnn")
    if irnn == "grows":
        said.append("the IRNN's gradient even grows toward the first word")
        claims.append(found.grows("irnn"))
    elif irnn == "kept":
        said.append("the IRNN's gradient stays alive")
        claims += [~found.vanishes("irnn"), ~found.grows("irnn")]
    else:
        too = " too" if tanh.holds else ""
        said.append(f"the IRNN's gradient vanishes{too}, scoring {{irnn}} percent: identity "
                    "initialisation did not save it in this run.")
        claims.append(found.vanishes("irnn"))
    if irnn != "vanishes":
        said[-1] += ", scoring {irnn} percent."
    note, more = still_learning(found, ("irnn",))
    if note:
        said.append(note)
        claims += more
    s.say("flow.end", "After training, " + " ".join(said), *claims, **values)


def tease_the_gates(s: Script, found: Findings) -> None:
    s.show("heading.gates", "Third fix: use gates")
    s.show("caption.scores", "accuracy on the same task")
    for m in (*GATED, "rnn_tanh"):
        show_name(s, found, f"name.gates[{m}]", m)
        s.show(f"score.gates[{m}]", "{p}", p=found.number(f"{m}.accuracy", "percent_text"))
    s.describe("screen.gates", "An LSTM cell diagram, the cell state running along its top "
               "and the gates below it; the forget, input and output gates are highlighted.")
    s.say("gates", "The third fix changes the cell: gates that selectively add or remove "
          "information, as in LSTMs and GRUs.")
    judge_the_gates(s, found)


def judge_the_gates(s: Script, found: Findings) -> None:
    """The gated cells' accuracy, and whether it makes them the fix in this run; why they
    may have failed (still learning), and, where one is the user's own, how it was trained."""
    values = {m: found.number(f"{m}.accuracy", "percent") for m in GATED}
    solved = {m: found.solved(m) for m in GATED}
    (lstm, mine), (gru, theirs) = (whose(found, m) for m in GATED)
    claims = [*mine, *theirs]
    own = found.own_kind() in GATED
    they = f"{capital(lstm)} and {gru}" if own else "They"
    if all(f.holds for f in solved.values()):
        claims += solved.values()
        if values["lstm"].text == values["gru"].text and not own:
            said = "Both reach {lstm} percent on the same task."
            del values["gru"]
        else:
            said = they + " reach {lstm} and {gru} percent on the same task."
    elif not any(f.holds for f in solved.values()):
        claims += [~f for f in solved.values()]
        said = (f"In this run {they[:1].lower() + they[1:]} reach only {{lstm}} and {{gru}} "
                "percent on the same task: the gates alone did not solve it.")
    else:
        good, bad = GATED if solved["lstm"].holds else GATED[::-1]
        names = {"lstm": lstm, "gru": gru}
        claims += [solved[good], ~solved[bad]]
        said = (f"In this run {names[good]} reaches {{{good}}} percent on the same task, "
                f"{names[bad]} only {{{bad}}}.")
    note, more = still_learning(found, GATED)
    said += f" {note}" if note else ""
    training, mine, numbers = own_training(found)
    said += training
    if not any(f.holds for f in solved.values()):
        said += " The next two parts look inside the LSTM."
    s.say("gates.judge", said, *claims, *more, *mine, **values, **numbers)


def still_learning(found: Findings, models) -> tuple[str, list]:
    """A sentence naming the models among ``models`` that failed while their held-out loss
    was still falling when training stopped (they may only be undertrained), and its claims;
    empty when there are none."""
    learning = [m for m in models if not found.solved(m).holds
                and found.still_learning(m).holds]
    if not learning:
        return "", []
    names = [whose(found, m) for m in learning]
    losses = "losses were" if len(learning) > 1 else "loss was"
    return (capital(joined([f"{n}'s" for n, _ in names])) + f" held-out {losses} still falling "
            "when training stopped: more training might have helped.",
            [c for m in learning for c in (~found.solved(m), found.still_learning(m))]
            + [c for _, cs in names for c in cs])


def show_name(s: Script, found: Findings, key: str, kind: str) -> None:
    """A model's name on a label: "LSTM", or "your LSTM"."""
    own = found.own_model(kind) if kind in OWN_KINDS else None
    if own is not None and own.holds:
        s.show(key, "your {name}", own, name=MODEL_NAMES[kind])
    else:
        s.show(key, "{name}", *([~own] if own is not None else []), name=MODEL_NAMES[kind])


def own_training(found: Findings) -> tuple[str, list, dict]:
    """Where a gated cell is the user's own model, how its training differs from the other
    gated cell's (a sentence, its claims and values); empty otherwise."""
    own = found.own_kind()
    if own not in GATED:
        return "", [], {}
    other = GATED[1 - GATED.index(own)]
    values = {"own_size": found.number(f"{own}.hidden_size", "count"),
              "own_steps": found.number(f"{own}.train_steps", "count"),
              "other_size": found.number(f"{other}.hidden_size", "count"),
              "other_steps": found.number(f"{other}.train_steps", "count")}
    return (f" Your {MODEL_NAMES[own]} has {{own_size}} hidden units and trained for "
            f"{{own_steps}} steps; the {MODEL_NAMES[other]}, {{other_size}} and "
            "{other_steps}.", [found.own_model(own)], values)


def whose(found: Findings, kind: str, short: bool = False) -> tuple[str, list]:
    """"the LSTM", or "your LSTM" where the bundle's ``kind`` arrays are the user's own model,
    and the claim behind the choice (none for a kind no user's model can be). ``short``: the
    tanh RNN as "tanh", where the sentence has named it already."""
    if kind not in OWN_KINDS:
        return model_name(kind), []
    own = found.own_model(kind)
    if short and not own.holds:
        return "tanh" if kind == "rnn_tanh" else model_name(kind), [~own]
    return model_name(kind, own.holds), [own if own.holds else ~own]


def joined(names: list[str]) -> str:
    """"the sigmoid RNN, the tanh RNN and the ReLU RNN"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]
