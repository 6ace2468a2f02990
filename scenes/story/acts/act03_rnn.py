"""Act 3's script: how an RNN works, then a trained tanh RNN reading the probe sentence and
what its answer (and the LSTM's, on the same sentence) says about it."""

from __future__ import annotations

import numpy as np

from bundle.contract import probe_key

from ..findings import Findings
from ..script import Script

MODEL, LSTM = "rnn_tanh", "lstm"
SHOWN = 3  # words shown at each end of the probe sentence


def shown_steps(steps: int) -> list[int]:
    """The probe words the chain draws: the first and last :data:`SHOWN`."""
    return [*range(min(SHOWN, steps)), *range(max(steps - SHOWN, SHOWN), steps)]


def script(found: Findings) -> Script:
    s = Script("rnn")
    explain_the_cell(s)
    read_a_real_sentence(s, found)
    judge_the_answer(s, found)
    compare_the_lstm(s, found)
    return s


def explain_the_cell(s: Script) -> None:
    s.show("heading.cell", "A recurrent cell")
    s.describe("screen.cell.input", "One cell, a box labelled h t, with an input arrow from "
               "below, x t, marked W x.")
    s.say("cell.input", "A recurrent network reads a sequence one step at a time. At each "
          "step, its cell takes the new input, x t, through the weights W x.")
    s.describe("screen.cell.loop", "A loop arrow marked W h leaves the cell's right side and "
               "comes back in at its top. Beside it: h t = tanh(W h times the previous h, plus "
               "W x times x t, plus b).")
    s.say("cell.loop", "It also takes its previous hidden state, through the loop and the "
          "weights W h, and mixes the two into a new hidden state.")
    s.show("heading.unrolled", "Unrolled through time")
    s.describe("screen.unroll", "The cell is copied into a row of cells, left to right, each "
               "with its input x from below, marked W x, and an arrow marked W h to the next "
               "cell.")
    s.say("unroll", "Unroll the loop through time and it becomes a chain: one copy of the "
          "cell for each time step, each handing its hidden state to the next.")
    s.show("note.reuse", "reuse the same weight matrices at each time step")
    s.describe("screen.share.wh", "The cells and inputs dim, and every W h arrow between the "
               "cells lights up at once.")
    s.say("share.wh", "Here is the key idea: we reuse the same weight matrices at each time "
          "step. Every arrow marked W h is one and the same matrix.")
    s.describe("screen.share.wx", "Then the W h arrows dim, and every W x input arrow lights "
               "up at once.")
    s.say("share.wx", "Every W x, too. One set of weights, used again and again.")


def read_a_real_sentence(s: Script, found: Findings) -> None:
    data = found.data
    tokens = data[probe_key(MODEL, "tokens")]
    steps = found.number(f"{MODEL}.probe_length", "count")
    size = found.number(f"{MODEL}.hidden_size", "count")
    words = data.words("recall", [tokens[t] for t in shown_steps(len(tokens))])
    s.show("heading.sentence", "A trained RNN reads a real sentence")
    hidden = len(tokens) - len(words)
    if hidden > 0:
        s.show("more", "... {n} more words ...",
               n=found.number(f"{MODEL}.probe_length_less[{len(words)}]", "count"))
    s.show("size_note", "each hidden state: {size} numbers (blue +, orange -)", size=size)
    if hidden > 0:
        s.describe("screen.sentence.read", "A chain of cells, each labelled h with its word's "
                   "place, each word under its cell: {first}, then a dashed link standing for "
                   "{more} more words, then {last}.", first=", ".join(words[:SHOWN]),
                   more=found.number(f"{MODEL}.probe_length_less[{len(words)}]", "count"),
                   last=", ".join(words[SHOWN:]))
    else:
        s.describe("screen.sentence.read", "A chain of {n} cells, one per word, each labelled h "
                   "with its word's place, each word under its cell: {words}.",
                   n=found.number(f"{MODEL}.probe_length", "count"), words=", ".join(words))
    s.say("sentence.read", "Now a real, trained network reads a sentence of {steps} words: "
          "{first}, and so on, up to {last}.", steps=steps, first=", ".join(words[:SHOWN]),
          last=", ".join(words[-SHOWN:]))
    s.describe("screen.sentence.states", "Above each cell, a column of {size} coloured stripes, "
               "its hidden state: blue for positive values, orange for negative. The columns "
               "appear one by one, left to right.", size=size)
    s.say("sentence.states", "Above each cell is its real hidden state: {size} numbers, as "
          "coloured stripes, passed along to the right.", size=size)


def judge_the_answer(s: Script, found: Findings) -> None:
    data = found.data
    classes = data.vocab["recall"]["classes"]
    answer = classes[int(data[probe_key(MODEL, "target")])]
    cue = data.words("recall", data[probe_key(MODEL, "tokens")][:1])[0]
    s.show("who.rnn", "tanh RNN")
    describe_the_bars(s, found, MODEL, "An arrow leads from the last cell to {n} bars, one per "
                      "answer, each as long as its probability, with its percentage, "
                      "headed tanh RNN. The right answer, {answer}, is "
                      "highlighted: {p}.")
    s.say("answer.readout", "After the last word, a readout turns the final hidden state into "
          "an answer. The answer depends only on the very first word, {cue}: it should be "
          "{answer}.", cue=cue, answer=answer)
    p = found.number(f"{MODEL}.probe_p", "percent")
    chance = found.number(f"{MODEL}.chance", "percent")
    accuracy = found.number(f"{MODEL}.accuracy", "percent")
    prob = data[probe_key(MODEL, "prob")][-1]
    top, runner = (classes[k] for k in np.argsort(prob)[::-1][:2])
    guess, coin = found.probe_guess(MODEL), found.probe_coin_toss(MODEL)
    if guess.holds and found.near_chance(MODEL).holds:
        s.say("answer.judge", "But this network gives {answer} only {p} percent: a guess, as "
              "chance is {chance}. It has forgotten the first word.", guess,
              found.near_chance(MODEL), answer=answer, p=p, chance=chance)
    elif guess.holds:
        s.say("answer.judge", "But this network gives {answer} only {p} percent: a guess, as "
              "chance is {chance}. On other sentences it does better: right {accuracy} "
              "percent of the time.", guess, ~found.near_chance(MODEL), answer=answer, p=p,
              chance=chance, accuracy=accuracy)
    elif found.probe_sure(MODEL).holds:
        s.say("answer.judge", "This network gives {answer} {p} percent: it remembered the "
              "first word. In this run it is right {accuracy} percent of the time on "
              "sentences it never trained on.", found.probe_sure(MODEL), answer=answer, p=p,
              accuracy=accuracy)
    elif coin.holds and answer in (top, runner):
        other = runner if answer == top else top
        s.say("answer.judge", "This network gives {answer} {p} percent and {other} {q} "
              "percent: a coin toss between two answers, not a memory of the first word. On "
              "other sentences it is right {accuracy} percent of the time.", coin,
              ~found.probe_sure(MODEL), answer=answer, other=other, p=p,
              q=found.number(f"{MODEL}.probe_{'runner_up' if answer == top else 'top'}_p",
                             "percent"), accuracy=accuracy)
    elif found.probe_right(MODEL).holds:
        s.say("answer.judge", "This network gives {answer} {p} percent, its top answer: more "
              "than a guess, as chance is {chance}, but far from sure.",
              found.probe_right(MODEL), ~guess, ~found.probe_sure(MODEL), answer=answer, p=p,
              chance=chance)
    else:
        s.say("answer.judge", "This network gives {answer} only {p} percent. Its top answer "
              "is {top}, with {q} percent: a wrong answer. On other sentences it is right "
              "{accuracy} percent of the time.", ~guess, ~found.probe_right(MODEL),
              answer=answer, p=p, top=top, q=found.number(f"{MODEL}.probe_top_p", "percent"),
              accuracy=accuracy)


def describe_the_bars(s: Script, found: Findings, model: str, template: str) -> None:
    """The readout's bars for ``model``: the right answer's, and the top one's when it is
    another."""
    data = found.data
    classes = data.vocab["recall"]["classes"]
    answer = classes[int(data[probe_key(model, "target")])]
    prob = data[probe_key(model, "prob")][-1]
    values = {"n": found.number(f"{model}.classes", "count")} if "{n}" in template else {}
    values.update(answer=answer, p=found.number(f"{model}.probe_p", "percent_text"))
    if prob[int(data[probe_key(model, "target")])] < prob.max():
        template += " The longest bar is {top}'s: {q}."
        values.update(top=classes[int(np.argmax(prob))],
                      q=found.number(f"{model}.probe_top_p", "percent_text"))
    s.describe(f"screen.answer.{'readout' if model == MODEL else 'lstm'}", template, **values)


def compare_the_lstm(s: Script, found: Findings) -> None:
    """The LSTM on the same sentence, when it read the same one."""
    data = found.data
    if not np.array_equal(data[probe_key(LSTM, "tokens")], data[probe_key(MODEL, "tokens")]):
        return
    answer = data.vocab["recall"]["classes"][int(data[probe_key(LSTM, "target")])]
    p = found.number(f"{LSTM}.probe_p", "percent")
    own = found.own_model(LSTM)
    mine = (own,) if own.holds else (~own,)  # a user's own LSTM is named as theirs
    an = "Your LSTM" if own.holds else "An LSTM"
    s.show("who.lstm", "your LSTM" if own.holds else "LSTM", *mine)
    describe_the_bars(s, found, LSTM, "The bars change to the LSTM's answers. The right "
                      "answer, {answer}, is highlighted: {p}.")
    rnn_guess, lstm_guess = found.probe_guess(MODEL), found.probe_guess(LSTM)
    if rnn_guess.holds and found.probe_sure(LSTM).holds:
        s.say("answer.lstm", "{an}, reading the same sentence, gives {answer} {p} percent. "
              "Why the simple network forgets is the story of this lecture.", rnn_guess,
              found.probe_sure(LSTM), *mine, an=an, answer=answer, p=p)
    elif lstm_guess.holds and (rnn_guess.holds or not found.probe_right(MODEL).holds):
        neither = rnn_guess if rnn_guess.holds else ~found.probe_right(MODEL)
        s.say("answer.lstm", "{an}, reading the same sentence, does no better in this run: "
              "{answer} with {p} percent. Why networks forget, and what gates can do about "
              "it, is the story of this lecture.", lstm_guess, neither, *mine, an=an,
              answer=answer, p=p)
    elif lstm_guess.holds:
        s.say("answer.lstm", "{an}, reading the same sentence, does worse in this run: "
              "{answer} with only {p} percent, a guess. Why networks forget, and what gates "
              "can and cannot do about it, is the story of this lecture.", lstm_guess,
              ~rnn_guess, found.probe_right(MODEL), *mine, an=an, answer=answer, p=p)
    else:
        s.say("answer.lstm", "{an}, reading the same sentence, gives {answer} {p} percent. "
              "Why networks forget, when they do, is the story of this lecture.",
              ~lstm_guess, *mine, an=an, answer=answer, p=p)
