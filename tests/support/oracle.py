"""An independent reading of a bundle, for checking what the lecture says about it.

The acts choose their words from :mod:`scenes.story.findings`; this module recomputes the same
quantities from the raw arrays with plain numpy, so the story tests compare the words with
the data rather than with the code that chose them. Only the thresholds are shared: they are
the lecture's stated rules.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from scenes.story.findings import CHANCE_MARGIN, DIP, NEAR_ONE, SOLVED, STEADY, VANISHED


class Oracle:
    def __init__(self, bundle):
        self.b = bundle

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
