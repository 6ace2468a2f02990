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

The act's ``construct()`` draws its script: it says ``script.text(key)`` for every narration
block and shows the script's captions, and writes no sentence of its own. Numpy only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .findings import Finding
from .numbers import Number

__all__ = ["WORDS", "Claim", "Line", "Script", "StoryError", "words_in"]


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
}


def words_in(text: str) -> list[str]:
    """The qualitative words of :data:`WORDS` that ``text`` uses (their patterns)."""
    return [pattern for pattern in WORDS if re.search(pattern, text, re.IGNORECASE)]


@dataclass(frozen=True)
class Line:
    """One sentence said (``kind`` ``"say"``) or text shown (``"show"``)."""

    key: str
    kind: str
    text: str
    claims: tuple[Claim, ...] = ()
    numbers: tuple[Number, ...] = ()


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

    def _add(self, kind, key, template, asserts, free, values) -> Line:
        if key in self.lines:
            raise StoryError(f"{self.act}: two lines keyed {key!r}")
        for finding in asserts:
            if isinstance(finding, Finding) and not finding.holds:
                raise StoryError(f"{self.act}.{key}: asserts {finding.name}, which does not "
                                 f"hold ({finding.says}): {template!r}")
        claims = tuple(_claim(f) for f in asserts)
        numbers = tuple(v for v in values.values() if isinstance(v, Number))
        text = template.format(**{k: str(v) for k, v in values.items()})
        for pattern in words_in(text):
            if pattern in free:
                continue
            need, holds, rule = WORDS[pattern]
            if not any(c.holds == holds and c.finding.rsplit(".", 1)[-1] == need
                       for c in claims):
                raise StoryError(f"{self.act}.{key}: says {pattern!r} without claiming "
                                 f"{'' if holds else 'not '}{need} ({rule}): {text!r}")
        line = Line(key, kind, text, claims, numbers)
        self.lines[key] = line
        return line

    def text(self, key: str) -> str:
        return self.lines[key].text

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
