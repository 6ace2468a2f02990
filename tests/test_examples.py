"""The example of a bundle made from one's own trained model, run on a tiny model."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from bundle import load_bundle
from scenes.acts import act_named
from scenes.dry_run import preview_act

ROOT = Path(__file__).parents[1]
QUICK = Path(__file__).parent / "data" / "quick"


def _example():
    spec = importlib.util.spec_from_file_location("own_model", ROOT / "examples" / "own_model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_own_lstm_replaces_the_reference_one(tmp_path):
    out = _example().main(["--base", str(QUICK), "--out", str(tmp_path / "mine"),
                           "--hidden", "4", "--steps", "20"])
    mine, base = load_bundle(out), load_bundle(QUICK)
    assert mine["lstm/param/weight_hh_l0"].shape == (16, 4)  # four gates of four units
    assert mine["lstm/grad/c_norm"].shape == (4, base["lstm/grad/c_norm"].shape[1])
    assert list(mine["lstm/grad/step"]) == [0, 5, 10, 20]
    assert (mine["lstm/probe/tokens"] == base["lstm/probe/tokens"]).all()  # the same sentence
    others = [k for k in base if not k.startswith("lstm/")]
    assert all(mine[k].tobytes() == base[k].tobytes() for k in others)
    assert mine.config["own_model"]["hidden_size"] == 4
    # and the lecture reads it: the highway act, strict layout, says what it measured
    transcript = preview_act(act_named("highway"), out, tmp_path / "media")
    assert any("LSTM" in line for line in transcript.narration)
