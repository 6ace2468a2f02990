"""The lecture's claims hold in the data: gated cells solve recall at the lecture's length,
the tanh RNN stays near chance there and solves short sequences. Checked on the committed
default bundle (seed 0) and by retraining for seeds 1 and 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from bundle import load_bundle
from models.config import Config
from models.experiments import Job, run_job

DEFAULT = Path(__file__).parents[1] / "assets" / "data" / "default"


def test_default_bundle_shows_the_lecture_claims():
    b = load_bundle(DEFAULT)
    assert 30 <= b.config["seq_len"] <= 60
    assert b["lstm/train/accuracy"][-1] >= 0.9
    assert b["gru/train/accuracy"][-1] >= 0.9
    assert b["rnn_tanh/train/accuracy"][-1] <= 0.4
    lens = list(b["sweep/seq_len"])
    assert 5 in lens and b.config["seq_len"] in lens
    assert b["sweep/rnn_tanh/accuracy"][lens.index(5)] >= 0.9
    # the tanh RNN's gradient at the first step is orders of magnitude below the last one
    h = b["rnn_tanh/grad/h_norm"][-1]
    assert h[0] < 1e-6 * h[-1]
    # the cuisine LSTM's forget gate drops when the second dish arrives
    words = b.words("cuisine", b["cuisine/lstm/probe/tokens"])
    forget = b["cuisine/lstm/probe/gate/forget"].mean(axis=1)
    second = words.index("pasta")
    assert forget[second] < forget[: second - 3].min()


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_claims_hold_for_other_seeds(seed):
    cfg = Config(seed=seed)
    acc = {}
    for kind, seq_len in (("lstm", cfg.seq_len), ("gru", cfg.seq_len),
                          ("rnn_tanh", cfg.seq_len), ("rnn_tanh", 5)):
        (value,) = run_job(cfg, Job("q", kind, "recall", seq_len, probe=False)).values()
        acc[kind, seq_len] = float(value)
    assert acc["lstm", cfg.seq_len] >= 0.9 and acc["gru", cfg.seq_len] >= 0.9, acc
    assert acc["rnn_tanh", cfg.seq_len] <= 0.4, acc
    assert acc["rnn_tanh", 5] >= 0.9, acc
