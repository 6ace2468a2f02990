"""Property tests (issue 15): every bundle the contract accepts scripts and draws every act.

Random valid bundles at the contract's edges (tests/support/random_bundles.py: words up to
the longest and widest allowed, markup and LaTeX in them, sentences of one repeated word,
gradient norms from exact zeros to the contract's limits) are scripted without Manim, many
of them; two of them are also drawn, act by act, with strict layout checks (the story
fixture, one dry run each).
"""

from __future__ import annotations

import pytest

from bundle import load_bundle
from scenes.acts import ACTS
from scenes.story.acts import script_for
from scenes.story.findings import Findings
from tests.support.random_bundles import DRAWN, random_bundle, words_of, write_random
from tests.support.synthetic import SYNTHETIC_DRAWN

SCRIPTED = 300  # all ten acts of 300 bundles: 12 s in CI


def test_random_bundles_are_valid_ones(tmp_path):
    """What the generator draws, the bundle writer and reader accept (they validate)."""
    for i in (*DRAWN, 0, 1, 2):
        bundle = load_bundle(write_random(i, tmp_path))
        assert bundle.vocab == random_bundle(i).vocab


def test_every_act_scripts_every_random_bundle():
    failures = []
    for i in range(SCRIPTED):
        bundle = random_bundle(i)
        markup = {w for w in words_of(bundle) if any(c in w for c in "<>{}")}
        for act in ACTS:
            try:
                script = script_for(act, Findings(bundle.view(act.reads)))
            except Exception as e:  # noqa: BLE001 - every failure is listed, then asserted
                failures.append(f"random-{i} {act.name}: {type(e).__name__}: {e}")
                continue
            for line in script:  # a bundle's markup never reaches what is said or shown
                failures += [f"random-{i} {act.name}.{line.key}: {word!r} as markup"
                             for word in markup if word in line.text or word in line.voiced]
    assert not failures, "\n".join(failures[:20])


@pytest.mark.parametrize("i", DRAWN)
@pytest.mark.parametrize("act", ACTS, ids=[a.name for a in ACTS])
def test_every_act_draws_a_random_bundle(act, i, story):
    _, transcript = story[f"random-{i}", act.name]
    assert not isinstance(transcript, str), transcript  # a LayoutError, in one line
    assert transcript.blocks and transcript.texts


@pytest.mark.parametrize("i", SYNTHETIC_DRAWN)
@pytest.mark.parametrize("act", ACTS, ids=[a.name for a in ACTS])
def test_every_act_draws_a_synthetic_bundle(act, i, story):
    """Drawn as a render draws it: an animation of nothing to show (an empty LaggedStart)
    stops a real render, and the preview too."""
    _, transcript = story[f"synthetic-{i}", act.name]
    assert not isinstance(transcript, str), transcript
    assert transcript.blocks and transcript.texts
