"""Act 8's script: the LSTM cell, part by part, then the tutorial's biriyani/pasta example and a
real LSTM reading it: what its forget gate does at the second person's name, and whether its
answer really switches (a clear lead, not a top answer by a hair)."""

from __future__ import annotations

from string import Formatter

from bundle.contract import CUISINE_MODEL, probe_key

from ..findings import Findings
from ..names import MODEL_NAMES, name_word, name_words
from ..numbers import digits_to_differ
from ..script import Script

__all__ = ["SECOND_NAME", "TUTORIAL_COLORS", "TUTORIAL_SENTENCE", "answer_mark", "script"]

MODEL = CUISINE_MODEL
SECOND_NAME, FIRST_DISH, FIRST_ANSWER = (Findings.SECOND_NAME, Findings.FIRST_DISH,
                                          Findings.FIRST_ANSWER)
# The tutorial's example, and the words of it drawn in each answer's colour (0: the first).
TUTORIAL_SENTENCE = (
    "Rana likes biriyani very much, so his favourite cuisine is Bangladeshi.",
    "His friend John however loves pasta, so John's favourite cuisine is Italian.",
)
TUTORIAL_COLORS = {"biriyani": 0, "Bangladeshi": 0, "pasta": 1, "Italian": 1}
INTRO = (  # (bullet shown, sentence said)
    ("a gated cell tracks information through many time steps",
     "LSTMs, long short-term memory networks, track information across many time steps "
     "with a gated cell."),
    ("designed to address the vanishing gradient problem",
     "They were designed to fix the vanishing gradient problem."),
    ("gates control the flow of information into the hidden and cell states",
     "Gates control the flow of information into the hidden and cell states."),
)


def script(found: Findings) -> Script:
    s = Script("lstm")
    introduce_the_cell(s)
    build_the_cell(s)
    tell_the_example(s)
    read_the_probe(s, found)
    read_the_forget_gate(s, found)
    read_the_input_gate(s, found)
    read_the_answer(s, found)
    return s


def introduce_the_cell(s: Script) -> None:
    s.show("heading.intro", "Long Short-Term Memory (LSTM)")
    s.show("credit", "Hochreiter & Schmidhuber, 1997")
    for i, (shown, said) in enumerate(INTRO):
        s.show(f"bullet.{i}", shown)
        s.say(f"intro.{i}", said)


# What each block of the cell's build adds to the picture: the diagram's parts and, from the
# forget gate on, each part's equation beside it (scenes/equations.py), read out in words.
CELL_PARTS = {
    "cell.state": "A cell diagram begins: a box with the cell state running across its top, "
                  "the old cell state in at the left and the new one out at the right; below, "
                  "the last hidden state and the input enter on one line.",
    "cell.forget": "A forget gate, a sigmoid, joins and multiplies the cell state; beside the "
                   "cell, its equation: f t is the sigmoid of W f times the last hidden state "
                   "and the input, plus b f.",
    "cell.input": "An input gate, also a sigmoid, joins, with its equation: i t is the sigmoid "
                  "of W i times the last hidden state and the input, plus b i.",
    "cell.candidate": "A tanh layer joins, with its equation: the candidate C tilde t is the "
                      "tanh of W c times the last hidden state and the input, plus b c.",
    "cell.update": "The input gate's product is added to the cell state, and the equation C t "
                   "is f t times the old cell state, plus i t times C tilde t; the cell-state "
                   "line is highlighted.",
    "cell.output": "An output gate, a sigmoid, joins with its equation; then the cell state "
                   "goes through a tanh and, times the output gate, leaves as the new hidden "
                   "state: h t is o t times the tanh of C t.",
}


def build_the_cell(s: Script) -> None:
    s.show("note.gate", "zero: forget everything,  one: keep everything")
    s.describe("screen.cell.state", CELL_PARTS["cell.state"])
    s.say("cell.state", "On top runs the cell state, the long-term memory. The last hidden "
          "state and new input feed four gates.")
    s.describe("screen.cell.forget", CELL_PARTS["cell.forget"])
    s.say("cell.forget", "The forget gate's sigmoid gives a number between zero and one: zero "
          "forgets everything, one keeps everything.")
    s.describe("screen.cell.input", CELL_PARTS["cell.input"])
    s.say("cell.input", "The input gate chooses what to store,")
    s.describe("screen.cell.candidate", CELL_PARTS["cell.candidate"])
    s.say("cell.candidate", "and a tanh layer proposes candidate values.")
    s.describe("screen.cell.update", CELL_PARTS["cell.update"])
    s.say("cell.update", "The cell state becomes the old state times the forget gate, plus the "
          "candidate times the input gate.")
    s.describe("screen.cell.output", CELL_PARTS["cell.output"])
    s.say("cell.output", "The output gate picks what part of the cell state becomes the "
          "hidden state.")


def tell_the_example(s: Script) -> None:
    for key, line in zip(("first", "second"), TUTORIAL_SENTENCE, strict=True):
        s.show(f"sentence.{key}", line)
    s.say("example.first", "The tutorial's example: Rana likes biriyani, so his favourite "
          "cuisine is Bangladeshi.")
    s.say("example.second", "His friend John loves pasta, so John's is Italian. The network "
          "must hold the first dish, then replace it.")


def words_of(found: Findings) -> list[str]:
    return found.data.words("cuisine", found.data[probe_key(MODEL, "tokens")])


def read_the_probe(s: Script, found: Findings) -> None:
    units = found.number(f"{MODEL}.hidden_size", "count")
    s.show("heading.probe", "A trained LSTM reads the sentence")
    s.show("label.forget", "forget gate\n(mean of {units})", units=units)
    steps = found.number(f"{MODEL}.probe_length", "count")
    s.describe("screen.probe", "A bar chart over the {steps} words of the probe, each word "
               "written under its bar: the forget gate after each word, the mean of {units} "
               "units, on a scale from zero to one.",
               steps=found.number(f"{MODEL}.probe_length", "count"),
               units=found.number(f"{MODEL}.hidden_size", "count"))
    s.say("probe.read", "A real trained LSTM reads {a} {steps} word probe; bars show its forget "
          "gate, averaged over {units} units.", a=article(steps.text), steps=steps, units=units)
    own = found.own_kind()
    if own is not None:  # the cuisine LSTM is always the base bundle's
        mine = found.own_model(own)
        s.show("note.reference", "the base bundle's reference LSTM, not your {name}", mine,
               name=MODEL_NAMES[own])
        s.say("probe.reference", "This is the base bundle's reference LSTM, trained on the "
              "cuisine sentences: your {name} learned the recall task, and is not in this "
              "part.", mine, name=MODEL_NAMES[own])


def article(number: str) -> str:
    """"a" or "an" before a number said aloud: an 8, an 11, an 18, an 80..."""
    vowel = (number.startswith("8") or number in ("11", "18")
             or (len(number) == 4 and number[:2] in ("11", "18")))  # eleven/eighteen hundred
    return "an" if vowel else "a"


def read_the_forget_gate(s: Script, found: Findings) -> None:
    """What the forget gate holds before the second name, and what it does there. The act
    waits for the bookmarks ``dish`` and ``name``."""
    story = found.tutorial
    at, words = story.at, words_of(found)
    digits = digits_to_differ(story.held, float(story.forget[at.dip]))
    held = found.number(f"{MODEL}.forget_held", digits=digits)
    low = found.number(f"{MODEL}.forget_low", digits=digits)
    carries, steady = found.carries(MODEL), found.steady(MODEL)
    claims, values = [carries], {"held": held, "low": low, "dish": FIRST_DISH,
                                 "name": name_word(words, at.name),
                                 "at": name_words(words, at.name, at.dip)}
    if carries.holds:
        lead = "Carrying <bookmark mark='dish'/>{dish}, the gate"
    else:
        lead = "<bookmark mark='dish'/>Before {name}, the gate"
        claims = [~carries]
    level = " stays near {held}" if steady.holds else " averages {held}"
    claims.append(steady if steady.holds else ~steady)
    near = found.held_near_one(MODEL)
    if not near.holds:
        level += ", below {near}: each word keeps only about that share of the cell state"
        values["near"] = found.number("near_one")
        claims.append(~near)
    if story.change == "drops":
        change = "it drops to {low}"
        claims.append(found.forget_drops(MODEL))
        clears = found.clears(MODEL)
        if clears.holds:
            change += ", clearing the old dish"
            claims.append(clears)
    elif story.change == "flat":
        change = "it barely moves, {low}"
        claims.append(found.forget_flat(MODEL))
    else:
        change = "it stays higher, never below {low}"
        claims.append(found.forget_rises(MODEL))
    dish = story.first_dish if story.first_dish is not None else at.first_dish
    s.describe("screen.gate", "On the chart, {dish} flashes; then a box frames the bars at "
               "{at}, the lowest of them {low}.", dish=name_word(words, dish), at=values["at"],
               low=found.number(f"{MODEL}.forget_low", "text", digits))
    template = lead + level + ". At <bookmark mark='name'/>{at}, " + change + "."
    s.say("probe.gate", template, *claims, **used(template, values))


def read_the_input_gate(s: Script, found: Findings) -> None:
    widest = found.input_widest(MODEL)
    if widest.holds and found.tutorial.at.name > 0:
        s.show("label.input", "input gate")
        s.describe("screen.input", "A line across the chart traces the input gate, the mean "
                   "of the units after each word; its highest point, {peak}, comes at or after "
                   "{name}.", widest, peak=found.number(f"{MODEL}.input_peak", "text"),
                   name=name_word(words_of(found), found.tutorial.at.name))
        s.say("probe.input", "The input gate opens widest there, {peak}.", widest,
              peak=found.number(f"{MODEL}.input_peak"))


def answer_mark(found: Findings) -> int | None:
    """The word where the answer is marked on screen: where the last answer takes a clear
    lead for good (None when it never does)."""
    return found.settles(MODEL)


def read_the_answer(s: Script, found: Findings) -> None:
    """The model's answer after each word: a switch is said only where the new answer leads
    the runner-up by ``CHANCE_MARGIN`` from there to the end."""
    story, words = found.tutorial, words_of(found)
    at = story.at
    classes = found.data.vocab["cuisine"]["classes"]
    final, target = classes[at.final], classes[int(found.data[probe_key(MODEL, "target")])]
    right = found.probe_right(MODEL)
    settled = found.settles(MODEL)
    s.show("title.answer", "the model's answer after each word")
    describe_the_answer(s, found, words, settled)
    wrong = ("; the right answer is {target}", ~right) if not right.holds else ("", right)
    values = {"final": final, "target": target, "first": FIRST_ANSWER,
              "name": name_word(words, at.name)}
    if settled is None:
        commits = found.commits(MODEL)
        template = ("Below, its answer after each word. It never commits: after the last "
                    "word its top answer, {final}, has {p} percent and the runner-up {q}, less "
                    "than {margin} points behind" + wrong[0] + ".")
        s.say("probe.answer", template, ~commits, wrong[1], **used(template, {
            **values, "p": found.number(f"{MODEL}.probe_top_p", "percent"),
            "q": found.number(f"{MODEL}.probe_runner_up_p", "percent"),
            "margin": found.number("chance_margin", "percent")}))
        return
    settles = found.settles_at(MODEL, settled)
    p = found.number(f"{MODEL}.final_answer_p[{settled}]", "percent")
    s.show("note.switch", "{final} {p}", settles, final=final,
           p=found.number(f"{MODEL}.final_answer_p[{settled}]", "percent_text"))
    values |= {"p": p, "word": name_word(words, settled), "top": name_word(words, at.switch)}
    first = found.holds_first(MODEL)
    if at.switch == 0:
        said = ("{final} from the first word on, clearly ahead throughout" if settled == 0 else
                "{final} on top throughout, and clearly ahead from {word} on, with {p} percent")
    elif settled == at.switch and first.holds and right.holds:
        said = "{first}, until it switches to {final} exactly at {word}, with {p} percent"
    elif settled == at.switch and first.holds:
        said = "{first}, until it switches to {final} at {word}, with {p} percent"
    elif settled == at.switch and FIRST_ANSWER not in classes:  # a vocabulary of its own
        said = "it switches to {final} at {word}, with {p} percent"
    elif settled == at.switch:
        said = ("not clearly {first} before {name}; then it switches to {final} at {word}, "
                "with {p} percent")
    else:
        said = ("{final} on top from {top} on, but clearly ahead only from {word} on, with {p} "
                "percent there")
    claims = [settles, wrong[1]]
    if at.switch > 0:
        claims.append(first if first.holds else ~first)
    template = "Below, its answer after each word: " + said + wrong[0] + "."
    s.say("probe.answer", template, *claims, **used(template, values))


def describe_the_answer(s: Script, found: Findings, words: list[str],
                        settled: int | None) -> None:
    """The chart of the model's answer after each word: a curve for its last answer and,
    where it held another before, one for that; the label where the last answer leads."""
    at = found.tutorial.at
    classes = found.data.vocab["cuisine"]["classes"]
    final = classes[at.final]
    values = {"final": final, "final_again": final,
              "end": found.number(f"{MODEL}.final_answer_p[-1]", "percent_text")}
    if at.first != at.final:
        template = ("Below, a second chart on the same words, from zero to one: the model's "
                    "probability for {first} and for {final} after each word; {final_again} "
                    "ends at {end}.")
        values["first"] = classes[at.first]
    else:
        template = ("Below, a second chart on the same words, from zero to one: the model's "
                    "probability for {final} after each word, ending at {end}.")
        del values["final_again"]
    if settled is not None:
        template += " At {word}, a label reads {final_mark} {p}."
        values |= {"word": name_word(words, settled), "final_mark": final,
                   "p": found.number(f"{MODEL}.final_answer_p[{settled}]", "percent_text")}
    s.describe("screen.answer", template, **values)


def used(template: str, values: dict) -> dict:
    """The values a template names: a number passed but not said would be declared for
    nothing."""
    names = {field for _, field, _, _ in Formatter().parse(template) if field}
    return {k: v for k, v in values.items() if k in names}

