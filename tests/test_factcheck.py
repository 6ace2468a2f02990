"""The fact-checker over many bundles: every act's script (scenes/story/acts/), computed
without Manim, checked line by line against an independent reading of the raw arrays
(tests/support/factcheck.py, tests/support/oracle.py).

- :data:`SYNTHETIC` drawn bundles (tests/support/synthetic.py), seeded, every run: every
  number must equal its quantity recomputed from the arrays, every declared judgement must
  hold there, every qualitative word must carry its claim, no number may lack a source, and
  no finding may be claimed both ways in one lecture. A script that refuses its own line
  (StoryError: a branch chose a sentence whose claim fails) is a failure too.
- A sample written through the bundle writer and read back reads the same.
- The trained bundles of the story matrix, and the default one.
- Each act's ``construct()`` says its script, block for block (it writes no sentence of its
  own), on the default and the quick bundle.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

from scenes.acts import ACTS
from scenes.story.acts import script_for
from scenes.story.findings import Findings
from tests.support.factcheck import Count, check_lecture
from tests.support.oracle import Oracle
from tests.support.synthetic import synthetic_bundle, write_synthetic

SYNTHETIC = 1000


def scripts_of(bundle):
    return [script_for(act, Findings(bundle.view(act.reads))) for act in ACTS]


def problems_of(bundle, count: Count | None = None) -> list[str]:
    return check_lecture(scripts_of(bundle), Oracle(bundle), count)


def check_synthetic(start: int, stop: int) -> tuple[Count, list[str], set[str]]:
    """Bundles ``start`` to ``stop``: the count, the failures, and every line said."""
    count, failures, said = Count(), [], set()
    for i in range(start, stop):
        bundle = synthetic_bundle(i)
        try:
            scripts = scripts_of(bundle)
        except Exception as e:  # a StoryError: the story chose a line its data refuse
            failures.append(f"bundle {i}: {type(e).__name__}: {e}")
            continue
        failures += [f"bundle {i}: {p}" for p in check_lecture(scripts, Oracle(bundle),
                                                                 count)]
        said.update(line.text for script in scripts for line in script)
    return count, failures, said


# Sentences the synthetic bundles must reach: a branch no bundle reaches is a branch
# nothing checks.
REACHED = ("it remembered the first word", "a coin toss between two answers",
           "a guess, as chance is", "a wrong answer", "does no better in this run",
           "It never commits", "clearing the old dish", "it explodes", "it vanishes",
           "exactly zero", "its held-out loss was still falling")


def test_every_claim_holds_on_synthetic_bundles():
    """One process per core, each checking its share of the bundles."""
    workers = os.cpu_count() or 1
    bounds = np.linspace(0, SYNTHETIC, workers + 1).astype(int)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        parts = list(pool.map(check_synthetic, bounds[:-1], bounds[1:]))
    count, failures, said = Count(), [], set()
    for part_count, part_failures, part_said in parts:
        for name in ("lines", "numbers", "claims"):
            setattr(count, name, getattr(count, name) + getattr(part_count, name))
        failures += part_failures
        said |= part_said
    assert not failures, "\n".join(failures[:20])
    assert count.claims >= 10 * SYNTHETIC and count.numbers >= 20 * SYNTHETIC, count
    text = "\n".join(said)
    assert not [phrase for phrase in REACHED if phrase not in text]
    print(f"fact-checker: {SYNTHETIC} synthetic bundles, {count.lines} lines, "
          f"{count.numbers} numbers, {count.claims} claims")


def test_bundles_written_through_the_writer_read_the_same(tmp_path):
    for i in range(0, SYNTHETIC, 100):
        written, drawn = write_synthetic(i, tmp_path), synthetic_bundle(i)
        assert [s.lines for s in scripts_of(written)] == [s.lines for s in scripts_of(drawn)]
        assert problems_of(written) == []


def test_every_claim_holds_on_the_trained_bundles(story):
    # the random bundles' words hold digits and other vocabularies than the oracle's:
    # tests/test_property_bundles.py checks that they script and draw
    bundles = {name: bundle for (name, _), (bundle, _) in story.items()
               if not name.startswith("random-")}
    for name, bundle in bundles.items():
        assert problems_of(bundle) == [], name


@pytest.mark.parametrize("bundle_name", ["default", "quick"])
def test_each_act_says_its_script(bundle_name, story):
    for act in ACTS:
        bundle, transcript = story[bundle_name, act.name]
        assert not isinstance(transcript, str), transcript
        script = script_for(act, Findings(bundle.view(act.reads)))
        assert transcript.narration == script.narration, act.name
        # a shown line may be a part of an equation or of a longer text
        missing = [text for text in script.shown
                   if not any(text in shown for shown in transcript.texts)]
        assert not missing, f"{act.name} never shows {missing}"
