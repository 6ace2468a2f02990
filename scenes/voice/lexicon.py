"""How the narrator says the lecture's terms: a small lexicon applied before synthesis.

The written narration stays as it is (on screen and in the subtitles); only the text handed
to the speech engine changes. espeak-ng, which phonemises for piper as well as speaking for
itself, reads "GRU" as "grew", "IRNN" as "ern", "tanh" as "tan", and drops the plural "s" of
"LSTMs"; the entries below respell such words so that every engine says them as a lecturer
would.

hibari also takes misaki's inline phonemes, ``[tanh](/tˈænʧ/)``: the model then receives exactly
those sounds for the word, where a respelling such as "tanch" goes through its net for
unknown words. :data:`INLINE_PHONEMES` lists the terms it is given that way; every other
engine reads the respelling.

Each written word (a run of non-space characters) is respelled on its own, so every spoken
word can be traced back to the written word it came from: that is how the word timings the
engine gives for the spoken text are mapped back onto the written text, where narration
places its bookmarks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["ACRONYMS", "INLINE_PHONEMES", "LEXICON", "Spoken", "to_spoken"]

# Spelled letter by letter; a plural or possessive "s" becomes "'s" on the last letter
# ("L S T M's"), which espeak-ng says as "emz".
ACRONYMS = ("LSTM", "GRU", "IRNN", "BPTT", "RNN")

_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


def _power(match: re.Match) -> str:
    """'10^-13', '10^{-13}', '10⁻¹³' and '4.3e-14' as words."""
    mantissa = match["mantissa"]
    exponent = int(match["exponent"].translate(_SUPERSCRIPT).replace("−", "-"))
    power = f"ten to the {'minus ' if exponent < 0 else ''}{abs(exponent)}"
    return f"{mantissa} times {power}" if mantissa and mantissa != "1" else power


# (pattern, spoken form), applied in order to each written word. Patterns are
# case-sensitive: the narration writes these terms one way.
LEXICON: tuple[tuple[re.Pattern, object], ...] = (
    (re.compile(rf"\b({'|'.join(ACRONYMS)})(s|'s)?\b"),
     lambda m: " ".join(m[1]) + ("'s" if m[2] else "")),
    (re.compile(r"\b[Tt]anh\b"), "tanch"),  # "tan-h" read as one syllable, as lecturers do
    # "sigmoid" needs no entry: espeak-ng already says it right, /sˈɪɡmɔɪd/ (a respelling
    # such as "sig-moid" only adds a second stress). tests/test_voice.py checks it passes.
    (re.compile(r"\bReLU"), "ray-loo"),
    (re.compile(r"\b[Bb]iriyani\b"), "biryani"),  # the spelling espeak-ng's dictionary knows
    # W_h, h_t, C_{t-1}: "W sub h"
    (re.compile(r"\b([A-Za-z])_\{?([A-Za-z0-9]+)\}?"), r"\1 sub \2"),
    # powers of ten written as numbers
    (re.compile(r"(?:(?P<mantissa>\d+(?:\.\d+)?)\s*(?:[x×*]|\\times)\s*)?10\^\{?"
                r"(?P<exponent>[-−]?\d+)\}?"), _power),
    (re.compile(r"(?:(?P<mantissa>\d+(?:\.\d+)?)\s*(?:[x×*]|\\times)\s*)?10"
                r"(?P<exponent>[⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)"), _power),
    (re.compile(r"\b(?P<mantissa>\d+(?:\.\d+)?)[eE](?P<exponent>[-+]?\d+)\b"), _power),
)


# (pattern, phonemes in hibari's alphabet, misaki's): for hibari, applied before LEXICON. The
# phonemes hold no space, so a spoken word stays one run of non-space characters.
INLINE_PHONEMES: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"\b[Tt]anh\b"), "tˈænʧ"),
    (re.compile(r"\bReLU"), "ɹˈAlu"),
    (re.compile(r"\b[Bb]iriyani\b"), "bˌɪɹiˈɑni"),
)
_LINK = re.compile(r"\[[^\]]+\]\(/[^)]*/\)")


@dataclass(frozen=True)
class Spoken:
    """The text for the engine, and for each written word its span in both texts."""

    written: str
    text: str
    # one (written_start, written_end, spoken_start, spoken_end) per written word
    words: tuple[tuple[int, int, int, int], ...]


def respell(word: str, inline: bool = False) -> str:
    """``word`` as the engine should read it; with ``inline``, the terms of
    :data:`INLINE_PHONEMES` become inline phonemes first, and the rest is respelled."""
    if inline:
        for pattern, phonemes in INLINE_PHONEMES:
            word = pattern.sub(lambda m, p=phonemes: f"[{m[0]}](/{p}/)", word)
    pieces, at = [], 0
    for link in [*_LINK.finditer(word), None]:
        piece = word[at:link.start() if link else len(word)]
        for pattern, spoken in LEXICON:
            piece = pattern.sub(spoken, piece)
        pieces.append(piece + (link[0] if link else ""))
        at = link.end() if link else at
    return "".join(pieces)


def to_spoken(written: str, inline: bool = False) -> Spoken:
    """Respell each written word through the lexicon (``inline``: hibari's inline phonemes
    where :data:`INLINE_PHONEMES` has them); keep track of where each one went."""
    parts, words, at = [], [], 0
    for match in re.finditer(r"\S+", written):
        spoken = respell(match[0], inline)
        if parts:
            at += 1  # the joining space
        parts.append(spoken)
        words.append((match.start(), match.end(), at, at + len(spoken)))
        at += len(spoken)
    return Spoken(written, " ".join(parts), tuple(words))
