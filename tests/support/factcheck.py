"""The fact-checker: every number and every declared judgement in a lecture's scripts,
checked against an independent reading of the raw arrays (:mod:`tests.support.oracle`), and
the lines of one lecture against each other.

It shares with the story only the thresholds and the number formats (the lecture's stated
rules); every value and every judgement is recomputed here from the arrays.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass

from scenes.story.numbers import FORMS
from scenes.story.script import WORDS, Script, words_in

# Digits a line may hold without a declared number: a citation's year.
YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# A software version, checked against the bundle's generator instead: a name, not a quantity.
VERSION = re.compile(r"(?<=\bPyTorch )\d+(?:\.\d+)*(?:\+\w+)?")
DIGITS = re.compile(r"\d")
# Phrases that name one quantity: a line using one must carry a number of that quantity.
NAMED = {
    r"\btypical(?:ly)?\b": "typical_factor",
}


@dataclass
class Count:
    lines: int = 0
    numbers: int = 0
    claims: int = 0


def _close(a: float, b: float) -> bool:
    return a == b or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-300)


def _alone(text: str, part: str) -> int:
    """Where ``part`` stands on its own in ``text`` (not inside a longer number or word:
    "2" is not in "25"), or -1."""
    at = text.find(part)
    while at >= 0:
        before, after = text[at - 1:at], text[at + len(part):at + len(part) + 2]
        if not (before.isalnum() or before == "." or after[:1].isalnum()
                or (after[:1] == "." and after[1:2].isdigit())):
            return at
        at = text.find(part, at + 1)
    return -1


def _rule(name: str) -> str:
    return name.partition("[")[0].rsplit(".", 1)[-1]  # an argument may hold a dot: [0.5]


def check_script(script: Script, oracle, count: Count | None = None) -> list[str]:
    """Problems with one act's script, as lines; none when every claim holds."""
    problems: list[str] = []
    count = count if count is not None else Count()
    for line in script:
        where = f"{script.act}.{line.key}: {line.text!r}"
        count.lines += 1
        rest = line.text
        for number in line.numbers:
            count.numbers += 1
            try:
                value = oracle.value(number.quantity)
            except AttributeError:
                problems.append(f"{where}: the checker cannot read {number.quantity!r}")
                continue
            if not _close(value, number.value):
                problems.append(f"{where}: {number.quantity} is {value!r}, the script has "
                                f"{number.value!r}")
            if FORMS[number.form](value, number.digits) != number.text:
                problems.append(f"{where}: {number.quantity} = {value:.6g} reads "
                                f"{FORMS[number.form](value, number.digits)!r}, not "
                                f"{number.text!r}")
            at = _alone(rest, number.text)
            if at < 0:
                problems.append(f"{where}: {number.text!r} is not in the line")
            else:
                rest = rest[:at] + rest[at + len(number.text):]
        for version in VERSION.findall(rest):
            torch = str(oracle.b.manifest["generator"].get("torch", ""))
            if version not in (torch, torch.split("+")[0]):
                problems.append(f"{where}: PyTorch {version} is not the bundle's {torch}")
        if DIGITS.search(VERSION.sub("", YEAR.sub("", rest))):
            problems.append(f"{where}: a number with no declared source ({rest!r})")
        for claim in line.claims:
            count.claims += 1
            try:
                truth = oracle.judge(claim.finding)
            except AttributeError:
                problems.append(f"{where}: the checker cannot judge {claim.finding!r}")
                continue
            if truth != claim.holds:
                problems.append(f"{where}: claims {claim}, the arrays say "
                                f"{'yes' if truth else 'no'}")
        for pattern in words_in(line.text):
            if pattern in line.free:  # a general rule's statement, declared as one
                continue
            need, holds, _ = WORDS[pattern]
            if not any(_rule(c.finding) == need and c.holds == holds for c in line.claims):
                problems.append(f"{where}: {pattern!r} without its claim")
        for pattern, quantity in NAMED.items():
            if re.search(pattern, line.text) and not any(
                    _rule(n.quantity) == quantity for n in line.numbers):
                problems.append(f"{where}: {pattern!r} names {quantity}, and no number of "
                                "it is in the line")
    return problems


def check_lecture(scripts: list[Script], oracle, count: Count | None = None) -> list[str]:
    """Every script's problems, then the lecture's: a finding asserted one way in one line
    and the other way in another, or one quantity written two ways in one form."""
    problems = [p for s in scripts for p in check_script(s, oracle, count)]
    claimed: dict[str, set[bool]] = defaultdict(set)
    written: dict[tuple[str, str, int], set[str]] = defaultdict(set)
    for script in scripts:
        for line in script:
            for claim in line.claims:
                claimed[claim.finding].add(claim.holds)
            for number in line.numbers:
                written[number.quantity, number.form, number.digits].add(number.text)
    problems += [f"lecture: {name} is claimed both ways" for name, ways in claimed.items()
                 if len(ways) > 1]
    problems += [f"lecture: {q} in form {f} is written {sorted(texts)}"
                 for (q, f, _), texts in written.items() if len(texts) > 1]
    return problems
