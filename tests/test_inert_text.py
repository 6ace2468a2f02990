"""Text from a bundle is inert (issue 15): a vocabulary word or class that looks like markup
(a voice bookmark, an HTML or SRT tag, an entity, an ASS override, TeX) is said, shown and
subtitled as plain text, and the acts' own bookmarks still work.

The bundle is the default one with some of its words replaced, written and read back as
``lecture script --data`` reads it; its arrays are the default's, so every line must be the
default bundle's line with the replaced words in their inert form
(:func:`scenes.story.script.inert`), and nothing else changed. No rendering.
"""

from __future__ import annotations

import ast
import copy
import re
from collections import Counter
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import srt

from bundle import DEFAULT_BUNDLE, load_bundle, write_bundle
from scenes.acts import ACTS
from scenes.story.acts import script_for
from scenes.story.findings import Findings
from scenes.story.script import BOOKMARK, inert

ROOT = Path(__file__).resolve().parents[1]

# default word -> hostile word, per task and part of the vocabulary. The words chosen are
# ones the acts say or show from the bundle (the recall sentence's first and last words, its
# answer; the cuisine probe's words at the second name, its answer), and none the story
# looks up by name (the second name, the first dish, the first answer stay). Each is at most
# 20 characters, the reader's limit on a vocabulary word.
HOSTILE = {
    ("recall", "tokens"): {"clouds": "<bookmark mark='x'/>", "dark": "<b>dark</b>",
                           "will": r"\input{/etc/passwd}", "like": r"{\i1}like"},
    ("recall", "classes"): {"rain": "<span>rain</span>"},
    ("cuisine", "tokens"): {"loves": "&lt;i&gt;loves", "pasta": "$x$"},
    ("cuisine", "classes"): {"Italian": "<i>Italian</i>&amp;"},
}
REPLACED = {old: new for words in HOSTILE.values() for old, new in words.items()}
MARKUP = "<>&{}\\"  # the characters a word must never add to a line


def _hostile_vocab(vocab: dict) -> dict:
    vocab = copy.deepcopy(vocab)
    for (task, part), words in HOSTILE.items():
        vocab[task][part] = [words.get(w, w) for w in vocab[task][part]]
    return vocab


def _scripts(bundle) -> dict[tuple[str, str], object]:
    """Every act's lines, keyed by (act, line key), as ``lecture script`` builds them."""
    lines = {}
    for act in ACTS:
        for line in script_for(act, Findings(bundle.view(act.reads))):
            lines[act.name, line.key] = line
    return lines


@pytest.fixture(scope="module")
def default_lines():
    return _scripts(load_bundle(DEFAULT_BUNDLE))


@pytest.fixture(scope="module")
def hostile_lines(tmp_path_factory):
    base = load_bundle(DEFAULT_BUNDLE)
    root = write_bundle(tmp_path_factory.mktemp("markup") / "bundle",
                        {k: np.array(base[k]) for k in base}, config=base.config,
                        vocab=_hostile_vocab(base.vocab), generator=base.manifest["generator"],
                        descriptions={k: base.manifest["arrays"][k]["description"]
                                      for k in base})
    return _scripts(load_bundle(root))


def _with_words(text: str) -> str:
    """A default line as it reads with the hostile words, each in its inert form."""
    pattern = re.compile(r"(?<![\w'])(" + "|".join(map(re.escape, REPLACED)) + r")(?![\w'])")
    return pattern.sub(lambda m: inert(REPLACED[m[1]]), text)


def _marks(voiced: str) -> list[str]:
    return re.findall(r"mark\s*=\s*['\"](\w*)['\"]", " ".join(BOOKMARK.findall(voiced)))


def test_inert_words_hold_no_markup_character():
    assert inert("<b>dark</b>") == "\u2039b\u203adark\u2039/b\u203a"
    assert not set(MARKUP) & set("".join(inert(w) for w in REPLACED.values()))


def test_the_same_lines_as_the_default_bundle(default_lines, hostile_lines):
    assert hostile_lines.keys() == default_lines.keys()


def test_each_line_is_the_default_one_with_the_words_inert(default_lines, hostile_lines):
    changed = set()
    for where, line in hostile_lines.items():
        default = default_lines[where].text
        if line.text != default:  # a line of the acts' own that names "Italian" stays
            assert line.text == _with_words(default), where
            changed.add(where)
    said = {inert(new) for new in REPLACED.values()
            if any(inert(new) in hostile_lines[w].text for w in changed)}
    assert said == {inert(new) for new in REPLACED.values()}, "a hostile word is never said"


def test_no_word_adds_markup(default_lines, hostile_lines):
    for where, line in hostile_lines.items():
        default = default_lines[where]
        for mine, theirs in ((line.text, default.text), (line.voiced, default.voiced)):
            assert (Counter(c for c in mine if c in MARKUP)
                    == Counter(c for c in theirs if c in MARKUP)), where
        for text in (line.text, line.voiced):
            for tag in ("<b>", "<span", "<i>", "</", "{\\", "&lt;", "&amp;"):
                assert tag not in text, (where, text)


def test_the_acts_bookmarks_are_the_default_ones(default_lines, hostile_lines):
    from manim_voiceover.helper import remove_bookmarks

    voiced = 0
    for where, line in hostile_lines.items():
        default = default_lines[where]
        assert _marks(line.voiced) == _marks(default.voiced), where
        if line.voiced:
            voiced += 1
            assert line.voiced == _with_words(default.voiced), where
            assert remove_bookmarks(line.voiced) == line.text, where
    assert voiced >= 3  # the acts' bookmarks are still there to test
    why = next(line for (act, _), line in hostile_lines.items()
               if act == "why_problem" and "last" in _marks(line.voiced))
    assert _marks(why.voiced).count("last") == 1


# ------------------------------------------------------------------------------- LaTeX

TEX_CALLS = {"MathTex", "Tex", "SingleStringMathTex", "get_equation"}


def _tex_keys() -> list[tuple[str, re.Pattern]]:
    """The script keys the acts' scenes set as LaTeX, with the act's module: ``script[...]``
    or ``self.script[...]`` inside a ``MathTex(...)`` call (an f-string key as a
    pattern)."""
    keys = []
    for path in sorted((ROOT / "scenes" / "acts").glob("act*.py")):
        for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(call, ast.Call):
                continue
            name = getattr(call.func, "id", getattr(call.func, "attr", None))
            if name not in TEX_CALLS:
                continue
            for node in ast.walk(call):
                if (isinstance(node, ast.Subscript)
                        and getattr(node.value, "id", getattr(node.value, "attr", "")) == "script"):
                    keys.append((path.stem, _key_pattern(node.slice)))
    return keys


def _key_pattern(key: ast.expr) -> re.Pattern:
    if isinstance(key, ast.Constant):
        text = re.escape(key.value)
    else:  # f"bar[{m}]"
        assert isinstance(key, ast.JoinedStr), ast.dump(key)
        text = "".join(re.escape(part.value) if isinstance(part, ast.Constant) else ".+"
                       for part in key.values)
    return re.compile(text)


def test_no_word_reaches_latex(default_lines, hostile_lines):
    patterns = _tex_keys()
    assert patterns, "no MathTex(script[...]) found in scenes/acts"
    module = {act.name: act.module for act in ACTS}
    tex = [(act, key) for act, key in hostile_lines
           if any(m == module[act] and p.fullmatch(key) for m, p in patterns)]
    assert tex, "the MathTex keys name no line"
    words = [*REPLACED.values(), *map(inert, REPLACED.values())]
    for where in tex:
        text = hostile_lines[where].text
        assert text == default_lines[where].text, where
        assert not any(w in text for w in words), where


def test_tex_specials_in_a_word_are_plain_text(hostile_lines):
    word = inert(r"\input{/etc/passwd}")
    assert word == "\uff3cinput\uff5b/etc/passwd\uff5d"
    said = [line for line in hostile_lines.values() if word in line.text]
    assert said
    assert not any(r"\input" in line.text or "{/etc" in line.text
                   for line in hostile_lines.values())


# --------------------------------------------------------------------------- subtitles


class _Captions:
    """The subtitle path of a scene without Manim's renderer: manim-voiceover's subcaption
    (the text without its bookmarks), split and timed by the lecture's
    :class:`~scenes.voice.word_timing.WordTimedSubtitles`, kept as Manim keeps it
    (``srt.Subtitle``) and written as Manim writes it (``srt.compose``)."""

    def __init__(self):
        from scenes.voice.word_timing import WordTimedSubtitles, even_word_boundaries

        self.subtitles: list[srt.Subtitle] = []
        self.timed = type("Timed", (WordTimedSubtitles,), {"add_subcaption": self.add})()
        self.even = even_word_boundaries

    def add(self, content: str, duration: float = 1, offset: float = 0) -> None:
        start = timedelta(seconds=offset)
        self.subtitles.append(srt.Subtitle(len(self.subtitles), start,
                                           start + timedelta(seconds=duration), content))

    def say(self, voiced: str, duration: float = 10.0) -> None:
        from manim_voiceover.helper import remove_bookmarks

        subcaption = remove_bookmarks(voiced)
        self.timed.current_tracker = SimpleNamespace(
            data={"word_boundaries": self.even(subcaption, duration)})
        self.timed.add_wrapped_subcaption(subcaption, duration)

    def lecture_srt(self, tmp_path: Path) -> list[srt.Subtitle]:
        """The scene's .srt joined into the lecture's, as lecture/assemble.py joins it."""
        from lecture.assemble import SceneClip, _subtitles

        clip = SceneClip("scene", "Scene", tmp_path / "scene.mp4", duration=60.0)
        clip.srt.write_text(srt.compose(self.subtitles), encoding="utf-8")
        return list(srt.parse(_subtitles([clip])))


def test_subtitles_have_no_tags(hostile_lines, tmp_path):
    captions = _Captions()
    said = [line for line in hostile_lines.values()
            if line.kind == "say" and any(inert(w) in line.text for w in REPLACED.values())]
    for line in said:
        captions.say(line.voiced or line.text)
    subtitles = captions.lecture_srt(tmp_path)
    text = " ".join(sub.content for sub in subtitles)
    assert inert("<span>rain</span>") in text and inert("<bookmark mark='x'/>") in text
    assert not set(MARKUP) & set(text), text


def test_the_srt_writer_copies_markup_verbatim(tmp_path):
    """Why the words are made inert before the subtitles: Manim's own ``.srt`` of a scene
    keeps a raw word as a tag. The lecture's captions (lecture/captions.py) make it inert
    once more, in the ``.srt`` and the ``.vtt`` alike."""
    captions = _Captions()
    captions.say("The first word, <b>dark</b>, &amp; {\\i1}rain.")
    scene = " ".join(sub.content for sub in captions.subtitles)
    assert "<b>dark</b>" in scene and "&amp;" in scene and "{\\i1}" in scene
    text = " ".join(sub.content for sub in captions.lecture_srt(tmp_path))
    assert inert("<b>dark</b>") in text and inert("{\\i1}") in text
    assert not set(MARKUP) & set(text), text
