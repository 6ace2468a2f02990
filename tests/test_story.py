"""The story follows the data: for a matrix of quick-mode configurations chosen to cover the
outcomes (gated models failing, the tanh RNN succeeding, the IRNN failing, clipping off, a
tiny and a large hidden size, the shortest and longest sentences, other analytic examples),
a bundle is made, every act runs without rendering with strict layout checks, and every
sentence said and every text shown is checked against that bundle: each judgement phrase
only where the data bear it out (recomputed from the arrays in tests/support/oracle.py), the numbers
that name a model's accuracy, its size or the sentence length equal to the data, and no
number written as zero when it is not."""

from __future__ import annotations

import re

import pytest

from scenes.acts import ACTS
from scenes.story.findings import GROWS, SOLVED, VANISHED
from scenes.story.names import MODEL_NAMES
from scenes.story.numbers import percent_to_words
from tests.support.oracle import Oracle
from tests.support.variants import MATRIX

# What each configuration must make the lecture say, so the matrix keeps covering the
# outcomes it was chosen for (the phrases come from the branches of the acts).
EXPECTED = {
    "gates_off": ("the gates alone did not solve it", "far from one", "it vanishes too",
                  "the LSTM stays near chance"),
    "short": ("it remembered the first word", "at this length it learns"),
    "long": ("identity initialisation did not save it",),
    "tiny": ("exactly zero",),
    "large": ("grows on its way back", "at this length it learns"),
    "examples": ("the loss goes up", "climbs."),
    "quick": ("It has forgotten the first word", "the GRU only"),
}


# A judgement phrase (a regular expression), where it may appear, and what must hold.
Rule = tuple[str, str, object]
RULES: list[Rule] = [
    ("hook", r"almost nothing is left", lambda o, m: o.ratio("rnn_tanh") < VANISHED),
    ("hook", r"even grows on its way back", lambda o, m: o.ratio("rnn_tanh") > GROWS),
    ("hook", r"survives the trip back",
     lambda o, m: VANISHED <= o.ratio("rnn_tanh") <= GROWS),
    ("feedforward", r"The loss goes down",
     lambda o, m: o.loss_after_step() < o.feedforward["loss"]),
    ("feedforward", r"the loss goes up",
     lambda o, m: o.loss_after_step() > o.feedforward["loss"]),
    ("feedforward", r"negative, so w increases", lambda o, m: o.feedforward["dloss_dw"] < 0),
    ("feedforward", r"positive, so w decreases", lambda o, m: o.feedforward["dloss_dw"] > 0),
    ("rnn", r"a guess,", lambda o, m: o.probe_p("rnn_tanh") < o.chance + 0.1),
    ("rnn", r"It has forgotten the first word", lambda o, m: o.near_chance("rnn_tanh")),
    ("rnn", r"it remembered the first word",
     lambda o, m: o.probe_right("rnn_tanh") and o.probe_p("rnn_tanh") >= 0.5),
    ("rnn", r"Why the simple network forgets",
     lambda o, m: o.probe_p("rnn_tanh") < o.chance + 0.1 and o.probe_right("lstm")),
    ("rnn", r"does no better in this run", lambda o, m: o.probe_p("lstm") < o.chance + 0.1),
    ("bptt", r": it grows\.", lambda o, m: o.ratio("rnn_tanh") > 1),
    ("bptt", r"that leaves .* of the gradient", lambda o, m: 0 < o.ratio("rnn_tanh") <= 1),
    ("vanish_explode", r"at exactly one it stays flat",
     lambda o, m: 1.0 in list(o.b["scalar/w"])),
    ("why_problem", r"smaller and smaller", lambda o, m: o.ratio("rnn_tanh") < VANISHED),
    ("why_problem", r"always gets almost nothing",
     lambda o, m: max(o.ratios("rnn_tanh")) < VANISHED),
    ("why_problem", r"a factor below one|many small numbers",
     lambda o, m: o.typical_factor() < 1),
    ("why_problem", r"times weaker than", lambda o, m: 0 < o.ratio("rnn_tanh") < 1),
    ("why_problem", r"(?i)biased towards short-term",
     lambda o, m: o.sweep("rnn_tanh")[1][0] >= SOLVED
     and o.sweep("rnn_tanh")[1][-1] < o.chance + 0.1),
    ("why_problem", r"From (\d+) words on, it is no better than chance",
     lambda o, m: all(a < o.chance + 0.1 for n, a in zip(*o.sweep("rnn_tanh"), strict=True)
                      if n >= int(m[1]))),
    ("why_problem", r"At every length, it is no better than chance",
     lambda o, m: all(o.sweep("rnn_tanh")[1] < o.chance + 0.1)),
    ("why_problem", r"copes at every length", lambda o, m: all(o.sweep("rnn_tanh")[1] >= SOLVED)),
    ("why_problem", r"learns none of the lengths",
     lambda o, m: not any(o.sweep("rnn_tanh")[1] >= SOLVED)),
    ("fixes", r"The ([\w ]+) kept the most",
     lambda o, m: max(("rnn_sigmoid", "rnn_tanh", "rnn_relu"), key=o.ratio)
     == _model(m[1])),
    ("fixes", r"ReLU alone did not help",
     lambda o, m: o.ratio("rnn_relu") <= max(o.ratio("rnn_sigmoid"), o.ratio("rnn_tanh"))),
    ("fixes", r"here ReLU helped",
     lambda o, m: o.ratio("rnn_relu") > 10 * max(o.ratio("rnn_sigmoid"), o.ratio("rnn_tanh"))),
    ("fixes", r"still averages", lambda o, m: abs(o.irnn_diagonal() - 1) <= 0.1),
    ("fixes", r"tanh still keeps almost nothing",
     lambda o, m: o.ratio("rnn_tanh") < VANISHED and o.ratio("rnn_tanh", snapshot=0) < VANISHED),
    ("fixes", r"tanh keeps almost nothing", lambda o, m: o.ratio("rnn_tanh") < VANISHED),
    ("fixes", r"even grows toward the first word", lambda o, m: o.ratio("irnn") > GROWS),
    ("fixes", r"stays alive", lambda o, m: VANISHED <= o.ratio("irnn") <= GROWS),
    ("fixes", r"did not save it", lambda o, m: o.ratio("irnn") < VANISHED),
    ("fixes", r"Both reach|They reach", lambda o, m: o.solved("lstm") and o.solved("gru")),
    ("fixes", r"the gates alone did not solve it",
     lambda o, m: not o.solved("lstm") and not o.solved("gru")),
    ("lstm", r"clearing the old dish",
     lambda o, m: o.cuisine["drop"] and o.cuisine["right"]),
    ("lstm", r"it drops to", lambda o, m: o.cuisine["drop"]),
    ("lstm", r"stays near", lambda o, m: o.cuisine["steady"]),
    ("lstm", r"exactly at (\w+), with",
     lambda o, m: o.cuisine["right"] and o.cuisine["words"][o.cuisine["switch"]] == m[1]),
    ("lstm", r"the right answer is", lambda o, m: not o.cuisine["right"]),
    ("highway", r"Close to one", lambda o, m: o.forget_near_one()),
    ("highway", r"far from one|well below one", lambda o, m: not o.forget_near_one()),
    ("highway", r"a highway back through time", lambda o, m: o.highway()),
    ("highway", r"Here is the proof",
     lambda o, m: o.highway() and o.ratio("rnn_tanh") < VANISHED),
    ("highway", r"never falls below", lambda o, m: o.highway()),
    ("highway", r"it vanishes too", lambda o, m: not o.highway()),
    ("highway", r"And so they learn", lambda o, m: o.solved("lstm") and o.solved("gru")),
    ("highway", r"the ([\w ]+?) stays at 90 percent or more all the way",
     lambda o, m: all(o.sweep(_model(m[1]))[1] >= SOLVED)),
    ("highway", r"the ([\w ]+?) copes up to (\d+) words",
     lambda o, m: all((a >= SOLVED) == (n <= int(m[2]))
                      for n, a in zip(*o.sweep(_model(m[1])), strict=True))),
    ("highway", r"the ([\w ]+?) never reaches 90 percent",
     lambda o, m: not any(o.sweep(_model(m[1]))[1] >= SOLVED)),
    ("summary", r"cannot learn", lambda o, m: o.near_chance("rnn_tanh")),
    ("summary", r"So it cannot learn", lambda o, m: o.ratio("rnn_tanh") < VANISHED),
    ("summary", r"in part", lambda o, m: not o.solved("rnn_tanh")
     and not o.near_chance("rnn_tanh")),
    ("summary", r"at this length it learns", lambda o, m: o.solved("rnn_tanh")),
    ("summary", r"additive highway", lambda o, m: o.highway()),
    ("summary", r"against (?:more than |less than |[<>])?[\d.]+(?: percent|%) for the LSTM",
     lambda o, m: o.solved("lstm") and not o.solved("rnn_tanh")),
    ("summary", r"the LSTM reaches", lambda o, m: o.solved("lstm")),
    ("summary", r"the LSTM (?:stays )?near chance", lambda o, m: o.near_chance("lstm")),
    ("summary", r"the LSTM (?:gets )?only part way",
     lambda o, m: not o.solved("lstm") and not o.near_chance("lstm")),
]

# Numbers said with what they name: they must equal the data, as the lecture formats them.
NUMBERS = [
    (r"the (tanh RNN|IRNN|LSTM|GRU) ends at ([\d.]+) percent",
     lambda o, m: percent_to_words(o.acc(_model(m[1]))) == m[2]),
    (r"with (\d+) hidden units", lambda o, m: int(m[1]) == o.b.config["hidden_size"]),
    (r"(?:a sentence of|unrolled over|the same) (\d+) words?",
     lambda o, m: int(m[1]) == o.b.config["seq_len"]),
    (r"against ((?:more|less) than [\d.]+|[\d.]+) percent for the LSTM|the LSTM (?:reaches|"
     r"stays near chance, at|gets only part way, to) ((?:more|less) than [\d.]+|[\d.]+) "
     r"percent",
     lambda o, m: percent_to_words(o.acc("lstm")) == (m[1] or m[2])),
    (r"scoring ([\d.]+) percent; the IRNN",
     lambda o, m: percent_to_words(o.acc("rnn_tanh")) == m[1]),
]
NOT_A_NUMBER = re.compile(r"\b0\.0+\b(?! ?×)|\bnan\b|\binf\b|\b-0\b", re.IGNORECASE)


def _model(name: str) -> str:
    return {v: k for k, v in MODEL_NAMES.items()}[name.strip()]


CASES = [(config, act.name) for config in MATRIX for act in ACTS]


@pytest.mark.parametrize("config,act", CASES, ids=[f"{c}-{a}" for c, a in CASES])
def test_every_sentence_holds_for_its_data(config, act, story):
    bundle, transcript = story[config, act]
    assert not isinstance(transcript, str), transcript  # strict layout, no exception
    oracle = Oracle(bundle)
    lines = [*transcript.narration, *transcript.texts]
    for line in lines:
        assert not NOT_A_NUMBER.search(line), line
    for where, pattern, holds in RULES:
        if where != act:
            continue
        for line in lines:
            for match in re.finditer(pattern, line):
                assert holds(oracle, match), f"{config}: {line!r} ({pattern})"
    for pattern, holds in NUMBERS:
        for line in lines:
            for match in re.finditer(pattern, line):
                assert holds(oracle, match), f"{config}: {line!r}"


@pytest.mark.parametrize("config", EXPECTED)
def test_the_matrix_covers_its_outcomes(config, story):
    said = " ".join(" ".join([*transcript.narration, *transcript.texts])
                    for (name, _), (_, transcript) in story.items() if name == config)
    for phrase in EXPECTED[config]:
        assert phrase in said, f"{config} no longer says {phrase!r}"


def test_a_description_belongs_to_the_next_block_said():
    """``Script.describe``: what a picture shows goes with the block during which it is
    drawn, the one added next; one after the last block goes with that block."""
    from scenes.story.script import Script

    s = Script("act")
    s.describe("screen.a", "a chart")
    s.show("heading", "A heading")
    s.say("one", "First block.")
    s.say("two", "Second block.")
    s.describe("screen.b", "a heatmap")
    s.say("three", "Third block.")
    s.describe("screen.c", "the end")
    assert s.on_screen() == {"one": ["a chart"], "two": [], "three": ["a heatmap", "the end"]}
    assert s.narration == ["First block.", "Second block.", "Third block."]
