"""Every act in the fast tier: its ``construct()`` runs without rendering (every animation
jumps to its end, see scenes/dry_run.py) with strict layout checks, on a quick-mode bundle
(the story matrix's "quick") and on the default one; the default bundle's narration is the
committed snapshot,
so any change of wording shows up in review. Regenerate the snapshot after a reviewed
change with ``lecture script --json > tests/data/narration/default.json``."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

from scenes.acts import ACTS, THUMBNAIL, act_named

DATA = Path(__file__).parent / "data"
SNAPSHOT = DATA / "narration" / "default.json"
BY_NAME = {"ids": [a.name for a in ACTS]}


@pytest.mark.parametrize("act", ACTS, **BY_NAME)
def test_every_act_runs_on_the_small_bundle(act, story):
    _, transcript = story["quick", act.name]
    assert not isinstance(transcript, str), transcript  # e.g. a LayoutError, in one line
    assert len(transcript.blocks) >= 5, transcript.narration
    starts = [block.start for block in transcript.blocks]
    assert starts == sorted(starts)
    assert all(block.end - block.start >= 1.0 for block in transcript.blocks)
    assert transcript.duration >= transcript.blocks[-1].end
    assert transcript.texts, "an act shows text"


@pytest.mark.parametrize("act", ACTS, **BY_NAME)
def test_default_narration_is_the_committed_snapshot(act, story):
    _, transcript = story["default", act.name]
    assert not isinstance(transcript, str), transcript
    assert transcript.narration == json.loads(SNAPSHOT.read_text())[act.name]


def test_the_small_bundle_changes_what_is_said(story):
    """The words follow the data: another bundle, other sentences."""
    changed = [act.name for act in ACTS if story["quick", act.name][1].narration
               != story["default", act.name][1].narration]
    assert {"hook", "rnn", "why_problem", "lstm", "highway", "summary"} <= set(changed)
    assert "vanish_explode" not in changed  # the scalar example is the same in both


@pytest.mark.parametrize("act", [*ACTS, THUMBNAIL], ids=lambda a: a.name)
def test_each_scene_class_points_at_its_record(act):
    scene = getattr(importlib.import_module(f"scenes.acts.{act.module}"), act.scene)
    assert scene.act is act
    assert act_named(act.name) is act


def test_records_number_the_acts():
    assert [a.number for a in ACTS] == list(range(1, len(ACTS) + 1))
    assert {a.total for a in ACTS} == {len(ACTS)}
    assert len({a.name for a in ACTS}) == len(ACTS)
    with pytest.raises(KeyError, match="no act named 'finale'"):
        act_named("finale")
