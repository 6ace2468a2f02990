"""Act 9, the gradient highway: the cell state's additive path keeps the gradient alive, and
the real models show it: gradients, training curves and accuracy against sentence length."""

import math

from manim import *

from bundle.contract import SWEEP_MODELS, SWEEP_SEQ_LEN, grad_key, sweep_key, train_key
from scenes.acts import act_named
from scenes.equations import get_lstm_equation
from scenes.lecture_scene import LectureScene
from scenes.mobjects import (
    ExponentChart,
    LstmCell,
    fit_width,
    get_caption,
    get_heading,
    get_text,
    spread_labels,
)
from scenes.story.acts.act09_highway import TRAINING_ORDER
from scenes.story.findings import group_by_end, relative_to_last
from scenes.story.names import MODEL_NAMES
from scenes.story.numbers import exponent_range, log_levels, number_to_tex, percent_to_text
from scenes.theme import LAYOUT, PALETTE, SIZES, TIMING, value_to_color


class AccuracyTable(VGroup):
    """Accuracy per model (rows) and sequence length (columns): each cell coloured by its
    value (cividis) and printed as a percentage. Parts: ``cells`` (``cells[r][c]``), the
    row ``names`` and the column ``heads``; the percentages and the row names at ``size``."""

    def __init__(self, values, rows, columns, row_colors, cell=(1.45, 0.72),
                 size: float = SIZES.label):
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
                text = fit_width(get_text(percent_to_text(value), size, ink), w - 0.15)
                line.add(VGroup(box, text.move_to(box)).move_to([c * w, -r * h, 0]))
            self.cells.add(line)
        self.names = VGroup(*(get_text(name, size, color).next_to(line, LEFT, buff=0.25)
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
        # the cell, scaled up, over its equations and the forget gate's value: together they
        # fill the frame's height
        update = get_lstm_equation("update", size=SIZES.equation)
        slope = get_lstm_equation("cell_gradient", size=SIZES.equation)
        value = get_text(self.script["value.forget"], SIZES.body, PALETTE.forget_gate)
        below = VGroup(update, slope, value).arrange(DOWN, buff=0.35)
        cell = LstmCell(width=6.2, height=3.0)
        scale = min((LAYOUT.top - LAYOUT.bottom - 0.3 - 0.35 - below.height) / cell.height,
                    (LAYOUT.right - LAYOUT.left) / cell.width)
        cell.scale(scale)
        VGroup(cell, below).arrange(DOWN, buff=0.35).move_to(ORIGIN)
        line, body = cell.parts["cell_line"], cell.parts["body"]
        flow = Arrow([body.get_right()[0], line.get_y() + 0.28 * scale, 0],
                     [body.get_left()[0], line.get_y() + 0.28 * scale, 0], buff=0.1,
                     color=PALETTE.gradient, stroke_width=6,
                     max_tip_length_to_length_ratio=0.04)
        with self.narrate("cell.add"):
            self.play(FadeIn(cell))
            self.play(Indicate(line, color=PALETTE.accent, scale_factor=1.02), Write(update))
        with self.narrate("cell.slope"):
            self.play(Write(slope))
            self.wait_until_bookmark("cell")  # the highway arrow, as "cell state" is said
            self.play(GrowArrow(flow))
            self.wait_until_bookmark("forget")
            self.play(Indicate(cell.parts["times_f"], color=PALETTE.forget_gate))
        with self.narrate("cell.forget"):
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
        heading = get_heading(self.script["heading.gradient"])
        # the axes fill the frame from under the heading to just above the duration badge
        # (their numbers and name below them), from the y axis's labels at the left edge
        top, bottom = heading.get_bottom()[1] - 0.4, LAYOUT.badge_top + 0.42
        chart = ExponentChart(steps, lo, hi, every, width=11.2, height=top - bottom,
                              x_label=self.script["axis.x"], y_label=self.script["axis.y"])
        axes = chart.axes
        fit_width(chart).shift([LAYOUT.left - chart.get_left()[0], bottom - axes.c2p(0, 0)[1], 0])
        lines, labels, marks = VGroup(), VGroup(), VGroup()
        floor = axes.c2p(0, 0)[1]
        for name, curve in curves.items():
            # a log scale has no place for an exact zero: the line skips them, and a curve
            # that is zero everywhere lies along the floor
            keep = np.flatnonzero(curve > 0) if (curve > 0).any() else np.arange(steps)
            color = PALETTE.model(name)
            logs = log_levels(curve[keep], lo, hi)
            lines.add(axes.plot_line_graph(keep + 1, logs, add_vertex_dots=False,
                                           line_color=color, stroke_width=5))
            first = axes.c2p(keep[0] + 1, logs[0])
            side = RIGHT if name == "rnn_tanh" else UP + RIGHT
            marks.add(VGroup(Dot(first, color=color),
                             MathTex(number_to_tex(curve[keep[0]]), font_size=SIZES.label,
                                     color=color).next_to(first, side, buff=0.15)))
            middle = axes.c2p(keep[len(keep) // 2] + 1, logs[len(keep) // 2])
            label = get_text(self.script[f"label.{name}"], SIZES.label, color).next_to(
                middle, DOWN + RIGHT if name == "rnn_tanh" else UP, buff=0.2)
            if label.get_bottom()[1] < floor + 0.05:  # a curve along the floor: above it
                label.next_to(middle, UP + RIGHT, buff=0.2)
            if labels and _overlap_x(label, labels[0]) and _overlap_y(label, labels[0]):
                label.next_to(labels[0], UP, buff=0.15)  # two curves at one height
            labels.add(label)
        tanh_mark, lstm_mark = (mark[1] for mark in marks)
        clash = min(tanh_mark.get_top()[1], lstm_mark.get_top()[1]) - max(
            tanh_mark.get_bottom()[1], lstm_mark.get_bottom()[1]) + 0.05
        if clash > 0 and _overlap_x(tanh_mark, lstm_mark):  # first words at like heights
            lower, upper = sorted((tanh_mark, lstm_mark), key=lambda m: m.get_y())
            if lower.get_bottom()[1] - clash < floor + 0.05:  # no room below: lift the other
                upper.shift(UP * clash)
            else:
                lower.shift(DOWN * clash)
        with self.narrate("grad.lead"):
            self.play(FadeIn(heading), FadeIn(chart))
            self.play(Create(lines[0]), FadeIn(labels[0]), run_time=TIMING.slow)
        with self.narrate("grad.compare"):
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
        heading = get_heading(self.script["heading.train"])
        names = [", ".join(MODEL_NAMES[m] for m in group) for group in group_by_end(curves)]
        # the axes fill the frame: from under the heading (and the notes that will come under
        # it) to the frame's margin, less their numbers and name (the last step's number
        # above the duration badge); from their numbers at the left edge to the models' names
        # at the right
        notes_room = sum(f"train.{key}" in self.script for key in ("steps", "why")) * 0.47
        top = heading.get_bottom()[1] - notes_room - 0.45
        bottom = max(LAYOUT.bottom + 0.95,
                     LAYOUT.badge_top + 0.2 + get_text("0", SIZES.label).height)
        left = LAYOUT.left + 1.15  # the percentages at its left
        names_width = max(get_text(n, SIZES.label).width for n in names)
        width = max(8.0, LAYOUT.right - 0.25 - names_width - left)
        axes = Axes(x_range=[0, last, tick], y_range=[0, 1, 0.25], x_length=width,
                    y_length=top - bottom, tips=False,
                    axis_config={"color": PALETTE.muted, "include_tip": False})
        axes.shift([left, bottom, 0] - axes.c2p(0, 0))
        ticks = VGroup(*(get_text(percent_to_text(y), SIZES.label, PALETTE.muted)
                         .next_to(axes.c2p(0, y), LEFT, buff=0.15) for y in (0.25, 0.5, 1.0)),
                       *(get_text(f"{x}", SIZES.label, PALETTE.muted)
                         .next_to(axes.c2p(x, 0), DOWN, buff=0.15)
                         for x in range(0, last + 1, tick)))
        ticks.add(get_caption(self.script["axis.step"], SIZES.label).next_to(ticks[3:], DOWN,
                                                                           buff=0.15))
        dashed = DashedLine(axes.c2p(0, chance), axes.c2p(last, chance), color=PALETTE.muted)
        chance_label = get_text(self.script["label.chance"], SIZES.label, PALETTE.muted)
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
        fit_width(labels, LAYOUT.right - axes.get_right()[0] - 0.2)
        for label, group in zip(labels, group_by_end(curves), strict=True):
            label.next_to(axes.c2p(last, curves[group[0]][-1]), RIGHT, buff=0.2)
        spread_labels(list(labels))
        with self.narrate("train.said"):
            self.play(FadeIn(heading), Create(axes), FadeIn(ticks))
            for m in TRAINING_ORDER:  # each model's line drawn as the narrator names it
                self.wait_until_bookmark(m)
                self.play(Create(lines[m]), run_time=TIMING.normal)
            self.wait_until_bookmark("chance")
            self.play(Create(dashed), FadeIn(chance_label))
            self.play(FadeIn(labels))
        notes = VGroup()
        for key in ("steps", "why"):  # the curves that stop early; why a gated model failed
            if f"train.{key}" in self.script:
                note = get_caption(self.script[f"note.{key}"], SIZES.label)
                fit_width(note)
                note.next_to(notes if len(notes) else heading, DOWN, buff=0.15)
                notes.add(note)
                with self.narrate(f"train.{key}"):
                    self.play(FadeIn(note))
        self.wait(TIMING.pause)
        self.play(FadeOut(VGroup(heading, axes, ticks, dashed, chance_label, labels, notes,
                                 *lines.values())))

    def sweep_the_length(self):
        self.next_section("Longer sentences")
        lengths = self.data[SWEEP_SEQ_LEN]
        models = [m for m in SWEEP_MODELS if sweep_key(m) in self.data]
        values = np.array([self.data[sweep_key(m)] for m in models])  # (models, L)
        rows = [self.script[f"row.{m}"] if f"row.{m}" in self.script else MODEL_NAMES[m]
                for m in models]  # a user's model's kind: the base bundle's row
        heading = get_heading(self.script["heading.sweep"])
        base = VGroup()
        if "note.base" in self.script:  # a user's model: the sweep is the base bundle's
            base = get_caption(self.script["note.base"], SIZES.label)
            base.next_to(heading, DOWN, buff=0.15)
        # the table's cells as large as the frame allows (to a cap: a table of one column
        # stays a table), from under the heading to the duration badge's top, which its
        # bottom right cell would reach
        top, bottom = VGroup(heading, base).get_bottom()[1] - 0.3, LAYOUT.badge_top + 0.1
        colors = [PALETTE.model(m) for m in models]
        names_width = max(get_text(row, SIZES.body).width for row in rows) + 0.25
        w = min(2.0, (LAYOUT.right - LAYOUT.left - names_width) / len(lengths))
        h = min(1.0, (top - bottom - 1.1) / len(models))
        table = AccuracyTable(values, rows, lengths, colors, cell=(w, h),
                              size=SIZES.body if w >= 1.7 and h >= 0.7 else SIZES.label)
        axis_name = get_caption(self.script["axis.length"], SIZES.label)
        axis_name.next_to(table.heads, UP, buff=0.25).align_to(table.cells, LEFT)
        picture = fit_width(VGroup(table, axis_name))
        picture.move_to([0, (top + bottom) / 2, 0])
        with self.narrate("sweep.said"):
            self.play(FadeIn(heading), FadeIn(axis_name), FadeIn(table.heads),
                      FadeIn(table.names), FadeIn(base))
            self.play(LaggedStart(*(FadeIn(row, shift=RIGHT * 0.2) for row in table.cells),
                                  lag_ratio=0.6), run_time=TIMING.slow * 2)
            self.play(Circumscribe(VGroup(table.names[0], table.cells[0]),
                                   color=PALETTE.accent))
        self.wait(TIMING.pause)
        self.play(FadeOut(VGroup(heading, axis_name, table, base)))


def _overlap_x(a, b) -> bool:
    return a.get_left()[0] < b.get_right()[0] and b.get_left()[0] < a.get_right()[0]


def _overlap_y(a, b) -> bool:
    return a.get_bottom()[1] < b.get_top()[1] and b.get_bottom()[1] < a.get_top()[1]
