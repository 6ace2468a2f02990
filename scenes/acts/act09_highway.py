"""Act 9, the gradient highway: the cell state's additive path keeps the gradient alive, and
the real models show it: gradients, training curves and accuracy against sentence length."""

import math

from manim import *

from bundle.contract import SWEEP_MODELS, SWEEP_SEQ_LEN, gate_key, grad_key, sweep_key, train_key
from scenes.acts import act_named
from scenes.equations import get_lstm_equation
from scenes.lecture_scene import LectureScene
from scenes.mobjects import ExponentChart, LstmCell, fit_width, get_caption, get_heading, get_text
from scenes.story.findings import gradient_ratio, group_by_end, length_reach, relative_to_last
from scenes.story.names import MODEL_NAMES
from scenes.story.numbers import (
    exponent_range,
    number_to_tex,
    number_to_text,
    number_to_words,
    percent_to_text,
    percent_to_words,
)
from scenes.theme import LAYOUT, PALETTE, SIZES, TIMING, value_to_color


class AccuracyTable(VGroup):
    """Accuracy per model (rows) and sequence length (columns): each cell coloured by its
    value (cividis) and printed as a percentage. Parts: ``cells`` (``cells[r][c]``), the
    row ``names`` and the column ``heads``."""

    def __init__(self, values, rows, columns, row_colors, cell=(1.45, 0.72)):
        super().__init__()
        w, h = cell
        self.cells = VGroup()
        for r, row in enumerate(values):
            line = VGroup()
            for c, value in enumerate(row):
                box = Rectangle(width=w, height=h, stroke_color=PALETTE.background,
                                stroke_width=3, fill_color=value_to_color(value),
                                fill_opacity=1)
                ink = PALETTE.background if value > 0.6 else PALETTE.text
                line.add(VGroup(box, get_text(percent_to_text(value), SIZES.label, ink)
                                .move_to(box)).move_to([c * w, -r * h, 0]))
            self.cells.add(line)
        self.names = VGroup(*(get_text(name, SIZES.label, color).next_to(line, LEFT, buff=0.25)
                              for name, color, line in zip(rows, row_colors, self.cells,
                                                           strict=True)))
        self.heads = VGroup(*(get_text(str(n), SIZES.label, PALETTE.muted)
                              .next_to(self.cells[0][c], UP, buff=0.15)
                              for c, n in enumerate(columns)))
        self.add(self.names, self.heads, self.cells)


class GradientHighway(LectureScene):
    act = act_named("highway")

    def construct(self):
        self.show_chapter_card()
        self.open_the_highway()
        self.compare_gradients()
        self.compare_training()
        self.sweep_the_length()

    def open_the_highway(self):
        self.next_section("An additive path")
        cell = LstmCell(width=6.2, height=3.0).move_to(UP * 1.45)
        forget = float(self.data[gate_key("lstm", "forget")].mean())
        update = get_lstm_equation("update", size=SIZES.equation)
        slope = get_lstm_equation("cell_gradient", size=SIZES.equation)
        VGroup(update, slope).arrange(DOWN, buff=0.35).next_to(cell, DOWN, buff=0.35)
        value = get_text(f"trained LSTM: mean forget gate = {number_to_text(forget)}",
                         SIZES.label,
                         PALETTE.forget_gate).next_to(slope, DOWN, buff=0.3)
        line, body = cell.parts["cell_line"], cell.parts["body"]
        flow = Arrow([body.get_right()[0], line.get_y() + 0.28, 0],
                     [body.get_left()[0], line.get_y() + 0.28, 0], buff=0.1,
                     color=PALETTE.gradient, stroke_width=6,
                     max_tip_length_to_length_ratio=0.04)
        with self.narrate("Why does this help? Look at the cell state again. It is updated "
                          "by addition: the old cell state, scaled by the forget gate, plus "
                          "something new."):
            self.play(FadeIn(cell))
            self.play(Indicate(line, color=PALETTE.accent, scale_factor=1.02), Write(update))
        with self.narrate("So the gradient from one <bookmark mark='cell'/>cell state to the "
                          "one before is simply the <bookmark mark='forget'/>forget gate, plus "
                          "some indirect paths through the gates."):
            self.play(Write(slope))
            self.wait_until_bookmark("cell")  # the highway arrow, as "cell state" is said
            self.play(GrowArrow(flow))
            self.wait_until_bookmark("forget")
            self.play(Indicate(cell.parts["times_f"], color=PALETTE.forget_gate))
        with self.narrate(self.judge_the_forget_gate(forget)):
            self.play(FadeIn(value))
            self.wait_until_bookmark("highway")
            self.play(ShowPassingFlash(flow.copy().set_stroke(PALETTE.accent, 9),
                                       time_width=0.5), run_time=TIMING.slow)
        self.wait(TIMING.pause)
        self.play(FadeOut(VGroup(cell, update, slope, value, flow)))

    def compare_gradients(self):
        self.next_section("The same sentence, two models")
        rnn = self.data[grad_key("rnn_tanh")][-1]  # (T,) final weights
        lstm = self.data[grad_key("lstm", "c")][-1]
        curves = {"rnn_tanh": relative_to_last(rnn), "lstm": relative_to_last(lstm)}
        steps = len(rnn)
        lo, hi, every = exponent_range(np.concatenate(list(curves.values())), step_max=5)
        chart = ExponentChart(steps, lo, hi, every, width=10.0, height=4.4,
                              x_label="word position in the sentence",
                              y_label="gradient / its value at the last word")
        axes = chart.axes
        chart.shift(DOWN * 0.2 + RIGHT * 0.5 - axes.get_center())
        heading = get_heading(f"Gradient reaching each word, {steps}-word sentence")
        lines, labels, marks = VGroup(), VGroup(), VGroup()
        for name, curve in curves.items():
            keep = np.flatnonzero(curve > 0)
            color = PALETTE.model(name)
            logs = np.log10(curve[keep]) - lo
            lines.add(axes.plot_line_graph(keep + 1, logs, add_vertex_dots=False,
                                           line_color=color, stroke_width=5))
            first = axes.c2p(keep[0] + 1, logs[0])
            side = RIGHT if name == "rnn_tanh" else UP + RIGHT
            marks.add(VGroup(Dot(first, color=color),
                             MathTex(number_to_tex(curve[keep[0]]), font_size=SIZES.label,
                                     color=color).next_to(first, side, buff=0.15)))
            middle = keep[len(keep) // 2]
            side = DOWN + RIGHT if name == "rnn_tanh" else UP
            what = " cell state" if name == "lstm" else " hidden state"
            labels.add(get_text(MODEL_NAMES[name] + what, SIZES.label, color)
                       .next_to(axes.c2p(middle + 1, logs[len(keep) // 2]), side, buff=0.2))
        proof = (self.findings.highway().holds
                 and self.findings.vanishes("rnn_tanh").holds)
        lead = "Here is the proof" if proof else "Here is what this run measured"
        tanh_mark, lstm_mark = (mark[1] for mark in marks)
        clash = min(tanh_mark.get_top()[1], lstm_mark.get_top()[1]) - max(
            tanh_mark.get_bottom()[1], lstm_mark.get_bottom()[1]) + 0.05
        if clash > 0 and _overlap_x(tanh_mark, lstm_mark):  # first words at like heights
            lower = tanh_mark if tanh_mark.get_y() <= lstm_mark.get_y() else lstm_mark
            lower.shift(DOWN * clash)
        with self.narrate(f"{lead}, on the same {steps} word sentence. Each curve is the "
                          f"gradient reaching each word, divided by its value at the last "
                          f"word, on a log scale."):
            self.play(FadeIn(heading), FadeIn(chart))
            self.play(Create(lines[0]), FadeIn(labels[0]), run_time=TIMING.slow)
        with self.narrate(self.compare_the_curves(gradient_ratio(rnn), curves["lstm"])):
            self.play(FadeIn(marks[0]))
            self.play(Create(lines[1]), FadeIn(labels[1]), run_time=TIMING.slow)
            self.play(FadeIn(marks[1]))
        self.wait(TIMING.pause)
        self.play(FadeOut(VGroup(heading, chart, lines, labels, marks)))

    def compare_training(self):
        self.next_section("Who learns")
        curves = {m: self.data[train_key(m, "accuracy")] for m in SWEEP_MODELS}
        last = int(max(self.data[train_key(m, "step")][-1] for m in SWEEP_MODELS))
        chance = 1 / len(self.data.vocab["recall"]["classes"])
        tick = 10 ** math.floor(math.log10(last)) if last >= 10 else 1
        axes = Axes(x_range=[0, last, tick], y_range=[0, 1, 0.25], x_length=9.5, y_length=4.4,
                    tips=False, axis_config={"color": PALETTE.muted, "include_tip": False})
        axes.move_to(DOWN * 0.3 + LEFT * 0.9)
        ticks = VGroup(*(get_text(percent_to_text(y), SIZES.small, PALETTE.muted)
                         .next_to(axes.c2p(0, y), LEFT, buff=0.15) for y in (0.25, 0.5, 1.0)),
                       *(get_text(f"{x}", SIZES.small, PALETTE.muted)
                         .next_to(axes.c2p(x, 0), DOWN, buff=0.15)
                         for x in range(0, last + 1, tick)))
        ticks.add(get_caption("training step", SIZES.small).next_to(ticks[3:], DOWN, buff=0.15))
        heading = get_heading("Held-out accuracy during training")
        dashed = DashedLine(axes.c2p(0, chance), axes.c2p(last, chance), color=PALETTE.muted)
        chance_label = get_text(f"chance {percent_to_text(chance)}", SIZES.small, PALETTE.muted)
        chance_label.next_to(axes.c2p(last * 0.5, chance), DOWN, buff=0.3)
        lines = {m: axes.plot_line_graph(self.data[train_key(m, "step")], curves[m],
                                         add_vertex_dots=False, line_color=PALETTE.model(m),
                                         stroke_width=4) for m in SWEEP_MODELS}
        labels = VGroup()
        for group in group_by_end(curves):
            names = [MODEL_NAMES[m] for m in group]
            label = get_text(", ".join(names), SIZES.label,
                             t2c={n: PALETTE.model(m) for n, m in zip(names, group,
                                                                       strict=True)})
            labels.add(label.next_to(axes.c2p(last, curves[group[0]][-1]), RIGHT, buff=0.2))
        fit_width(labels, config.frame_width / 2 - LAYOUT.margin - axes.get_right()[0] - 0.2)
        for label, group in zip(labels, group_by_end(curves), strict=True):
            label.next_to(axes.c2p(last, curves[group[0]][-1]), RIGHT, buff=0.2)
        order = ("lstm", "gru", "irnn", "rnn_tanh")
        said = "; ".join(f"the <bookmark mark='{m}'/>{MODEL_NAMES[m]} ends at "
                         f"{percent_to_words(curves[m][-1])} percent" for m in order)
        gated = all(self.findings.solved(m).holds for m in ("lstm", "gru"))
        lead = "And so they learn." if gated else "Who learns?"
        with self.narrate(f"{lead} Held-out accuracy during training: {said}. "
                          f"<bookmark mark='chance'/>Chance is {percent_to_words(chance)} "
                          f"percent, the dashed line."):
            self.play(FadeIn(heading), Create(axes), FadeIn(ticks))
            for m in order:  # each model's line drawn as the narrator names it
                self.wait_until_bookmark(m)
                self.play(Create(lines[m]), run_time=TIMING.normal)
            self.wait_until_bookmark("chance")
            self.play(Create(dashed), FadeIn(chance_label))
            self.play(FadeIn(labels))
        self.wait(TIMING.pause)
        self.play(FadeOut(VGroup(heading, axes, ticks, dashed, chance_label, labels,
                                 *lines.values())))

    def sweep_the_length(self):
        self.next_section("Longer sentences")
        lengths = self.data[SWEEP_SEQ_LEN]
        models = [m for m in SWEEP_MODELS if sweep_key(m) in self.data]
        values = np.array([self.data[sweep_key(m)] for m in models])  # (models, L)
        table = AccuracyTable(values, [MODEL_NAMES[m] for m in models], lengths,
                              [PALETTE.model(m) for m in models])
        heading = get_heading("Final accuracy against sentence length")
        axis_name = get_caption("sentence length (words)", SIZES.label)
        axis_name.next_to(table.heads, UP, buff=0.25).align_to(table.cells, LEFT)
        fit_width(VGroup(table, axis_name)).move_to(DOWN * 0.4)

        def reach(row) -> str:
            found = length_reach(lengths, row)
            if found.kind == "all":
                return f"stays at 90 percent or more all the way to {found.length} words"
            if found.kind == "none":
                return "never reaches 90 percent"
            if found.kind == "up_to":
                return f"copes up to {found.length} words"
            return f"reaches 90 percent only at {_and(found.solved)} words"

        said = "; ".join(f"the {MODEL_NAMES[m]} {reach(row)}" for m, row in zip(
            models, values, strict=True))
        with self.narrate(f"Finally, train each model on longer and longer sentences: {said}."):
            self.play(FadeIn(heading), FadeIn(axis_name), FadeIn(table.heads),
                      FadeIn(table.names))
            self.play(LaggedStart(*(FadeIn(row, shift=RIGHT * 0.2) for row in table.cells),
                                  lag_ratio=0.6), run_time=TIMING.slow * 2)
            self.play(Circumscribe(VGroup(table.names[0], table.cells[0]),
                                   color=PALETTE.accent))
        self.wait(TIMING.pause)
        self.play(FadeOut(VGroup(heading, axis_name, table)))

    def judge_the_forget_gate(self, forget: float) -> str:
        """What the LSTM's forget gate means for its gradient, in this run."""
        near = self.findings.forget_near_one("lstm").holds
        highway = self.findings.highway().holds
        level = number_to_words(forget)
        if near and highway:
            return (f"In our trained LSTM the forget gate averages {level}. Close to one, so "
                    "the gradient passes almost unchanged, step after step: a "
                    "<bookmark mark='highway'/>highway back through time.")
        if near:
            return (f"In our trained LSTM the forget gate averages {level}. Close to one; but "
                    "over a long sentence even small losses <bookmark mark='highway'/>multiply, "
                    "as the next chart shows.")
        if highway:
            return (f"In our trained LSTM the forget gate averages only {level}, well below "
                    "one; still, as the next chart shows, its cell state "
                    "<bookmark mark='highway'/>carries the gradient back.")
        return (f"In this run's LSTM the forget gate averages only {level}, far from one: "
                "each step back shrinks the cell state's gradient, and the "
                "<bookmark mark='highway'/>highway leaks.")

    def compare_the_curves(self, rnn: float, lstm) -> str:
        """The tanh RNN's gradient at the first word, and the LSTM cell state's."""
        if rnn == 0:
            said = "The tanh RNN's gradient underflows to exactly zero before the first word."
        elif rnn > 1:
            said = (f"The tanh RNN's gradient grows to {number_to_words(rnn)} times its last "
                    "value at the first word.")
        else:
            said = (f"The tanh RNN's gradient shrinks to {number_to_words(rnn, about=True)} at "
                    "the first word.")
        if self.findings.highway().holds:
            low = number_to_words(float(lstm.min()))
            return f"{said} The LSTM's cell state gradient never falls below {low}."
        first = number_to_words(float(lstm[0]))
        return (f"{said} The LSTM's cell state gradient falls to {first} at the first word: "
                "it vanishes too.")


def _and(items) -> str:
    """5, 10 and 20."""
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _overlap_x(a, b) -> bool:
    return a.get_left()[0] < b.get_right()[0] and b.get_left()[0] < a.get_right()[0]
