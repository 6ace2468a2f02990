"""Act 7: three fixes for the vanishing gradient: activations, identity start, gates."""

from manim import *

from bundle.contract import ACTIVATIONS, activation_key, grad_key, param_key, train_key
from scenes.acts import act_named
from scenes.lecture_scene import LectureScene
from scenes.mobjects import (
    ExponentChart,
    GradientChart,
    LstmCell,
    get_caption,
    get_heading,
    get_heatmap,
    get_polyline,
    get_text,
)
from scenes.story.findings import gradient_ratio, relative_to_last
from scenes.story.names import MODEL_NAMES
from scenes.story.numbers import (
    exponent_range,
    number_to_tex,
    number_to_words,
    percent_to_text,
    percent_to_words,
    share_to_words,
)
from scenes.theme import PALETTE, SIZES, TIMING


class ThreeFixes(LectureScene):
    act = act_named("fixes")

    def construct(self):
        self.show_chapter_card()
        self.list_the_fixes()
        self.compare_the_slopes()
        self.measure_the_activations()
        self.start_at_the_identity()
        self.compare_the_flow()
        self.tease_the_gates()

    def accuracy(self, model: str) -> float:
        return float(self.data[train_key(model, "accuracy")][-1])

    def list_the_fixes(self):
        self.next_section("Three fixes")
        heading = get_heading("Solutions to the vanishing gradient problem")
        fixes = VGroup(*(get_text(line, SIZES.body) for line in (
            "1.  choose activation functions wisely",
            "2.  start the recurrent weights at the identity",
            "3.  use gates: LSTM, GRU"))).arrange(DOWN, aligned_edge=LEFT, buff=0.5)
        with self.narrate("Three common fixes: choose the activation wisely, start the "
                          "recurrent weights at the identity, or use gates."):
            self.play(FadeIn(heading))
            self.play(LaggedStart(*(FadeIn(f, shift=RIGHT * 0.2) for f in fixes),
                                  lag_ratio=0.6))
        self.play(FadeOut(VGroup(heading, fixes)), run_time=TIMING.fast)

    def compare_the_slopes(self):
        self.next_section("Activation slopes")
        x = self.data[activation_key("x")]
        slopes = {name: self.data[activation_key(f"d_{name}")] for name in ACTIVATIONS}
        top = max(float(s.max()) for s in slopes.values())
        heading = get_heading("1. Choose activation functions wisely")
        axes = Axes(x_range=[float(x.min()), float(x.max()), 2], y_range=[0, 1.2 * top, 0.25],
                    x_length=7.4, y_length=4.4, tips=False,
                    axis_config={"color": PALETTE.muted, "font_size": SIZES.small},
                    x_axis_config={"include_numbers": True}).shift(LEFT * 2.4 + DOWN * 0.6)
        one = MathTex("1", font_size=SIZES.label * 1.3, color=PALETTE.muted)
        one.next_to(axes.c2p(x.min(), 1.0), LEFT, buff=0.15)
        axes.add(one, DashedLine(axes.c2p(x.min(), 1.0), axes.c2p(x.max(), 1.0),
                                 color=PALETTE.muted, stroke_width=1.5))
        curves = {name: get_polyline(axes, x, s, getattr(PALETTE, name))
                  for name, s in slopes.items()}
        peak = float(slopes["sigmoid"].max())
        at = float(x[np.argmax(slopes["sigmoid"])])
        labels = VGroup(
            get_text("sigmoid slope", SIZES.label, PALETTE.sigmoid)
            .next_to(axes.c2p(at, peak), UP, buff=0.2).shift(LEFT * 2.2),
            get_text("tanh slope", SIZES.label, PALETTE.tanh)
            .next_to(axes.c2p(x.min() * 0.3, 0.75 * top), LEFT, buff=0.1),
            get_text("ReLU slope", SIZES.label, PALETTE.relu)
            .next_to(axes.c2p(x.max(), float(slopes["relu"][-1])), UP, buff=0.15,
                     aligned_edge=RIGHT))
        mark = DashedLine(axes.c2p(x.min(), peak), axes.c2p(x.max(), peak),
                          color=PALETTE.sigmoid, stroke_width=2)
        peak_label = MathTex(rf"\text{{at most }} {peak:.3g}", font_size=SIZES.equation,
                             color=PALETTE.sigmoid).next_to(mark, RIGHT, buff=0.3)
        steps = len(self.data[grad_key("rnn_tanh")][-1])
        power = MathTex(rf"{peak:.3g}^{{{steps}}} = {number_to_tex(peak ** steps)}",
                        font_size=SIZES.body * 1.2, color=PALETTE.sigmoid)
        power.next_to(peak_label, UP, buff=0.6, aligned_edge=LEFT)
        power_note = get_caption(f"over {steps} steps, at most", SIZES.small)
        power_note.next_to(power, UP, buff=0.15, aligned_edge=LEFT)
        with self.narrate("Each step back multiplies the gradient by the activation's "
                          "slope."):
            self.play(FadeIn(heading), Create(axes))
            self.play(*(Create(c) for c in curves.values()),
                      *(FadeIn(label) for label in labels), run_time=TIMING.slow)
        with self.narrate(
                f"The sigmoid's slope is at most {number_to_words(peak, 3)}: over {steps} "
                f"steps, at most {number_to_words(peak ** steps, 3)}. Tanh's reaches "
                f"{number_to_words(slopes['tanh'].max(), 3)}; ReLU's is "
                f"{number_to_words(slopes['relu'].max(), 3)} for positive inputs."):
            self.play(Create(mark), Write(peak_label))
            self.play(FadeIn(power_note), Write(power))
            self.play(Indicate(labels[1], color=PALETTE.accent),
                      Indicate(labels[2], color=PALETTE.accent))
        self.wait(TIMING.pause)
        self.play(FadeOut(VGroup(heading, axes, *curves.values(), labels, mark, peak_label,
                                 power, power_note)),
                  run_time=TIMING.fast)

    def measure_the_activations(self):
        self.next_section("Measured")
        models = ("rnn_sigmoid", "rnn_tanh", "rnn_relu")
        ratios = np.array([gradient_ratio(self.data[grad_key(m)][-1]) for m in models])
        lo, _, _ = exponent_range(ratios)
        heading = get_heading("Measured: gradient at the first word, over the last")
        chart = GradientChart(ratios, 10.0**lo, max(1.0, ratios.max()), width=7.5,
                                   height=3.9).shift(DOWN * 0.1)
        names = VGroup(*(
            get_text(MODEL_NAMES[m], SIZES.label, PALETTE.model(m))
            .next_to(bar, DOWN, buff=0.2).set_y(chart.get_bottom()[1] - 0.3)
            for m, bar in zip(models, chart.bars, strict=True)))
        scores = VGroup(*(
            get_text(f"accuracy {percent_to_text(self.accuracy(m))}", SIZES.small, PALETTE.muted)
            .next_to(name, DOWN, buff=0.12) for m, name in zip(models, names, strict=True)))
        values = VGroup(*(
            MathTex(number_to_tex(r), font_size=SIZES.label * 1.3, color=PALETTE.text)
            .next_to(bar, UP, buff=0.12) for r, bar in zip(ratios, chart.bars, strict=True)))
        with self.narrate(
                "We trained all three; each bar is the first word's gradient relative to the "
                f"last word's. {self.judge_the_activations(models, ratios)}"):
            self.play(FadeIn(heading), FadeIn(chart.axis))
            self.play(LaggedStart(*(GrowFromEdge(b, DOWN) for b in chart.bars),
                                  lag_ratio=0.3), FadeIn(names))
            self.play(LaggedStart(*(FadeIn(v) for v in values), lag_ratio=0.3))
        accuracies = [self.accuracy(m) for m in models]
        chance = 1 / len(self.data.vocab["recall"]["classes"])
        with self.narrate(f"All three scored between {percent_to_words(min(accuracies))} and "
                          f"{percent_to_words(max(accuracies))} percent; chance is "
                          f"{percent_to_words(chance)}."):
            self.play(LaggedStart(*(FadeIn(s) for s in scores), lag_ratio=0.3))
        self.wait(TIMING.pause)
        self.play(FadeOut(VGroup(heading, chart, names, scores, values)),
                  run_time=TIMING.fast)

    def start_at_the_identity(self):
        self.next_section("Identity initialisation")
        trained = self.data[param_key("irnn", "weight_hh_l0")]
        size = trained.shape[0]
        scale = max(1.0, float(np.abs(trained).max()))
        heading = get_heading("2. Start the recurrent weights at the identity")
        cite = get_caption("Le, Jaitly & Hinton 2015: the IRNN", SIZES.label)
        cite.next_to(heading, DOWN, buff=0.2)
        cell = 3.6 / size
        start = get_heatmap(np.eye(size), cell=cell, scale=scale).move_to(LEFT * 3.3 + DOWN * 0.5)
        end = get_heatmap(trained, cell=cell, scale=scale).move_to(RIGHT * 3.3 + DOWN * 0.5)
        frames = VGroup(*(SurroundingRectangle(m, color=PALETTE.weight_h, buff=0.04,
                                               stroke_width=3) for m in (start, end)))
        start_label = get_text("at the start: identity, biases zero", SIZES.small)
        start_label.next_to(frames[0], DOWN, buff=0.2)
        end_label = get_text("after training", SIZES.small).next_to(frames[1], DOWN, buff=0.2)
        arrow = Arrow(frames[0].get_right(), frames[1].get_left(), color=PALETTE.muted)
        diagonal = float(np.diag(trained).mean())
        with self.narrate("The second fix, from Le, Jaitly and Hinton: identity recurrent "
                          "weights, zero biases, and ReLU."):
            self.play(FadeIn(heading), FadeIn(cite))
            self.play(FadeIn(start), Create(frames[0]), FadeIn(start_label))
        kept = ("still averages" if self.findings.identity_kept().holds else
                 "averages")
        moved = "" if self.findings.identity_kept().holds else ": training moved it from one"
        with self.narrate("Each step then copies the hidden state forward, so the gradient "
                          "flows back multiplied by one. After training, the "
                          f"diagonal {kept} {number_to_words(diagonal, 3)}{moved}."):
            self.play(GrowArrow(arrow))
            self.play(FadeIn(end), Create(frames[1]), FadeIn(end_label))
        self.wait(TIMING.pause)
        self.play(FadeOut(VGroup(heading, cite, start, end, frames, start_label, end_label,
                                 arrow)),
                  run_time=TIMING.fast)

    def compare_the_flow(self):
        self.next_section("Gradient flow")
        models = ("rnn_tanh", "irnn")
        norms = {m: self.data[grad_key(m)] for m in models}
        steps = self.data[grad_key("irnn", "step")]
        length = norms["irnn"].shape[1]
        t = np.arange(1, length + 1)
        scaled = {m: relative_to_last(n) for m, n in norms.items()}  # each over its last
        lo, hi, every = exponent_range(np.concatenate([scaled[m][[0, -1]].ravel()
                                                        for m in models]))
        heading = get_heading("The gradient reaching each word")
        chart = ExponentChart(length, lo, hi, every, width=8.4, height=4.6,
                              x_label="word", y_label="gradient, relative")
        chart.move_to(LEFT * 1.0 + DOWN * 0.45)
        axes = chart.axes

        def get_snapshot(s: int) -> VGroup:
            # an exact zero sits on the axis's floor: a log scale has no place for it
            curves = VGroup(*(get_polyline(axes, t, np.log10(np.maximum(scaled[m][s],
                                                                        10.0**lo)) - lo,
                                           PALETTE.model(m)) for m in models))
            at = max(0, length // 8)
            values = {m: max(scaled[m][s][at], 10.0**lo) for m in models}
            labels = VGroup(*(
                get_text(MODEL_NAMES[m], SIZES.label, PALETTE.model(m))
                .next_to(axes.value_to_point(t[at], values[m]),
                         UP if values[m] >= max(values.values()) else DOWN, buff=0.3)
                for m in models))
            return VGroup(curves, labels)

        when = [get_caption(f"training step {int(steps[s])}, each curve over its last word",
                            SIZES.label, PALETTE.accent)
                .next_to(heading, DOWN, buff=0.2) for s in (0, -1)]
        start, end = get_snapshot(0), get_snapshot(-1)
        first = {m: share_to_words(scaled[m][0][0], digits=3) for m in models}
        with self.narrate(
                f"At the start, the tanh RNN's first-word gradient is {first['rnn_tanh']}; "
                f"the IRNN's is {first['irnn']}."):
            self.play(FadeIn(heading), FadeIn(chart), FadeIn(when[0]))
            self.play(Create(start[0]), FadeIn(start[1]), run_time=TIMING.slow)
        acc = {m: percent_to_words(self.accuracy(m)) for m in models}
        tags = VGroup(*(get_text(f"accuracy {acc[m]}%", SIZES.label, PALETTE.model(m))
                        .next_to(label, RIGHT, buff=0.3)
                        for m, label in zip(models, end[1], strict=True)))
        with self.narrate(f"After training, {self.judge_the_flow(scaled, acc)}"):
            self.play(Transform(start, end), Transform(when[0], when[1]),
                      run_time=TIMING.slow)
            self.play(FadeIn(tags))
        self.wait(TIMING.pause)
        self.play(FadeOut(VGroup(heading, chart, start, when[0], tags)),
                  run_time=TIMING.fast)

    def tease_the_gates(self):
        self.next_section("Gates")
        heading = get_heading("3. Use gates")
        cell = LstmCell().move_to(LEFT * 2.3 + DOWN * 0.3)
        models = ("lstm", "gru", "rnn_tanh")
        scores = VGroup(*(
            VGroup(get_text(MODEL_NAMES[m], SIZES.body, PALETTE.model(m)),
                   get_text(percent_to_text(self.accuracy(m)), SIZES.body))
            .arrange(RIGHT, buff=0.4) for m in models))
        scores.arrange(DOWN, aligned_edge=LEFT, buff=0.45).move_to(RIGHT * 4.95 + DOWN * 0.3)
        caption = get_caption("accuracy on the same task", SIZES.small)
        caption.next_to(scores, UP, buff=0.4)
        lstm, gru = (percent_to_words(self.accuracy(m)) for m in ("lstm", "gru"))
        with self.narrate("The third fix changes the cell: gates that selectively add or "
                          "remove information, as in LSTMs and GRUs."):
            self.play(FadeIn(heading), FadeIn(cell))
            self.play(Indicate(VGroup(*(cell.parts[gate] for gate in (
                "forget_gate", "input_gate", "output_gate"))),
                               color=PALETTE.accent))
        with self.narrate(self.judge_the_gates(lstm, gru)):
            self.play(FadeIn(caption), LaggedStart(*(FadeIn(s) for s in scores),
                                                   lag_ratio=0.3))
        self.wait(TIMING.pause)
        self.play(FadeOut(VGroup(heading, cell, scores, caption)),
                  run_time=TIMING.fast)

    def judge_the_activations(self, models, ratios) -> str:
        """Which activation kept the most of the gradient, and whether ReLU helped."""
        if ratios.max() == 0:
            return ("None of them kept any: every first-word gradient underflowed to exactly "
                    "zero.")
        best = models[int(np.argmax(ratios))]
        kept = f"The {MODEL_NAMES[best]} kept the most: {number_to_words(ratios.max(), 3)}."
        zeros = [MODEL_NAMES[m] for m, r in zip(models, ratios, strict=True) if r == 0]
        if zeros:
            kept += (f" The {' and the '.join(zeros)}: exactly zero, nothing at all reaches "
                     "the first word.")
        if best != "rnn_relu":
            return f"{kept} ReLU alone did not help here."
        if self.findings.relu_helped().holds:
            return f"{kept} More than ten times the others: here ReLU helped."
        return f"{kept} But less than ten times the others: not a clear win."

    def judge_the_flow(self, scaled, acc) -> str:
        """The tanh RNN and the IRNN after training: who kept the gradient, who learned."""
        found = self.findings
        tanh = found.flow("rnn_tanh")
        if tanh == "vanishes":
            still = "still " if found.vanishes("rnn_tanh", snapshot=0).holds else ""
            said = f"tanh {still}keeps almost nothing"
        else:
            said = f"tanh keeps {share_to_words(scaled['rnn_tanh'][-1][0], digits=3)}"
        said += f", scoring {acc['rnn_tanh']} percent; "
        irnn = found.flow("irnn")
        if irnn == "grows":
            said += "the IRNN's gradient even grows toward the first word"
        elif irnn == "kept":
            said += "the IRNN's gradient stays alive"
        else:
            said += ("the IRNN's gradient vanishes too: identity initialisation did not save "
                     "it in this run")
        return f"{said}, scoring {acc['irnn']} percent."

    def judge_the_gates(self, lstm: str, gru: str) -> str:
        """The gated cells' accuracy, and whether it makes them the fix in this run."""
        solved = {m: self.findings.solved(m).holds for m in ("lstm", "gru")}
        if all(solved.values()):
            return (f"Both reach {lstm} percent on the same task." if lstm == gru else
                    f"They reach {lstm} and {gru} percent on the same task.")
        if not any(solved.values()):
            return (f"In this run they reach only {lstm} and {gru} percent on the same task: "
                    "the gates alone did not solve it. The next two parts show why.")
        good, bad = ("lstm", "gru") if solved["lstm"] else ("gru", "lstm")
        score = {"lstm": lstm, "gru": gru}
        return (f"In this run the {MODEL_NAMES[good]} reaches {score[good]} percent on the "
                f"same task, the {MODEL_NAMES[bad]} only {score[bad]}.")

