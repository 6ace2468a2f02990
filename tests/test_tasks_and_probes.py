"""Task generators and the analytic examples."""

from __future__ import annotations

import numpy as np
import pytest

from models.config import quick_config
from models.experiments import Job, run_job
from models.probes import activation_curves, feedforward_step, scalar_factors
from models.tasks import CUISINE, RECALL, get_task
from models.tasks import CUISINE_DISHES as DISHES
from models.tasks import RECALL_CUES as CUES
from models.tasks import RECALL_FILLERS as FILLERS


def test_recall_cue_at_the_first_step_decides_the_answer():
    tokens, targets = RECALL.sample(np.random.default_rng(0), 200, 12)
    assert tokens.shape == (200, 12) and targets.shape == (200,)
    assert [RECALL.tokens[t] for t in tokens[:, 0]] == [CUES[c] for c in targets]
    later = {RECALL.tokens[t] for t in tokens[:, 1:].ravel()}
    assert later <= set(FILLERS) and not later & set(CUES)
    assert set(targets) == {0, 1, 2, 3}  # every answer occurs


def test_recall_probe_is_the_tutorial_sentence():
    tokens, target = RECALL.probe(np.random.default_rng(0), 30)
    words = RECALL.words(tokens)
    assert len(words) == 30 and words[:3] == ["clouds", "are", "dark"]
    assert words[-5:] == ["it", "looks", "like", "it", "will"]
    assert RECALL.classes[target] == "rain"
    short, _ = RECALL.probe(np.random.default_rng(0), 5)
    assert RECALL.words(short)[0] == "clouds" and len(short) == 5


def test_cuisine_answer_is_the_last_mentioned_dish():
    tokens, targets = CUISINE.sample(np.random.default_rng(1), 300, 20)
    dish_ids = set(CUISINE.ids(list(DISHES)))
    two = 0
    for row, target in zip(tokens, targets, strict=True):
        dishes = [CUISINE.tokens[t] for t in row if t in dish_ids]
        assert CUISINE.tokens[row[0]] in ("Rana", "John", "Mia", "Kenji")
        assert DISHES.index(dishes[-1]) == target
        if len(dishes) == 2:
            two += 1
            assert dishes[0] != dishes[1]
    assert 100 < two < 200  # about half the sentences name a second person


def test_cuisine_probe_and_errors():
    tokens, target = CUISINE.probe(np.random.default_rng(0), 30)
    words = CUISINE.words(tokens)
    assert words[:3] == ["Rana", "likes", "biriyani"] and "pasta" in words
    assert words.index("John") > words.index("biriyani")
    assert CUISINE.classes[target] == "Italian"
    with pytest.raises(ValueError, match="cuisine needs seq_len >= 8"):
        CUISINE.sample(np.random.default_rng(0), 2, 5)
    with pytest.raises(ValueError, match="unknown task 'poems'"):
        get_task("poems")


def test_scalar_factor_is_w_to_the_k():
    factors = scalar_factors((0.5, 1.0, 1.5), 20)
    k = np.arange(21)
    np.testing.assert_allclose(factors, [0.5**k, 1.0**k, 1.5**k], rtol=1e-12)


def test_activation_derivatives():
    c = activation_curves(241, 6.0)
    assert c["activation/d_sigmoid"].max() == pytest.approx(0.25)
    assert c["activation/d_tanh"].max() == pytest.approx(1.0)
    x = c["activation/x"]
    np.testing.assert_array_equal(c["activation/d_relu"][x > 0], 1.0)
    np.testing.assert_allclose(c["activation/d_tanh"], 1 - np.tanh(x) ** 2, atol=1e-12)


def test_feedforward_chain_rule_and_update():
    f = {k.split("/")[1]: float(v) for k, v in
         feedforward_step(x=1.5, w=0.8, b=-0.2, y_true=1.0, lr=0.5).items()}
    assert f["z"] == pytest.approx(0.8 * 1.5 - 0.2)
    assert f["y_hat"] == pytest.approx(1 / (1 + np.exp(-f["z"])))
    assert f["dloss_dw"] == pytest.approx(f["dloss_dyhat"] * f["dyhat_dz"] * f["dz_dw"])
    assert f["dloss_dyhat"] == pytest.approx(-2 * (1.0 - f["y_hat"]))
    assert f["w_next"] == pytest.approx(0.8 - 0.5 * f["dloss_dw"])
    assert f["w_next"] > f["w"]  # the prediction was too low, so w grows


def test_same_seed_same_bytes_other_seed_other_bytes():
    cfg = quick_config(seed=3)
    job = Job("t", "lstm", "recall", 8)
    a, b = run_job(cfg, job), run_job(cfg, job)
    assert a.keys() == b.keys()
    for key in a:
        assert a[key].tobytes() == b[key].tobytes(), key
    other = run_job(quick_config(seed=4), job)
    assert other["lstm/param/weight_hh_l0"].tobytes() != a["lstm/param/weight_hh_l0"].tobytes()
