"""Act 10's script: the lecture in a few lines with this run's headline numbers (each outcome
word carrying the finding behind it), the tutorial's sources, and where every number came
from. Where the bundle holds a user's own model, it is "your" model, and the credit says who
trained it."""

from __future__ import annotations

import re
from string import Formatter

from ..findings import Finding, Findings
from ..names import MODEL_NAMES, model_name
from ..script import Claim, Script

__all__ = ["REFERENCES", "TUTORIAL_AUTHOR", "script"]

RNN, LSTM, GRU = "rnn_tanh", "lstm", "gru"
# (authors and year, title and venue): the tutorial's references, then the two papers behind
# the fixes the lecture's models use. Bibliographic data, drawn as they are.
REFERENCES = (
    ("colah's blog (2015)", "Understanding LSTM Networks"),
    ("Medium (2024)",
     "Forward and Backward Propagation in Multilayered Neural Networks: A Deep Dive"),
    ("Bengio, Simard & Frasconi (1994), IEEE Trans. Neural Networks 5(2)",
     "Learning Long-term Dependencies with Gradient Descent is Difficult"),
    ("MIT 6.S191 (2024)", "Recurrent Neural Networks, Transformers, and Attention"),
    ("Hochreiter & Schmidhuber (1997), Neural Computation 9(8)", "Long Short-Term Memory"),
    ("Le, Jaitly & Hinton (2015)",
     "A Simple Way to Initialize Recurrent Networks of Rectified Linear Units (IRNN)"),
)
TUTORIAL_AUTHOR = "Masud Rana"
# REFERENCES' authors as the transcript names them (its lines hold no digits but years, so
# the course goes without its number), and where each reference's year is.
REFERENCE_AUTHORS = ("colah's blog", "Medium", "Bengio, Simard and Frasconi", "MIT's course",
                     "Hochreiter and Schmidhuber", "Le, Jaitly and Hinton")
YEAR = re.compile(r"\((\d{4})\)")


def used(template: str, values: dict) -> dict:
    names = {field for _, field, _, _ in Formatter().parse(template) if field}
    return {k: v for k, v in values.items() if k in names}


def script(found: Findings) -> Script:
    s = Script("summary")
    s.show("heading.summary", "Summary")
    s.show("bullet.bptt", "backpropagation through time multiplies one factor per step")
    s.say("recap.bptt", "To sum up: back propagation through time multiplies one factor per "
          "step.")
    sum_up_the_rnn(s, found)
    s.show("bullet.fixes", "fixes: better activations, identity initialisation, gates")
    s.say("recap.fixes", "The fixes: better activations, identity initialisation, and gates.")
    sum_up_the_cell_state(s, found)
    sum_up_the_gru(s, found)
    list_the_references(s, found)
    return s


def _own(found: Findings, kind: str) -> tuple[bool, Finding]:
    own = found.own_model(kind)
    return own.holds, (own if own.holds else ~own)


def _pair(s: Script, key: str, shown: str, said: str, claims: list, values: dict) -> None:
    """A bullet and the sentence said with it, from the same claims and values."""
    s.show(f"bullet.{key}", shown, *claims, **used(shown, values))
    s.say(f"recap.{key}", said, *claims, **used(said, values))


def sum_up_the_rnn(s: Script, found: Findings) -> None:
    """The tanh RNN in two bullets: its gradient at the first word, and what it learned,
    with the LSTM beside it."""
    own, mine = _own(found, RNN)
    name = model_name(RNN, own)  # "the tanh RNN" / "your tanh RNN"
    label = name if own else MODEL_NAMES[RNN]
    article = "your" if own else "a real"
    ratio = found.ratio(RNN)
    vanishes = found.vanishes(RNN)
    values = {"steps": found.number(f"{RNN}.grad_length", "count"), "label": label,
              "article": article}
    claims: list[Finding | Claim] = [mine]
    if ratio == 0:
        values |= {"zero": found.number(f"{RNN}.ratio", "text"),
                   "zero_said": found.number(f"{RNN}.ratio", "about")}
        _pair(s, "gradient", "{label}, {steps} words: first-word gradient = {zero}",
              "In {article} tanh RNN, on {steps} words, no gradient at all reaches the first "
              "word: it underflows to {zero_said}.", [*claims, vanishes], values)
    elif ratio == 1:
        _pair(s, "gradient", "{label}, {steps} words: first-word gradient = the last",
              "In {article} tanh RNN, on {steps} words, the gradient reaching the first word "
              "is exactly as large as at the last.", [*claims, ~found.shrinks(RNN),
                                                      ~found.grows(RNN)], values)
    else:
        relation = "times" if ratio > 1 else "of"
        values |= {"r": found.number(f"{RNN}.ratio", "text"),
                   "r_said": found.number(f"{RNN}.ratio", "about"), "rel": relation}
        _pair(s, "gradient", "{label}, {steps} words: first-word gradient = {r} {rel} the last",
              "In {article} tanh RNN, on {steps} words, the gradient reaching the first word "
              "is {r_said} {rel} the gradient at the last.", claims, values)
    outcome = found.outcome(RNN)
    lstm_shown, lstm_said, lstm_claims = the_lstm_beside_it(found, outcome == "solved")
    values |= {"acc": found.number(f"{RNN}.accuracy", "percent_text"),
               "acc_said": found.number(f"{RNN}.accuracy", "percent"),
               "lstm": found.number(f"{LSTM}.accuracy", "percent_text"),
               "lstm_said": found.number(f"{LSTM}.accuracy", "percent")}
    solved, chance = found.solved(RNN), found.near_chance(RNN)
    if outcome == "chance":
        so = vanishes.holds
        shown = ("so it cannot learn" if so else "it cannot learn") + ": {acc} accuracy, "
        said = ("So it" if so else "It") + " cannot learn the task: {acc_said} percent accuracy, "
        claims = [*claims, chance, ~solved, *([vanishes] if so else [])]
    elif outcome == "solved":
        yet = vanishes.holds
        shown = ("yet at this length it learns" if yet else "at this length it learns") + (
            ": {acc} accuracy, ")
        said = ("Yet at this length it learns" if yet else "At this length it learns") + (
            " the task: {acc_said} percent accuracy, ")
        claims = [*claims, solved, *([vanishes] if yet else [~vanishes])]
    else:
        shown = "it learns in part: {acc} accuracy, "
        said = "It learns the task only in part: {acc_said} percent accuracy, "
        claims = [*claims, ~solved, ~chance]
    _pair(s, "learned", shown + lstm_shown, said + lstm_said + ".", [*claims, *lstm_claims],
          values)


def the_lstm_beside_it(found: Findings, rnn_solved: bool) -> tuple[str, str, list]:
    """The LSTM's accuracy as a clause after the tanh RNN's: shown, said, and the claims of
    its outcome word. A contrast ("against") only where the LSTM solved the task and the RNN
    did not."""
    own, mine = _own(found, LSTM)
    name = model_name(LSTM, own)
    solved, chance = found.solved(LSTM), found.near_chance(LSTM)
    outcome = found.outcome(LSTM)
    if outcome == "solved" and not rnn_solved:
        return (f"against {{lstm}} for {name}", f"against {{lstm_said}} percent for {name}",
                [mine, solved, ~found.solved(RNN)])
    if outcome == "solved":
        return (f"{name} {{lstm}}", f"and {name} reaches {{lstm_said}} percent", [mine, solved])
    if outcome == "chance":
        return (f"{name} near chance ({{lstm}})",
                f"while in this run {name} stays near chance, at {{lstm_said}} percent",
                [mine, chance])
    return (f"{name} only part way ({{lstm}})",
            f"while in this run {name} gets only part way, to {{lstm_said}} percent",
            [mine, ~solved, ~chance])


def sum_up_the_cell_state(s: Script, found: Findings) -> None:
    own, mine = _own(found, LSTM)
    whose = "your LSTM's" if own else "the LSTM's"
    Whose = whose[0].upper() + whose[1:]
    highway, near = found.highway(), found.forget_near_one(LSTM)
    values = {"f": found.number(f"{LSTM}.forget_mean"),
              "f_text": found.number(f"{LSTM}.forget_mean", "text"),
              "steps": found.number(f"{RNN}.grad_length", "count")}
    if highway.holds:
        _pair(s, "cell", f"{whose} cell state is an additive highway for the gradient",
              f"{Whose} cell state gives the gradient an additive highway back through time.",
              [mine, highway], values)
    elif not near.holds:
        _pair(s, "cell", "the cell state is an additive path only while its forget gate is "
              "near one (" + ("yours: " if own else "here ") + "{f_text})",
              f"{Whose} cell state is an additive path for the gradient, but only while its "
              "forget gate stays near one; in this run it averaged {f}, far from one.",
              [mine, ~highway, ~near], values)
    else:
        vanishes = found.vanishes(LSTM, "c")
        _pair(s, "cell", f"{whose} forget gate averaged {{f_text}}, close to one, yet its "
              "cell-state gradient vanished over {steps} words",
              f"{Whose} cell state is an additive path for the gradient; in this run its forget "
              "gate averaged {f}, close to one, yet over {steps} words its gradient still "
              "vanishes.", [mine, near, vanishes], values)


def sum_up_the_gru(s: Script, found: Findings) -> None:
    """Where the GRU did not learn: its update gate, the cause where the data show one."""
    solved = found.solved(GRU)
    if solved.holds:
        return
    own, mine = _own(found, GRU)
    name = model_name(GRU, own)
    near = found.update_near_one(GRU)
    chance = found.near_chance(GRU)
    did = (f"{name} did not learn", [chance]) if chance.holds else (
        f"{name} got only part way", [~solved, ~chance])
    said = did[0][0].upper() + did[0][1:]
    values = {"z": found.number(f"{GRU}.update_mean"),
              "z_text": found.number(f"{GRU}.update_mean", "text"),
              "near": found.number("near_one"), "near_text": found.number("near_one", "text")}
    if not near.holds:
        _pair(s, "gru", f"{did[0]}: its update gate averaged {{z_text}}, below {{near_text}}",
              f"{said}: a GRU keeps its state only while its update gate stays near one, "
              "and here it averaged {z}, below {near}.", [mine, *did[1], ~near], values)
        return
    learning = found.still_learning(GRU)
    why = ("its held-out loss was still falling" if learning.holds
           else "this run does not show why")
    _pair(s, "gru", f"{did[0]}, with its update gate at {{z_text}}: {why}",
          f"{said}, though its update gate averaged {{z}}, so each word kept most of its "
          f"state: {why}.",
          [mine, *did[1], near, learning if learning.holds else ~learning], values)


def list_the_references(s: Script, found: Findings) -> None:
    s.show("heading.references", "References")
    listed = "; ".join(f"{who}, {YEAR.search(authors).group(1)}"
                       for who, (authors, _) in zip(REFERENCE_AUTHORS, REFERENCES, strict=True))
    s.describe("screen.references", "A list of references, each with its authors and year "
               "over its title: " + listed + ".")
    s.say("references", "The tutorial draws on colah's blog, a Medium deep dive, Bengio, "
          "Simard and Frasconi's 1994 paper, and MIT's course. We add the original LSTM and "
          "IRNN papers.")
    torch = found.data.manifest["generator"]["torch"]
    seed = found.number("seed", "count")
    own = found.own_kind()
    claims = [found.own_model(own)] if own else []
    theirs = f", {model_name(own, True)} by your own code" if own else ""
    except_ = f", except {model_name(own, True)}, which your own code trained" if own else ""
    s.show("credit.tutorial", "Tutorial by {author}.", author=TUTORIAL_AUTHOR)
    s.show("credit.numbers", "Every number came from models trained by this program (seed "
           "{seed}, PyTorch {torch}){theirs}.", *claims, seed=seed, torch=torch, theirs=theirs)
    s.say("credit", "The tutorial is by {author}. Every number you saw came from models "
          "trained by this program, with seed {seed}, on PyTorch {torch}{except_}. Thank you.",
          *claims, author=TUTORIAL_AUTHOR, seed=seed, torch=torch.split("+")[0],
          except_=except_)
