"""An independent reading of a bundle, for checking what the lecture says about it.

The acts choose their words from :mod:`scenes.story.findings`; this module recomputes the same
quantities from the raw arrays with plain numpy, so the story tests compare the words with
the data rather than with the code that chose them. Only the thresholds are shared: they are
the lecture's stated rules.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from scenes.story.findings import (
    CHANCE_MARGIN,
    DIP,
    FLATTER,
    GROWS,
    LAST_PART,
    NEAR_ONE,
    SOLVED,
    STEADY,
    STEEPER,
    STILL_FALLING,
    VANISHED,
)


def _split(name: str) -> tuple[list[str], str]:
    """``"rnn_tanh.h.vanishes[0]"`` -> (["rnn_tanh.h", "0"], "vanishes")."""
    rule, _, arg = name.partition("[")  # the argument first: it may hold a dot, [0.5]
    head, _, rule = rule.rpartition(".")
    return ([head] if head else []) + ([arg.rstrip("]")] if arg else []), rule


class Oracle:
    """Named quantities (``value``) and judgements (``judge``) by the names scripts give
    them: ``q_<quantity>`` and ``j_<rule>`` methods, each from the raw arrays."""

    def __init__(self, bundle):
        self.b = bundle

    def value(self, quantity: str) -> float:
        args, name = _split(quantity)
        return float(getattr(self, f"q_{name}")(*args))

    def judge(self, finding: str) -> bool:
        args, rule = _split(finding)
        return bool(getattr(self, f"j_{rule}")(*args))

    # ------------------------------------------------------------ quantities (q_)

    def q_accuracy(self, model):
        return self.acc(model)

    def q_chance(self, model):
        task = "cuisine" if model.startswith("cuisine/") else "recall"
        return 1 / len(self.b.vocab[task]["classes"])

    def q_probe_p(self, model):
        return self.probe_p(model)

    def q_probe_top_p(self, model):
        return float(np.max(self.b[f"{model}/probe/prob"][-1]))

    def q_probe_runner_up_p(self, model):
        return float(sorted(self.b[f"{model}/probe/prob"][-1])[-2])

    def q_ratio(self, model):
        return self.ratio(model)

    def q_c_ratio(self, model):
        return self.ratio(model, "c")

    def q_probe_length(self, model):
        return self.b[f"{model}/probe/tokens"].shape[0]

    def q_probe_length_less(self, model, shown):
        return self.q_probe_length(model) - int(shown)

    def q_hidden_size(self, model):
        return self.b[f"{model}/probe/h"].shape[-1]

    # ------------------------------------------------------------ judgements (j_)

    def j_solved(self, model):
        return self.solved(model)

    def j_near_chance(self, model, length=None):
        if length is not None:  # in the length sweep, from ``length`` words on
            return self.sweep_near_chance_from(model, int(length))
        return self.near_chance(model)

    def j_vanishes(self, where, snapshot="-1"):
        if where == "scalar":  # scalar.vanishes[<w>]: the argument is the weight
            return abs(self.q_scalar_factor(snapshot)) < VANISHED
        model, state = where.rsplit(".", 1)
        return self.ratio(model, state, int(snapshot)) < VANISHED

    def j_grows(self, where, snapshot="-1"):
        model, state = where.rsplit(".", 1)
        return self.ratio(model, state, int(snapshot)) > GROWS

    def j_always_vanishes(self, model):
        return max(self.ratios(model)) < VANISHED

    def j_forget_near_one(self, model):
        return self.forget(model) >= NEAR_ONE

    def j_highway(self, model):
        return self.ratio(model, "c") >= VANISHED

    def j_probe_guess(self, model):
        return self.q_probe_top_p(model) < self.q_chance(model) + CHANCE_MARGIN

    def j_probe_right(self, model):
        return self.probe_right(model)

    def j_probe_sure(self, model):
        top, runner = sorted(self.b[f"{model}/probe/prob"][-1])[-1:-3:-1]
        return self.probe_right(model) and top - runner >= CHANCE_MARGIN

    def j_probe_coin_toss(self, model):
        top, runner, *rest = sorted(self.b[f"{model}/probe/prob"][-1], reverse=True)
        third = rest[0] if rest else 0.0
        return (top - runner < CHANCE_MARGIN and top + runner > 0.5
                and runner - third >= CHANCE_MARGIN)

    # ------------------------------------------------------------ plain readings

    @cached_property
    def chance(self) -> float:
        return 1 / len(self.b.vocab["recall"]["classes"])

    def acc(self, model: str) -> float:
        return float(self.b[f"{model}/train/accuracy"][-1])

    def solved(self, model: str) -> bool:
        return self.acc(model) >= SOLVED

    def near_chance(self, model: str) -> bool:
        classes = self.b.vocab["cuisine" if model.startswith("cuisine/") else "recall"]
        return self.acc(model) < 1 / len(classes["classes"]) + CHANCE_MARGIN

    def ratio(self, model: str, state: str = "h", snapshot: int = -1) -> float:
        norms = self.b[f"{model}/grad/{state}_norm"][snapshot]
        return 0.0 if norms[-1] == 0 else float(norms[0] / norms[-1])

    def ratios(self, model: str) -> list[float]:
        return [self.ratio(model, snapshot=s) for s in range(len(self.b[f"{model}/grad/step"]))]

    def probe_p(self, model: str) -> float:
        prob = self.b[f"{model}/probe/prob"][-1]
        return float(prob[int(self.b[f"{model}/probe/target"])])

    def probe_right(self, model: str) -> bool:
        prob = self.b[f"{model}/probe/prob"][-1]
        return int(prob.argmax()) == int(self.b[f"{model}/probe/target"])

    def typical_factor(self, model: str = "rnn_tanh") -> float:
        """The geometric mean of the step factors after the last exact zero."""
        norms = self.b[f"{model}/grad/h_norm"][-1]
        zeros = np.flatnonzero(norms == 0)
        run = norms[(zeros[-1] + 1 if len(zeros) else 0):]
        return float(np.exp(np.mean(np.log(run[:-1] / run[1:]))))

    @cached_property
    def feedforward(self) -> dict[str, float]:
        return {k.split("/")[1]: float(v) for k, v in self.b.items()
                if k.startswith("feedforward/")}

    def loss_after_step(self) -> float:
        f = self.feedforward
        z = f["w_next"] * f["x"] + f["b_next"]
        return (f["y_true"] - 1 / (1 + np.exp(-z))) ** 2

    def sweep(self, model: str) -> tuple[list[int], np.ndarray]:
        return [int(n) for n in self.b["sweep/seq_len"]], self.b[f"sweep/{model}/accuracy"]

    def forget(self, model: str = "lstm") -> float:
        return float(self.b[f"{model}/probe/gate/forget"].mean())

    def forget_near_one(self) -> bool:
        return self.forget() >= NEAR_ONE

    def highway(self) -> bool:
        return self.ratio("lstm", "c") >= VANISHED

    def irnn_diagonal(self) -> float:
        return float(np.diag(self.b["irnn/param/weight_hh_l0"]).mean())

    @cached_property
    def cuisine(self) -> dict:
        """The biriyani/pasta probe: where the answer switches, the forget gate around it."""
        model = "cuisine/lstm"
        words = [self.b.vocab["cuisine"]["tokens"][i] for i in self.b[f"{model}/probe/tokens"]]
        prob = self.b[f"{model}/probe/prob"]
        forget = self.b[f"{model}/probe/gate/forget"].mean(axis=1)
        answers = prob.argmax(axis=1)
        final = int(answers[-1])
        wrong = np.flatnonzero(answers != final)
        switch = int(wrong[-1]) + 1 if len(wrong) else 0
        names = [t for t, w in enumerate(words) if w == "John"]
        name = names[-1] if names else max(switch - 2, 0)
        before = forget[:max(name, 1)]
        held = float(before.mean())
        low = float(forget[name:max(switch, name + 2) + 2].min())
        return {"words": words, "switch": switch, "final": final, "held": held,
                "right": final == int(self.b[f"{model}/probe/target"]),
                "drop": low <= held - DIP, "steady": bool(np.abs(before - held).max() <= STEADY)}

    # --- act04 bptt, act06 why_problem, act07 fixes

    def norms(self, model: str, snapshot: int = -1) -> np.ndarray:
        return np.asarray(self.b[f"{model}/grad/h_norm"][snapshot], dtype=float)

    def run(self, model: str) -> np.ndarray:
        """The step factors ||g_{t-1}|| / ||g_t|| after the last exact zero, in time order."""
        norms = self.norms(model)
        zeros = np.flatnonzero(norms == 0)
        tail = norms[(zeros[-1] + 1 if len(zeros) else 0):]
        return tail[:-1] / tail[1:]

    def q_typical_factor(self, model):
        return self.typical_factor(model)

    def q_factor_count(self, model):
        return len(self.run(model))

    def q_factor_product(self, model):
        norms = self.norms(model)
        zeros = np.flatnonzero(norms == 0)
        return norms[(zeros[-1] + 1 if len(zeros) else 0)] / norms[-1]

    def q_factors_below_one(self, model):
        return int(np.sum(self.run(model) < 1))

    def q_classes(self, model):
        return len(self.b.vocab["cuisine" if model.startswith("cuisine/") else "recall"]
                   ["classes"])

    def q_step_factor(self, model, k):
        return self.run(model)[int(k)]

    def q_steps_back(self, model):
        return len(self.norms(model)) - 1

    def q_largest_singular_value(self, model):
        w = np.asarray(self.b[f"{model}/param/weight_hh_l0"], dtype=np.float64)
        return float(np.linalg.svd(w, compute_uv=False).max())

    def q_grad_norm(self, model, t):
        return self.norms(model)[int(t)]

    def q_grad_zeros(self, model):
        return int(np.sum(self.norms(model) == 0))

    def q_grad_step(self, model, s):
        return int(self.b[f"{model}/grad/step"][int(s)])

    def q_snapshots(self, model):
        return len(self.b[f"{model}/grad/step"])

    def q_ratio_at(self, model, s):
        return self.ratio(model, snapshot=int(s))

    def q_inverse_ratio(self, model):
        norms = self.norms(model)
        return norms[-1] / norms[0]

    def q_sweep_length(self, i):
        return int(self.b["sweep/seq_len"][int(i)])

    def q_sweep_accuracy(self, model, length):
        lengths, acc = self.sweep(model)
        return float(acc[lengths.index(int(length))])

    def q_solved_threshold(self):
        return SOLVED

    def q_no_change(self):
        return 1.0

    def q_slope_peak(self, activation):
        return float(np.max(self.b[f"activation/d_{activation}"]))

    def q_slope_bound(self, activation, steps):
        return self.q_slope_peak(activation) ** int(steps)

    def q_diagonal(self, model):
        return float(np.mean(np.diagonal(self.b[f"{model}/param/weight_hh_l0"])))

    def scalar_row(self, w) -> int:
        weights = list(np.asarray(self.b["scalar/w"], dtype=float))
        return weights.index(float(w))

    def q_scalar_weight(self, w):
        return float(self.b["scalar/w"][self.scalar_row(w)])

    def q_scalar_factor(self, w):
        return float(self.b["scalar/factor"][self.scalar_row(w)][-1])

    def q_scalar_steps(self):
        return np.shape(self.b["scalar/factor"])[-1] - 1

    def j_explodes(self, _scalar, w):
        return abs(self.q_scalar_factor(w)) > 1 / VANISHED

    def j_shrinks(self, where):
        model, state = where.rsplit(".", 1)
        return self.ratio(model, state) < 1

    def j_every_step_shrinks(self, model):
        return bool(np.all(self.run(model) < 1))

    def decades(self, model) -> float:
        """How far the first/last ratio moved, first snapshot to last, in decades (a zero
        counts as far below anything)."""
        first, last = self.ratios(model)[0], self.ratios(model)[-1]
        if first == last:
            return 0.0
        if first == 0 or last == 0:
            return np.inf if first == 0 else -np.inf
        return float(np.log10(last / first))

    def j_steeper(self, model):
        return self.decades(model) < STEEPER

    def j_flatter(self, model):
        return self.decades(model) > FLATTER

    def j_slope_same(self, model):
        return STEEPER <= self.decades(model) <= FLATTER

    def j_still_learning(self, model):
        step = np.asarray(self.b[f"{model}/train/step"], dtype=float)
        loss = np.asarray(self.b[f"{model}/train/loss"], dtype=float)
        inside = np.flatnonzero(step >= step[-1] - LAST_PART * (step[-1] - step[0]))
        start = min(int(inside[0]), len(loss) - 2) if len(loss) > 1 else 0
        return loss[start] > 0 and (loss[start] - loss[-1]) / loss[start] >= STILL_FALLING

    def j_solves_every_length(self, model):
        return bool(np.all(self.sweep(model)[1] >= SOLVED))

    def j_solves_no_length(self, model):
        return not np.any(self.sweep(model)[1] >= SOLVED)

    def sweep_near_chance_from(self, model: str, length: int) -> bool:
        lengths, acc = self.sweep(model)
        near = [a < self.chance + CHANCE_MARGIN for a in acc]
        at = lengths.index(length)
        return all(near[at:]) and (at == 0 or not near[at - 1])

    def j_at_most(self, what):
        head, part = what.rsplit(".", 1)
        if part == "slope":  # below the analytic bounds: 1/4 for the sigmoid, 1 otherwise
            slopes = np.asarray(self.b[f"activation/d_{head}"])
            return bool(slopes.min() >= 0 and slopes.max() <= (0.25 if head == "sigmoid"
                                                                 else 1.0))
        w = np.asarray(self.b[f"{head}/param/weight_hh_l0"], dtype=float)
        probe = np.random.default_rng(0).normal(size=(256, len(w)))
        stretch = np.linalg.norm(probe @ w.T, axis=1) / np.linalg.norm(probe, axis=1)
        return bool(stretch.max() <= self.q_largest_singular_value(head) * (1 + 1e-9))

    def j_kept_most(self, model):
        return self.ratio(model) >= max(self.ratio(m) for m in
                                        ("rnn_sigmoid", "rnn_tanh", "rnn_relu"))

    def j_stretched(self, model):
        activation = {"rnn_sigmoid": "sigmoid", "rnn_tanh": "tanh", "rnn_relu": "relu"}[model]
        return self.ratio(model) > self.q_slope_bound(activation, self.q_steps_back(model))

    def j_helped(self, model):
        return self.ratio(model) > 10 * max(self.ratio("rnn_sigmoid"), self.ratio("rnn_tanh"))

    def j_identity_kept(self, model):
        return abs(self.q_diagonal(model) - 1) <= 1 - NEAR_ONE

    def j_short_term_bias(self, model):
        lengths, acc = self.sweep(model)
        return bool(acc[0] >= SOLVED and acc[-1] < self.chance + CHANCE_MARGIN)

    # --- act01 hook, act02 feedforward, act05 vanish_explode

    def q_grad_length(self, model):
        return np.shape(self.b[f"{model}/grad/h_norm"])[-1]

    def j_trained(self, model):
        snapshot = int(self.b[f"{model}/grad/step"][-1])
        return snapshot > 0 and snapshot == int(self.b[f"{model}/train/step"][-1])

    def q_feedforward(self, name):
        return self.feedforward[name]

    def q_feedforward_change(self, name):
        after = self.loss_after_step() if name == "loss" else self.feedforward[f"{name}_next"]
        return after - self.feedforward[name]

    def q_feedforward_samples(self):
        return np.size(self.b["feedforward/x"])

    def q_feedforward_loss_after(self):
        return self.loss_after_step()

    def j_descends(self, _feedforward):
        return self.loss_after_step() < self.feedforward["loss"]

    def j_ascends(self, _feedforward):
        return self.loss_after_step() > self.feedforward["loss"]

    def j_w_up(self, _feedforward):
        f = self.feedforward
        return f["dloss_dw"] < 0 and f["w_next"] > f["w"]

    def j_w_down(self, _feedforward):
        f = self.feedforward
        return f["dloss_dw"] > 0 and f["w_next"] < f["w"]

    def scalar_powers(self, w) -> np.ndarray:
        """|factor| after 0..K steps back for the weight written ``w``."""
        return np.abs(np.asarray(self.b["scalar/factor"][self.scalar_row(w)], dtype=float))

    def q_scalar_factor_at(self, at):
        w, k = at.split(",")
        return float(self.b["scalar/factor"][self.scalar_row(w)][int(k)])

    def q_scalar_steps_shown(self, most):
        return min(int(most), self.q_scalar_steps())

    def j_falls(self, _scalar, w):
        row = self.scalar_powers(w)
        return all(b <= a for a, b in zip(row[:-1], row[1:], strict=True)) and row[-1] < row[0]

    def j_climbs(self, _scalar, w):
        row = self.scalar_powers(w)
        return all(b >= a for a, b in zip(row[:-1], row[1:], strict=True)) and row[-1] > row[0]

    def j_flat(self, _scalar, w):
        row = self.b["scalar/factor"][self.scalar_row(w)]
        return bool(np.all(row == row[0]))

    # --- act08 lstm, act09 highway, act10 summary

    @cached_property
    def tutorial(self) -> dict:
        """The cuisine probe, read again from the raw arrays: the answers after each word,
        the forget and input gates (means over units), the second name ("John"), the switch
        (the word from which the last answer is the top one), the words between them and the
        last answer's lead over the best other one after each word."""
        model = "cuisine/lstm"
        words = [self.b.vocab["cuisine"]["tokens"][i] for i in self.b[f"{model}/probe/tokens"]]
        prob = np.asarray(self.b[f"{model}/probe/prob"], dtype=float)
        forget = np.asarray(self.b[f"{model}/probe/gate/forget"], dtype=float).mean(axis=1)
        inputs = np.asarray(self.b[f"{model}/probe/gate/input"], dtype=float).mean(axis=1)
        answers = [int(np.argmax(row)) for row in prob]
        final = answers[-1]
        switch = max([t + 1 for t, a in enumerate(answers) if a != final], default=0)
        names = [t for t, w in enumerate(words) if w == "John"]
        name = names[-1] if names else max(switch - 2, 0)
        window = list(range(name, min(max(switch, name + 2) + 2, len(words))))
        before = forget[:max(name, 1)]
        lead = [row[final] - max(p for k, p in enumerate(row) if k != final) for row in prob]
        return {"prob": prob, "forget": forget, "inputs": inputs, "final": final,
                "switch": switch, "name": name, "window": window, "held": float(before.mean()),
                "spread": float(np.abs(before - before.mean()).max()),
                "low": float(min(forget[t] for t in window)), "lead": lead,
                "target": int(self.b[f"{model}/probe/target"])}

    def q_forget_mean(self, model):
        return self.forget(model)

    def q_forget_held(self, model):
        return self.tutorial["held"]

    def q_forget_low(self, model):
        return self.tutorial["low"]

    def q_input_peak(self, model):
        story = self.tutorial
        return float(max(story["inputs"][t] for t in story["window"]))

    def q_final_answer_p(self, model, t):
        return float(self.tutorial["prob"][int(t), self.tutorial["final"]])

    def q_update_mean(self, model):
        return float(self.b[f"{model}/probe/gate/update"].mean())

    def q_near_one(self):
        return NEAR_ONE

    def q_chance_margin(self):
        return CHANCE_MARGIN

    def q_train_steps(self, model):
        return int(self.b[f"{model}/train/step"][-1])

    def q_seed(self):
        return int(self.b.config["seed"])

    def q_c_relative_min(self, model):
        norms = self.b[f"{model}/grad/c_norm"][-1]
        return 0.0 if norms[-1] == 0 else float(min(norms / norms[-1]))

    def j_held_near_one(self, model):
        return self.tutorial["held"] >= NEAR_ONE

    def j_holds_first(self, model):
        story = self.tutorial
        t = story["name"] - 1
        k = self.b.vocab["cuisine"]["classes"].index("Bangladeshi")
        row = story["prob"][t] if t >= 0 else None
        return row is not None and row[k] - max(p for j, p in enumerate(row)
                                                if j != k) >= CHANCE_MARGIN

    def j_carries(self, model):
        return self.j_held_near_one(model) and self.j_holds_first(model)

    def j_steady(self, model):
        return self.tutorial["spread"] <= STEADY

    def j_forget_drops(self, model):
        return self.tutorial["low"] <= self.tutorial["held"] - DIP

    def j_forget_rises(self, model):
        return self.tutorial["low"] > self.tutorial["held"] + DIP

    def j_forget_flat(self, model):
        return not self.j_forget_drops(model) and not self.j_forget_rises(model)

    def j_input_widest(self, model):
        story = self.tutorial
        return int(np.argmax(story["inputs"])) in story["window"]

    def j_settles_at(self, model, t):
        lead, t = self.tutorial["lead"], int(t)
        return (all(x >= CHANCE_MARGIN for x in lead[t:])
                and (t == 0 or lead[t - 1] < CHANCE_MARGIN))

    def j_commits(self, model):
        return self.tutorial["lead"][-1] >= CHANCE_MARGIN

    def j_clears(self, model):
        story = self.tutorial
        return (story["switch"] > 0 and self.j_forget_drops(model)
                and self.j_holds_first(model) and self.j_settles_at(model, story["switch"])
                and story["final"] == story["target"])

    def j_update_near_one(self, model):
        return self.q_update_mean(model) >= NEAR_ONE

    def j_own_model(self, kind):
        own = self.b.config.get("own_model")
        return isinstance(own, dict) and own.get("kind") == kind

    def j_same_probe(self, model):
        return np.array_equal(self.b[f"{model}/probe/tokens"], self.b["rnn_tanh/probe/tokens"])

    def j_solves_up_to(self, model, length):
        lengths, acc = self.sweep(model)
        n = int(length)
        return (n in lengths[:-1] and all((a >= SOLVED) == (m <= n)
                                          for m, a in zip(lengths, acc, strict=True)))

    def j_solved_at(self, model, length):
        lengths, acc = self.sweep(model)
        return acc[lengths.index(int(length))] >= SOLVED
