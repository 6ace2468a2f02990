"""An act's script, as data: every sentence the narrator says, every caption and label a step
shows, and for each, the findings it asserts and the numbers in it with the values they stand
for.

A line is written from a template and declared claims::

    script.say("judge", "This network gives {answer} {p} percent: it remembered the first "
               "word.", found.probe_sure("rnn_tanh"), answer=answer,
               p=spoken.percent(found.probe_p("rnn_tanh")))

Every finding passed is asserted: if it does not hold for this bundle the line is refused
(:class:`StoryError`), so a branch that picks the wrong sentence fails on the first bundle
that shows it. ``~finding`` asserts that a finding does not hold. A qualitative word in a line
("remembered", "a guess", "vanishes"...) must come with the claim its rule in :data:`WORDS`
names, so a word cannot be said without the finding behind it. Numbers are
:class:`~scenes.story.numbers.Number` values: their text, their value, and the quantity they
name, which the tests' fact-checker recomputes from the raw arrays.

The act's ``construct()`` draws its script: it says ``script.voiced(key)`` (the line's text
with the voice bookmarks the act waits for; ``text`` and the checks have none) for every
narration block and shows the script's captions, and writes no sentence of its own. Numpy
only.

Text from a bundle is inert. A vocabulary word or class (the manifest's ``vocab``: any
printable string) reaches a line only as a value of its template, never as template text, so
:meth:`Script.say` and :meth:`Script.show` are the one place it enters the story, and there
every value that is not a :class:`~scenes.story.numbers.Number` is made :func:`inert`: its
markup characters are replaced by look-alikes that no parser reads (:data:`INERT`). Then a
word ``<bookmark mark='last'/>`` is neither a voice bookmark (manim-voiceover's parser, and
:data:`BOOKMARK`, need a real ``<``) nor removed from what is said; ``<b>dark</b>`` is not
a tag in the subtitles (the ``srt`` writer copies text verbatim, and players read SRT's
``<b>``/``<i>``/``<font>`` tags, ``&lt;``-style entities and ASS ``{\\i1}`` overrides and
``\\N`` breaks); and a word with TeX specials stays plain text, as no value but a
:class:`Number` reaches a line the acts set as LaTeX. Only the templates, which the acts
write, hold markup: their own bookmarks. A Number is left as numbers.py wrote it (a
``"tex"`` form holds TeX braces), as it is computed from the arrays, not read from the
vocabulary.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .findings import Finding
from .numbers import Number

__all__ = ["INERT", "WORDS", "Claim", "Line", "Script", "StoryError", "inert", "words_in"]


class StoryError(Exception):
    """A line asserted something its bundle does not show, or broke a word's rule."""


@dataclass(frozen=True)
class Claim:
    """A finding a line asserts: that ``finding`` holds (``holds``) or does not."""

    finding: str
    holds: bool
    value: float

    def __str__(self) -> str:
        return f"{'' if self.holds else 'not '}{self.finding} ({self.value:.3g})"


# Every qualitative word, the claim it needs (a finding name ending, after the model prefix,
# and whether it must hold), and the rule behind it. A line that uses the word without the
# claim is refused. The thresholds are findings.py's.
WORDS: dict[str, tuple[str, bool, str]] = {
    r"\bremembered\b": ("probe_sure", True, "top answer right, and ahead of the runner-up "
                        "by at least CHANCE_MARGIN"),
    r"\bcoin toss\b": ("probe_coin_toss", True, "the two top answers within CHANCE_MARGIN"),
    r"(?<!than )\ba guess\b": ("probe_guess", True,
                             "p(right answer) < chance + CHANCE_MARGIN"),
    r"\bmore than a guess\b": ("probe_guess", False,
                               "p(right answer) >= chance + CHANCE_MARGIN"),
    r"\bforgotten\b": ("near_chance", True, "accuracy < chance + CHANCE_MARGIN"),
    r"\bno better than chance\b": ("near_chance", True, "accuracy < chance + CHANCE_MARGIN"),
    r"\balmost nothing\b": ("vanishes", True, "first/last < VANISHED"),
    r"\bvanish(?:es|ed)?\b(?! gradient)": ("vanishes", True, "first/last < VANISHED"),
    r"\bgrows on its way back\b": ("grows", True, "first/last > GROWS"),
    r"\bclose to one\b": ("forget_near_one", True, "mean forget gate >= NEAR_ONE"),
    r"\bfar from one\b": ("forget_near_one", False, "mean forget gate < NEAR_ONE"),
    r"\bhighway\b(?! act)": ("highway", True, "cell-state first/last >= VANISHED"),
    # act04 bptt, act06 why_problem, act07 fixes
    r"\bsmaller and smaller\b": ("vanishes", True, "first/last < VANISHED"),
    r"\bexplod(?:es|ed)\b": ("explodes", True, "the scalar example's gradient grows more than "
                            "EXPLODED times over its steps"),
    r"\bsteeper\b": ("steeper", True, "first/last fell by more than STEEPER decades over "
                     "training"),
    r"\bflatten(?:s|ed)?\b|\bflatter\b": ("flatter", True, "first/last rose by more than "
                                         "FLATTER decades over training"),
    r"\bhardly changes\b": ("slope_same", True, "first/last moved by STEEPER to FLATTER "
                            "decades over training"),
    r"\bat most\b": ("at_most", True, "the stated bound is the largest value of what it "
                     "bounds"),
    r"\bstill falling\b": ("still_learning", True, "held-out loss fell by STILL_FALLING of "
                           "itself over the last LAST_PART of training"),
    r"\bReLU helped\b": ("helped", True, "ReLU's first/last > 10x the sigmoid and tanh RNNs'"),
    r"\bdid not help\b|\bnot a clear win\b": ("helped", False, "ReLU's first/last <= 10x "
                                             "the sigmoid and tanh RNNs'"),
    r"\bstill averages\b": ("identity_kept", True, "|mean diagonal - 1| <= 1 - NEAR_ONE"),
    r"\bmoved it away from one\b": ("identity_kept", False,
                                    "|mean diagonal - 1| > 1 - NEAR_ONE"),
    r"\bgrows toward\b": ("grows", True, "first/last > GROWS"),
    r"\bstays alive\b": ("vanishes", False, "first/last >= VANISHED"),
    r"\bdid not save it\b": ("vanishes", True, "first/last < VANISHED"),
    r"\bdid not solve it\b": ("solved", False, "accuracy < SOLVED"),
    r"\bkept the most\b": ("kept_most", True, "first/last >= every other's"),
    r"\bmust have stretched\b": ("stretched", True, "first/last > the largest slope to the "
                                 "power of the steps back"),
    r"\bbiased towards short-term\b": ("short_term_bias", True, "solved at the shortest "
                                       "length, near chance at the longest"),
    r"\bno short-term bias\b": ("short_term_bias", False, "not: solved at the shortest "
                                "length and near chance at the longest"),
    r"\bcopes at every length\b": ("solves_every_length", True,
                                   "sweep accuracy >= SOLVED at every length"),
    r"\bat none of the lengths\b": ("solves_no_length", True,
                                    "sweep accuracy < SOLVED at every length"),
    # act08 lstm, act09 highway, act10 summary
    r"\bcarrying\b": ("carries", True, "forget gate before the second name >= NEAR_ONE, and the "
                      "first dish's answer ahead of the runner-up by CHANCE_MARGIN there"),
    r"\bstays near [\d.]": ("steady", True, "forget gate within STEADY of its mean before the "
                        "second name"),
    r"\bdrops to\b": ("forget_drops", True, "lowest forget gate at the name <= its mean "
                      "before the name - DIP"),
    r"\bbarely moves\b": ("forget_flat", True, "lowest forget gate at the name within DIP "
                          "of its mean before the name"),
    r"\bstays higher\b": ("forget_rises", True, "lowest forget gate at the name > its mean "
                          "before the name + DIP"),
    r"\bclearing the old dish\b": ("clears", True, "the gate drops, and the answer goes "
                                   "from the first dish's, held by CHANCE_MARGIN, to the "
                                   "right one, held by CHANCE_MARGIN from the switch on"),
    r"\bswitch(?:es)? to\b": ("settles_at", True, "the new answer ahead of the runner-up by "
                               "CHANCE_MARGIN at the switch and at every word after it"),
    r"\bclearly ahead\b": ("settles_at", True, "ahead of the runner-up by CHANCE_MARGIN from "
                           "that word to the last"),
    r"\bnever commits\b": ("commits", False, "the last answer ahead of the runner-up by less "
                           "than CHANCE_MARGIN"),
    r"\bopens widest\b": ("input_widest", True, "the input gate's highest mean is at the "
                          "second name's words"),
    r"\byour\b": ("own_model", True, "the manifest's config own_model names this model"),
    r"\bcopes up to\b": ("solves_up_to", True, "sweep accuracy >= SOLVED up to that length, "
                         "below it at every longer one"),
    r"\ball the way to\b": ("solves_every_length", True,
                            "sweep accuracy >= SOLVED at every length"),
    r"\bnever reaches [\d.]+ percent\b": ("solves_no_length", True,
                                         "sweep accuracy < SOLVED at every length"),
    r"\bonly at\b": ("solved_at", True, "sweep accuracy >= SOLVED at the lengths named"),
    r"\bcannot learn\b": ("near_chance", True, "accuracy < chance + CHANCE_MARGIN"),
    r"\bnear chance\b": ("near_chance", True, "accuracy < chance + CHANCE_MARGIN"),
    r"\bin part\b|\bpart way\b": ("solved", False, "accuracy < SOLVED"),
    r"\bit learns\b(?!(?: the task only)? in part)|\band (?:the|your) LSTM reaches\b"
    r"|\bthey learn\b": ("solved", True, "accuracy >= SOLVED"),
    r"\bdid not learn\b": ("near_chance", True, "accuracy < chance + CHANCE_MARGIN"),
    r"\bthe proof\b|\bcarries the gradient back\b": ("highway", True,
                                                     "cell-state first/last >= VANISHED"),
    r"\bleaks\b": ("highway", False, "cell-state first/last < VANISHED"),
    r"\bpasses almost unchanged\b": ("forget_near_one", True, "mean forget gate >= NEAR_ONE"),
    r"\bupdate gate\b[^.;:]*\bkeeps most\b": ("update_near_one", True,
                                                "mean update gate >= NEAR_ONE"),
    # act01 hook, act02 feedforward, act05 vanish_explode
    r"\bsurvives\b": ("vanishes", False, "first/last >= VANISHED"),
    r"\bit falls\b|\bhas shrunk\b|\bshrinks more slowly\b": (
        "falls", True, "the scalar example's |factor| never rises from one step to the next "
        "and ends below where it starts"),
    r"\bit climbs\b|\bhas grown\b|\bgrows instead\b": (
        "climbs", True, "the scalar example's |factor| never falls from one step to the next "
        "and ends above where it starts"),
    r"\bstays flat\b|\bkeeps it steady\b": (
        "flat", True, "the scalar example's factor is the same after every step"),
    r"\bthe loss goes down\b|\bstep downhill\b": ("descends", True,
                                                  "loss after the step < loss before"),
    r"\bthe loss goes up\b|\btoo big\b|\btoo far\b": ("ascends", True,
                                                      "loss after the step > loss before"),
    r"\bw increases\b": ("w_up", True, "dL/dw < 0 and w after the step > w before"),
    r"\bw decreases\b": ("w_down", True, "dL/dw > 0 and w after the step < w before"),
}


# A voice bookmark in a template (manim-voiceover's): the voice times an animation to it; the
# line's text, as said and shown, is without it.
BOOKMARK = re.compile(r"<bookmark\s*mark\s*=['\"]\w*[\"']\s*/>")


# What a value from the bundle has instead of each markup character. ``<`` and ``>`` become
# the single guillemets, which look like angle brackets, are no tag to any markup parser
# (manim-voiceover's bookmarks, SRT or HTML tags, Pango) and are quotation marks to
# espeak-ng, so the voice passes over them; ``&`` (an entity's start to SRT players that
# decode ``&lt;``, and to WebVTT), ``{`` ``}`` (ASS override blocks) and ``\`` (ASS
# ``\N``, ``\h``) become their fullwidth forms.
INERT = str.maketrans({"<": "\u2039", ">": "\u203a", "&": "\uff06", "{": "\uff5b",
                       "}": "\uff5d", "\\": "\uff3c"})


def inert(value) -> str:
    """A template's value as the line writes it: a :class:`Number`'s text as it is, any
    other value (text from the bundle) with its markup characters replaced (:data:`INERT`)."""
    if isinstance(value, Number):
        return str(value)
    return str(value).translate(INERT)


_COMPILED = [(pattern, re.compile(pattern, re.IGNORECASE)) for pattern in WORDS]
_ANY = re.compile("|".join(f"(?:{pattern})" for pattern in WORDS), re.IGNORECASE)


@functools.lru_cache(maxsize=4096)  # most lines are said by many bundles alike
def words_in(text: str) -> tuple[str, ...]:
    """The qualitative words of :data:`WORDS` that ``text`` uses (their patterns)."""
    if not _ANY.search(text):  # most lines: one search instead of one per word
        return ()
    return tuple(pattern for pattern, compiled in _COMPILED if compiled.search(text))


@dataclass(frozen=True)
class Line:
    """One sentence said (``kind`` ``"say"``), text shown (``"show"``), or a description of
    a picture the screen shows (``"describe"``: for the transcript, never drawn or said)."""

    key: str
    kind: str
    text: str
    claims: tuple[Claim, ...] = ()
    numbers: tuple[Number, ...] = ()
    voiced: str = ""  # the text with its voice bookmarks, for the voice; "" when it has none
    free: tuple[str, ...] = ()  # the WORDS patterns it uses of a general rule, not the bundle


def _rule_of(finding: str) -> str:
    """``rnn_tanh.h.vanishes[0]`` -> ``vanishes``: a finding's rule, without its model,
    state or argument."""
    return finding.partition("[")[0].rsplit(".", 1)[-1]  # an argument may hold a dot: [0.5]


def _claim(finding: Finding | Claim) -> Claim:
    if isinstance(finding, Claim):
        return finding
    return Claim(finding.name, not finding.negated, finding.value)


@dataclass
class Script:
    """An act's lines, in the order the act uses them."""

    act: str
    lines: dict[str, Line] = field(default_factory=dict)

    def say(self, key: str, template: str, *asserts: Finding | Claim, free: tuple[str, ...]
            = (), **values) -> Line:
        """Add a narration block. ``free`` lists the :data:`WORDS` patterns this line uses
        of something other than the bundle (a rule's own statement), so they need no
        claim."""
        return self._add("say", key, template, asserts, free, values)

    def show(self, key: str, template: str, *asserts: Finding | Claim, free: tuple[str, ...]
             = (), **values) -> Line:
        """Add a caption, heading or label a step shows."""
        return self._add("show", key, template, asserts, free, values)

    def describe(self, key: str, template: str, *asserts: Finding | Claim,
                 free: tuple[str, ...] = (), **values) -> Line:
        """Add what a step's picture shows, in words and numbers, for viewers who cannot see
        it (the transcript's "On screen" after a block). It belongs to the next narration
        block added after it (the block during which the picture is drawn); one added after
        the act's last block belongs to that block. Held to the same claims and numbers as
        a said line."""
        return self._add("describe", key, template, asserts, free, values)

    def _add(self, kind, key, template, asserts, free, values) -> Line:
        if key in self.lines:
            raise StoryError(f"{self.act}: two lines keyed {key!r}")
        for finding in asserts:
            if isinstance(finding, Finding) and not finding.holds:
                raise StoryError(f"{self.act}.{key}: asserts {finding.name}, which does not "
                                 f"hold ({finding.says}): {template!r}")
        claims = tuple(_claim(f) for f in asserts)
        numbers = tuple(v for v in values.values() if isinstance(v, Number))
        voiced = template.format(**{k: inert(v) for k, v in values.items()})
        text = BOOKMARK.sub("", voiced)  # what is said and checked; the voice keeps the marks
        for pattern in words_in(text):
            if pattern in free:
                continue
            need, holds, rule = WORDS[pattern]
            if not any(c.holds == holds and _rule_of(c.finding) == need for c in claims):
                raise StoryError(f"{self.act}.{key}: says {pattern!r} without claiming "
                                 f"{'' if holds else 'not '}{need} ({rule}): {text!r}")
        line = Line(key, kind, text, claims, numbers, voiced if voiced != text else "",
                    tuple(free))
        self.lines[key] = line
        return line

    def voiced(self, key: str) -> str:
        """The line as the voice reads it: its text with the bookmarks the act waits for."""
        line = self.lines[key]
        return line.voiced or line.text

    def __getitem__(self, key: str) -> str:
        return self.lines[key].text

    def __contains__(self, key: str) -> bool:
        return key in self.lines

    def __iter__(self) -> Iterator[Line]:
        return iter(self.lines.values())

    @property
    def narration(self) -> list[str]:
        return [line.text for line in self if line.kind == "say"]

    @property
    def shown(self) -> list[str]:
        return [line.text for line in self if line.kind == "show"]

    def on_screen(self) -> dict[str, list[str]]:
        """Each narration block's key, with the descriptions that belong to it (see
        :meth:`describe`), in order."""
        said: dict[str, list[str]] = {}
        waiting: list[str] = []
        for line in self:
            if line.kind == "say":
                said[line.key] = waiting
                waiting = []
            elif line.kind == "describe":
                waiting.append(line.text)
        if waiting and said:
            said[list(said)[-1]].extend(waiting)
        return said
