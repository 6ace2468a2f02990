"""Act 1's script: the lecture's title, a book you barely remember, what the vanishing
gradient problem is, and a first look at a trained tanh RNN's gradient, word by word, with
what this run leaves of it at the first word."""

from __future__ import annotations

from bundle.contract import grad_key

from ..findings import Findings
from ..numbers import digits_to_differ
from ..script import Script

MODEL = "rnn_tanh"
# The title card's words; the thumbnail (which reads no data) shows them too.
TITLE = "The Vanishing Gradient Problem"
SUBTITLE = "in recurrent neural networks, with real models"
BOOK_LINES = (
    "It was the best of times,",
    "it was the worst of times...",
    "... three hundred pages later ...",
    "... the last page.",
)
DEFINITION = (  # (bullet, what the narrator says with it)
    ("RNNs are used for sequence tasks",
     "Recurrent networks are widely used for sequence tasks, like language."),
    ("the problem appears during training",
     "The vanishing gradient problem happens while they train."),
    ("it stops RNNs learning long-term dependencies",
     "It prevents them from learning long-term dependencies."),
    ("the gradients that update the weights become tiny",
     "The gradients used to update the weights, during back propagation, become "
     "exceedingly small."),
    ("so early time steps get almost no updates",
     "So the earlier steps receive almost no updates, and learning slows to a crawl."),
)


def script(found: Findings) -> Script:
    s = Script("hook")
    open_on_the_title(s)
    read_a_book(s)
    define_the_problem(s)
    tease_the_data(s, found)
    return s


def open_on_the_title(s: Script) -> None:
    s.show("card.title", TITLE)
    s.show("card.subtitle", SUBTITLE)
    s.say("title", "The vanishing gradient problem: why recurrent neural networks forget, "
          "shown with real models.")


def read_a_book(s: Script) -> None:
    for i, line in enumerate(BOOK_LINES):
        s.show(f"book.{i}", line)
    s.describe("screen.book", "An open book, its lines running from the first sentence to the "
               "last page; then the first two lines fade, the first the most.")
    s.say("book", "Imagine I read a book. When I reach the last page, and try to remember the "
          "very first sentence, I hardly can.")
    s.show("note.memory", "memory fades over time")
    s.say("memory", "Human memory fades over time. Recurrent neural networks struggle in the "
          "same way to keep information from early time steps, because of the vanishing "
          "gradient problem.")


def define_the_problem(s: Script) -> None:
    s.show("heading.define", "What is the vanishing gradient problem?")
    for i, (bullet, said) in enumerate(DEFINITION):
        s.show(f"bullet.{i}", bullet)
        s.say(f"define.{i}", said)


def tease_the_data(s: Script, found: Findings) -> None:
    trained = found.trained(MODEL)
    words = found.number(f"{MODEL}.grad_length", "count")
    if trained.holds:
        s.show("heading.data", "A real RNN, after training", trained)
        describe_the_bars(s, found)
        s.say("data", "Here is a real recurrent network after training, on a sentence of {n} "
              "words. Each bar is the size of the gradient reaching one word, on a "
              "logarithmic scale.", trained, n=words)
    else:
        s.show("heading.data", "A real RNN", ~trained)
        describe_the_bars(s, found)
        s.say("data", "Here is a real recurrent network, on a sentence of {n} words. Each bar "
              "is the size of the gradient reaching one word, on a logarithmic scale.",
              ~trained, n=words)
    s.show("label.first", "first word")
    s.show("label.last", "last word")
    say_what_is_left(s, found)


def describe_the_bars(s: Script, found: Findings) -> None:
    """The chart of the data block: one bar per word, on a log axis, grown from the last
    word back to the first; an exact zero is a hollow stub on the floor.

    A description's numbers are passed in the order the text has them: the fact-checker
    finds each in the line in that order, and a "10" must not be taken for the one in
    "4.3 × 10⁻¹⁴"."""
    zeros = found.number(f"{MODEL}.grad_zeros", "count")
    stubs = ("" if not zeros.value else " {z} is exactly zero: a hollow stub."
             if zeros.value == 1 else " {z} are exactly zero: hollow stubs.")
    s.describe("screen.data", "{n} bars, one per word, the gradient reaching each on a log "
               "scale, drawn from the last word, on the right, at {last}, back to the first, on "
               "the left, at {first}." + stubs,
               n=found.number(f"{MODEL}.grad_length", "count"),
               last=found.number(f"{MODEL}.grad_norm[-1]", "text"),
               first=found.number(f"{MODEL}.grad_norm[0]", "text"),
               **({"z": zeros} if zeros.value else {}))


def say_what_is_left(s: Script, found: Findings) -> None:
    """What reaches the first word, against the last: nothing (an exact zero), almost
    nothing, more than the last, or a share of it."""
    norms = found.data[grad_key(MODEL)][-1]
    vanishes, grows, shrinks = found.vanishes(MODEL), found.grows(MODEL), found.shrinks(MODEL)
    why = " This lecture is about why, and what to do about it."
    if norms[-1] == 0:  # no error signal even at the last word: nothing to compare with
        s.show("note.ratio", "no gradient at all: even the last word's is exactly {z}",
               z=found.number(f"{MODEL}.grad_norm[-1]", "text"))
        s.say("left", "In this run even the last word's gradient is {z}: no error signal "
              "starts back at all. This lecture is about how gradients die out, and what to "
              "do about it.", z=found.number(f"{MODEL}.grad_norm[-1]"))
        return
    if norms[0] == 0:
        s.show("note.ratio", "no gradient at all reaches the first word (exactly {z})",
               vanishes, z=found.number(f"{MODEL}.grad_norm[0]", "text"))
        s.say("left", "By the time the error signal travels back to the first word, nothing "
              "at all is left: it underflows to {z}." + why, vanishes,
              z=found.number(f"{MODEL}.grad_norm[0]"))
        return
    ratio = found.value(f"{MODEL}.ratio")
    # never "1 of the last" for 0.999; 310 as "310", not "3.1 times ten to the 2"
    digits = max(digits_to_differ(ratio, 1.0), 3 if 100 <= ratio < 1000 else 2)
    shown = found.number(f"{MODEL}.ratio", "text", digits)
    if vanishes.holds:
        s.show("note.ratio", "the gradient at the first word is {r} of the last", vanishes,
               r=shown)
        s.say("left", "By the time the error signal travels back to the first word, almost "
              "nothing is left." + why, vanishes)
    elif grows.holds:
        s.show("note.ratio", "the gradient at the first word is {r} times the last", grows,
               r=shown)
        s.say("left", "In this run the signal even grows on its way back: the first word gets "
              "{r}. Growing without bound is the other face of the same problem, an exploding "
              "gradient." + why, grows, r=found.number(f"{MODEL}.ratio", "share", digits))
    elif shrinks.holds:
        s.show("note.ratio", "the gradient at the first word is {r} of the last", ~vanishes,
               shrinks, r=shown)
        s.say("left", "In this run, {r} of the error signal survives the trip back to the "
              "first word: less, but not nothing. This lecture is about why it shrinks at "
              "all, and what to do about it.", ~vanishes, shrinks,
              r=found.number(f"{MODEL}.ratio", "words", digits))
    else:  # exactly as much as the last word's
        s.show("note.ratio", "the gradient at the first word equals the last", ~shrinks,
               ~grows)
        s.say("left", "In this run the error signal reaches the first word as strong as it "
              "left the last. Usually it does not: this lecture is about why, and what to do "
              "about it.", ~shrinks, ~grows)
