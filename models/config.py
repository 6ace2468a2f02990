"""The run configuration: every number that decides what the experiments measure.

The whole dataclass is saved in the bundle's manifest, so each number in the video can be
traced back to the run that made it (the nanoGPT habit).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from bundle.contract import MODEL_KINDS, SWEEP_MODELS

from .ranges import Choice, Float, Int, OffOr, Problem, Rule, Seq, Table

__all__ = ["Config", "ConfigError", "quick_config", "rule_of"]

# Each field carries the rule that says what it accepts (models/ranges.py); the reason for
# each range is the comment above it. Within these ranges every configuration trains,
# probes, writes a valid bundle and draws legibly; models/settings.py reads and checks them.


def _setting(default, rule: Rule):
    if isinstance(default, dict):
        return field(default_factory=lambda: dict(default), metadata={"rule": rule})
    return field(default=default, metadata={"rule": rule})


@dataclass(frozen=True)
class Config:
    # 0..2**31-1: numpy refuses negative seeds, and a 32-bit integer survives every JSON
    # and TOML reader unchanged.
    seed: int = _setting(0, Int(0, 2**31 - 1))
    # The lecture's sequence length T: long enough that a tanh RNN stays at chance while gated
    # cells solve the task (Bengio, Simard & Frasconi 1994 for why plain RNNs fail). At T = 50
    # one tanh RNN in six seeds still found a solution; at T = 60 none of six did, and every
    # LSTM and GRU reached 1.0.
    # 10..120: the probe sentence ("clouds are dark ... it looks like it will") takes 8
    # words, and at T = 10 the default run's tanh RNN already reaches only 0.51; the scenes
    # draw one column per step, legible up to 120.
    seq_len: int = _setting(60, Int(10, 120))
    # The biriyani/pasta task needs two mentions and the words between them.
    # 8..40: 8 is the task's minimum (two three-word mentions and a word around each); the
    # forget-gate heatmap draws one column per word, legible up to 40.
    cuisine_seq_len: int = _setting(30, Int(8, 40))
    # 4..64: four units can still carry one of four answers; the gate heatmaps draw one row
    # per unit, legible up to 64, and a step's cost grows with H squared.
    hidden_size: int = _setting(32, Int(4, 64))
    # 8..512: a judgement, not a measurement: fewer sequences make each step mostly noise,
    # more make each step dearer for a picture that no longer changes.
    batch_size: int = _setting(64, Int(8, 512))
    # 20..3000: 20 steps leave room for distinct snapshots; 3000 (five times the default)
    # keeps the longest run within minutes per job.
    steps: int = _setting(600, Int(20, 3000))
    # 1e-4..0.01: below, a few hundred steps barely move the weights. Above, Adam moves
    # every weight by about lr a step whatever the gradient's size (so clipping does not
    # help), and a ReLU RNN's state grows like its recurrent weights to the power T: the
    # IRNN at T = 120, H = 64 diverged within 10 steps at lr = 0.1 (clipped or not) and 0.03
    # (clipped), and held at 0.01 (seed 0; 600 steps at batch 8, 300 at batch 512; so did the ReLU
    # RNN, 600 steps at batch 8). A probed run that diverges stops with an error;
    # a sweep run (T up to 200, where the IRNN diverged at 0.01) reports its last finite
    # accuracy.
    lr: float = _setting(3e-3, Float(1e-4, 0.01))
    # Gradient clipping is an explicit switch (None turns it off). It bounds the occasional
    # exploding step (Pascanu, Mikolov & Bengio 2013); it cannot cure vanishing.
    # off, or 0.01..100: a judgement, two orders of magnitude either side of 1.0. Adam
    # divides by the gradient's running size, so clipping changes a step only where one
    # gradient is far larger than the recent ones; "never" is said more plainly by off.
    clip_norm: float | None = _setting(1.0, OffOr(Float(0.01, 100.0)))
    # Total forget-gate bias (bias_ih + bias_hh) for the LSTM, and the update-gate bias for
    # the GRU. With PyTorch's default init the forget gate sits near 0.5 and the LSTM's
    # gradient vanishes as fast as the RNN's; a bias near 4 starts it near 0.98 so the cell
    # state carries gradient from the start (Gers, Schmidhuber & Cummins 2000).
    # -5..10: sigmoid(-5) = 0.007, a gate that forgets at once (the variant that vanishes
    # like an RNN); sigmoid(10) = 0.99995, past which the gate cannot open any further.
    forget_bias: float = _setting(4.0, Float(-5.0, 10.0))
    # 1..500, and at most steps: a training curve needs at least two points.
    log_every: int = _setting(10, Int(1, 500))
    # Held-out sequences for accuracy, drawn from a stream the training batches never use.
    # 32..4096: 32 resolve accuracy to 0.03, enough to tell chance (0.25) from solved; more
    # than 4096 only slows each evaluation.
    eval_size: int = _setting(512, Int(32, 4096))
    # Gradient snapshots, as fractions of the training run: dense early, where the flow
    # changes fastest.
    # 2..10 values from 0 (initialisation) to 1 (the final weights), strictly increasing and
    # on distinct steps: the gradient-flow chart draws one curve per snapshot, legible up
    # to 10.
    snapshot_fractions: tuple[float, ...] = _setting(
        (0.0, 1 / 16, 1 / 8, 1 / 4, 1 / 2, 1.0),
        Seq(Float(0.0, 1.0), (2, 10), increasing=True, first=0.0, last=1.0))
    # 1..8 lengths of 2..200, strictly increasing: the sweep chart has one point per length,
    # legible up to 8; a run's time grows with T (the GRU's 12 s at T = 100 here).
    sweep_seq_lens: tuple[int, ...] = _setting(
        (5, 10, 20, 40, 60, 100), Seq(Int(2, 200), (1, 8), increasing=True))
    # Any of the model kinds, each once; the bundle contract requires SWEEP_MODELS.
    sweep_models: tuple[str, ...] = _setting(
        SWEEP_MODELS, Seq(Choice(MODEL_KINDS), (len(SWEEP_MODELS), len(MODEL_KINDS)),
                          distinct=True, required=SWEEP_MODELS,
                          why_required=" (the bundle contract's sweep models)"))
    # The scalar recurrence h_t = w h_{t-1} + x_t, differentiated over this many steps.
    # 2..4 distinct weights in 0.1..2, at least one below 1 and one above: the scene sets
    # vanishing (w < 1) against exploding (w > 1); 2**100 = 1.3e30 is the largest factor.
    scalar_weights: tuple[float, ...] = _setting(
        (0.5, 1.0, 1.5), Seq(Float(0.1, 2.0), (2, 4), distinct=True, straddle=1.0))
    # 5..100: enough steps for the product to bend away from 1, few enough to draw.
    scalar_steps: int = _setting(30, Int(5, 100))
    # 11..2001 points on [-range, range], 1..20: a smooth curve without a large array, and
    # every activation's bend (the sigmoid's within about ±6) stays in view.
    activation_points: int = _setting(241, Int(11, 2001))
    activation_range: float = _setting(6.0, Float(1.0, 20.0))
    # One sigmoid neuron and one step of gradient descent. These are the example's inputs;
    # every other feedforward number is computed from them by autograd. The learning rate
    # is large so that the update is visible on screen.
    # x, w and b in -5..5, the values the chain-rule scene lays out; y_true is a sigmoid's
    # target, in 0..1; lr in (0, 5]: zero would not step at all.
    feedforward: dict[str, float] = _setting(
        {"x": 1.5, "w": 0.8, "b": -0.2, "y_true": 1.0, "lr": 0.5},
        Table({"x": Float(-5.0, 5.0), "w": Float(-5.0, 5.0), "b": Float(-5.0, 5.0),
               "y_true": Float(0.0, 1.0), "lr": Float(0.0, 5.0, open_lo=True)}))

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def validate(self) -> Config:
        """Raise :class:`ConfigError` (one line) unless every field is in its range and the
        fields agree with each other; return self."""
        for f in dataclasses.fields(self):
            value, rule = getattr(self, f.name), f.metadata["rule"]
            if isinstance(rule, Table) and not isinstance(value, dict):
                raise ConfigError(f"{f.name} must be a table of {', '.join(rule.rules)}")
            items = ([(f"{f.name}.{k}", value.get(k), r) for k, r in rule.rules.items()]
                     if isinstance(rule, Table) else [(f.name, value, rule)])
            extra = sorted(set(value) - set(rule.rules)) if isinstance(rule, Table) else []
            if extra:
                raise ConfigError(f"{f.name} has no {extra[0]!r}; it holds "
                                  f"{', '.join(rule.rules)}")
            for name, v, r in items:
                try:
                    r.check(r.convert(v))
                except Problem as e:
                    raise ConfigError(f"{name} {e}") from None
        if self.log_every > self.steps:
            raise ConfigError(f"log_every ({self.log_every}) must be at most steps "
                              f"({self.steps})")
        at = [round(f * self.steps) for f in self.snapshot_fractions]
        for (f1, s1), (f2, s2) in zip(zip(self.snapshot_fractions, at, strict=True),
                                      zip(self.snapshot_fractions[1:], at[1:], strict=True),
                                      strict=False):
            if s1 == s2:
                raise ConfigError(f"snapshot_fractions {f1:g} and {f2:g} fall on the same "
                                  f"training step ({s1} of steps = {self.steps}); space them "
                                  f"at least 1/steps apart")
        return self


class ConfigError(ValueError):
    """A configuration outside what the experiments and scenes handle. ``str()`` is one
    line: the setting, what it accepts, what it got."""


def rule_of(name: str) -> Rule:
    """The rule of a field, or of ``table.key``."""
    top, _, key = name.partition(".")
    rule = {f.name: f.metadata["rule"] for f in dataclasses.fields(Config)}[top]
    return rule.rules[key] if key else rule


def quick_config(seed: int = 0) -> Config:
    """A small run for tests and previews: the same bundle layout, a fraction of the work."""
    return Config(
        seed=seed,
        seq_len=20,
        cuisine_seq_len=20,
        hidden_size=16,
        steps=60,
        eval_size=128,
        sweep_seq_lens=(5, 20),
    )
