"""Act 7: three fixes for the vanishing gradient: activations, identity start, gates."""

from manim import *

from bundle.contract import ACTIVATIONS, activation_key, grad_key, param_key
from scenes.acts import act_named
from scenes.lecture_scene import LectureScene
from scenes.mobjects import (
    ExponentChart,
    GradientChart,
    LstmCell,
    fit_width,
    get_caption,
    get_heading,
    get_heatmap,
    get_polyline,
    get_text,
)
from scenes.story.acts.act07_fixes import ACTIVATION_MODELS, FIXES, GATED
from scenes.story.findings import relative_to_last
from scenes.story.names import MODEL_NAMES
from scenes.story.numbers import decades, exponent_range, log_levels
from scenes.theme import LAYOUT, PALETTE, SIZES, TIMING


def get_curve_labels(axes, x: float, levels: dict[str, float]) -> VGroup:
    """The models' names at ``x``, each by its curve (``levels``: its height there): the
    highest above its curve, the others below theirs, unless that would put a name under the
    x axis (a curve on the floor, or two curves at one height): then above the names
    already placed. In the order of ``levels``."""
    placed = {}
    for m in sorted(levels, key=levels.get, reverse=True):
        label = get_text(MODEL_NAMES[m], SIZES.label, PALETTE.model(m))
        point = axes.c2p(x, levels[m])
        if placed:
            label.next_to(point, DOWN, buff=0.3)
            if label.get_bottom()[1] < axes.c2p(x, 0)[1] + 0.05:
                label.next_to(VGroup(*placed.values()), UP, buff=0.15)
        else:
            label.next_to(point, UP, buff=0.3)
        placed[m] = label
    return VGroup(*(placed[m] for m in levels))


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

    def list_the_fixes(self):
        self.next_section("Three fixes")
        heading = get_heading(self.script["heading.fixes"])
        size = SIZES.body * 1.3
        items = VGroup(*(get_text(self.script[f"fix[{i}]"], size)
                         for i in range(len(FIXES))))
        items.arrange(DOWN, aligned_edge=LEFT, buff=0.8)
        numerals = VGroup(*(get_text(f"{i + 1}.", size).next_to(item, LEFT, buff=0.3)
                            for i, item in enumerate(items)))  # the list's own numbering
        fixes = VGroup(*(VGroup(n, item) for n, item in zip(numerals, items, strict=True)))
        fit_width(fixes).move_to([0, (heading.get_bottom()[1] + LAYOUT.bottom) / 2, 0])
        with self.narrate("fixes"):
            self.play(FadeIn(heading))
            self.play(LaggedStart(*(FadeIn(f, shift=RIGHT * 0.2) for f in fixes),
                                  lag_ratio=0.6))
        self.play(FadeOut(VGroup(heading, fixes)), run_time=TIMING.fast)

    def compare_the_slopes(self):
        self.next_section("Activation slopes")
        x = self.data[activation_key("x")]
        slopes = {name: self.data[activation_key(f"d_{name}")] for name in ACTIVATIONS}
        top = max(float(s.max()) for s in slopes.values())
        heading = get_heading(self.script["heading.slopes"])
        # the chart fills the left of the frame below the heading; the sigmoid's bound takes
        # the column to its right
        width, height = 7.6, 5.5
        axes = Axes(x_range=[float(x.min()), float(x.max()), 2], y_range=[0, 1.2 * top, 0.25],
                    x_length=width, y_length=height, tips=False,
                    axis_config={"color": PALETTE.muted, "font_size": SIZES.label},
                    x_axis_config={"include_numbers": True})
        axes.shift([LAYOUT.left + 0.5, LAYOUT.bottom + 0.55, 0] - axes.c2p(x.min(), 0))
        one = MathTex("1", font_size=SIZES.label * 1.3, color=PALETTE.muted)
        one.next_to(axes.c2p(x.min(), 1.0), LEFT, buff=0.15)
        axes.add(one, DashedLine(axes.c2p(x.min(), 1.0), axes.c2p(x.max(), 1.0),
                                 color=PALETTE.muted, stroke_width=1.5))
        curves = {name: get_polyline(axes, x, s, getattr(PALETTE, name))
                  for name, s in slopes.items()}
        peak = float(slopes["sigmoid"].max())
        at = float(x[np.argmax(slopes["sigmoid"])])
        labels = VGroup(
            get_text(self.script["label.sigmoid"], SIZES.label, PALETTE.sigmoid)
            .next_to(axes.c2p(at, peak), UP, buff=0.2).shift(LEFT * 2.2 * width / 7.4),
            get_text(self.script["label.tanh"], SIZES.label, PALETTE.tanh)
            .next_to(axes.c2p(x.min() * 0.3, 0.75 * top), LEFT, buff=0.1),
            get_text(self.script["label.relu"], SIZES.label, PALETTE.relu)
            .next_to(axes.c2p(x.max(), float(slopes["relu"][-1])), UP, buff=0.15,
                     aligned_edge=RIGHT))
        mark = DashedLine(axes.c2p(x.min(), peak), axes.c2p(x.max(), peak),
                          color=PALETTE.sigmoid, stroke_width=2)
        peak_label = MathTex(self.script["peak"], font_size=SIZES.equation,
                             color=PALETTE.sigmoid).next_to(mark, RIGHT, buff=0.3)
        power = MathTex(self.script["power"], font_size=SIZES.body * 1.2,
                        color=PALETTE.sigmoid)
        power.next_to(peak_label, UP, buff=0.6, aligned_edge=LEFT)
        power_note = get_caption(self.script["power.note"], SIZES.label)
        power_note.next_to(power, UP, buff=0.15, aligned_edge=LEFT)
        column, room = VGroup(peak_label, power, power_note), LAYOUT.right - mark.get_right()[0]
        if column.width > room - 0.3:  # a long product: the column shrinks, beside the mark
            column.scale((room - 0.3) / column.width, about_point=peak_label.get_left())
        with self.narrate("slopes.each"):
            self.play(FadeIn(heading), Create(axes))
            self.play(*(Create(c) for c in curves.values()),
                      *(FadeIn(label) for label in labels), run_time=TIMING.slow)
        with self.narrate("slopes.peak"):
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
        models = tuple(ACTIVATION_MODELS)
        ratios = np.array([self.findings.ratio(m) for m in models])
        lo, _, _ = exponent_range(ratios)
        heading = get_heading(self.script["heading.measured"])
        # the bars fill the frame's height between the values above them (under the heading)
        # and the names and scores below them (above the frame's margin), and its width from
        # the axis at the left edge, so the last score stays clear of the duration badge
        floor = LAYOUT.bottom + 1.1
        height = heading.get_bottom()[1] - 0.75 - floor
        chart = GradientChart(ratios, lo, max(0, decades(ratios)[1]), width=10.4, height=height)
        for tick in chart.axis:  # the powers of ten, at a size that reads on a phone
            if isinstance(tick, MathTex):
                tick.scale(SIZES.label / SIZES.small, about_edge=RIGHT)
        chart.shift([LAYOUT.left - chart.get_left()[0], floor - chart.bars.get_bottom()[1], 0])
        names = VGroup(*(
            get_text(MODEL_NAMES[m], SIZES.label, PALETTE.model(m))
            .next_to(bar, DOWN, buff=0.2).set_y(chart.get_bottom()[1] - 0.3)
            for m, bar in zip(models, chart.bars, strict=True)))
        scores = VGroup(*(
            get_text(self.script[f"score[{m}]"], SIZES.label, PALETTE.muted)
            .next_to(name, DOWN, buff=0.12) for m, name in zip(models, names, strict=True)))
        values = VGroup(*(
            MathTex(self.script[f"bar[{m}]"], font_size=SIZES.label * 1.3, color=PALETTE.text)
            .next_to(bar, UP, buff=0.12) for m, bar in zip(models, chart.bars, strict=True)))
        with self.narrate("measured"):
            self.play(FadeIn(heading), FadeIn(chart.axis))
            self.play(LaggedStart(*(GrowFromEdge(b, DOWN) for b in chart.bars),
                                  lag_ratio=0.3), FadeIn(names))
            self.play(LaggedStart(*(FadeIn(v) for v in values), lag_ratio=0.3))
        with self.narrate("scores"):
            self.play(LaggedStart(*(FadeIn(s) for s in scores), lag_ratio=0.3))
        self.wait(TIMING.pause)
        self.play(FadeOut(VGroup(heading, chart, names, scores, values)),
                  run_time=TIMING.fast)

    def start_at_the_identity(self):
        self.next_section("Identity initialisation")
        trained = self.data[param_key("irnn", "weight_hh_l0")]
        size = trained.shape[0]
        scale = max(1.0, float(np.abs(trained).max()))
        heading = get_heading(self.script["heading.identity"])
        cite = get_caption(self.script["cite"], SIZES.label)
        cite.next_to(heading, DOWN, buff=0.2)
        # two heatmaps as tall as the room between the citation and the labels under them,
        # which stay above the duration badge's corner
        start_label = get_text(self.script["label.start"], SIZES.label)
        end_label = get_text(self.script["label.end"], SIZES.label)
        top = cite.get_bottom()[1] - 0.25
        bottom = LAYOUT.badge_top + 0.05 + max(start_label.height, end_label.height) + 0.25
        side = min(top - bottom, (LAYOUT.right - LAYOUT.left - 2.6) / 2)
        cell = side / size
        y = (top + bottom) / 2
        start = get_heatmap(np.eye(size), cell=cell, scale=scale).move_to([-3.45, y, 0])
        end = get_heatmap(trained, cell=cell, scale=scale).move_to([3.45, y, 0])
        frames = VGroup(*(SurroundingRectangle(m, color=PALETTE.weight_h, buff=0.04,
                                               stroke_width=3) for m in (start, end)))
        fit_width(start_label, frames[0].width + 1.2).next_to(frames[0], DOWN, buff=0.2)
        fit_width(end_label, frames[1].width + 1.2).next_to(frames[1], DOWN, buff=0.2)
        arrow = Arrow(frames[0].get_right(), frames[1].get_left(), color=PALETTE.muted)
        with self.narrate("identity"):
            self.play(FadeIn(heading), FadeIn(cite))
            self.play(FadeIn(start), Create(frames[0]), FadeIn(start_label))
        with self.narrate("diagonal"):
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
        length = norms["irnn"].shape[1]
        t = np.arange(1, length + 1)
        scaled = {m: relative_to_last(n) for m, n in norms.items()}  # each over its last
        lo, hi, every = exponent_range(np.concatenate([scaled[m][[0, -1]].ravel()
                                                        for m in models]))
        heading = get_heading(self.script["heading.flow"])
        when = [get_caption(self.script[f"when[{s}]"], SIZES.label, PALETTE.accent)
                .next_to(heading, DOWN, buff=0.2) for s in (0, -1)]
        # the axes span the frame from the caption under the heading to just above the
        # duration badge (their numbers and name below them); the y axis's labels at the left
        top = min(w.get_bottom()[1] for w in when) - 0.45
        bottom = LAYOUT.badge_top + 0.42  # the x axis: its numbers end just above the badge
        chart = ExponentChart(length, lo, hi, every, width=11.0, height=top - bottom,
                              x_label=self.script["chart.x_label"],
                              y_label=self.script["chart.y_label"])
        axes = chart.axes
        fit_width(chart).shift([LAYOUT.left - chart.get_left()[0], bottom - axes.c2p(0, 0)[1], 0])

        def get_snapshot(s: int) -> VGroup:
            # an exact zero sits on the axis's floor: a log scale has no place for it
            curves = VGroup(*(get_polyline(axes, t, log_levels(scaled[m][s], lo, hi),
                                           PALETTE.model(m)) for m in models))
            at = max(0, length // 8)
            levels = {m: float(log_levels(scaled[m][s][at], lo, hi)) for m in models}
            return VGroup(curves, get_curve_labels(axes, t[at], levels))

        start, end = get_snapshot(0), get_snapshot(-1)
        with self.narrate("flow.start"):
            self.play(FadeIn(heading), FadeIn(chart), FadeIn(when[0]))
            self.play(Create(start[0]), FadeIn(start[1]), run_time=TIMING.slow)
        tags = VGroup(*(get_text(self.script[f"tag[{m}]"], SIZES.label, PALETTE.model(m))
                        .next_to(label, RIGHT, buff=0.3)
                        for m, label in zip(models, end[1], strict=True)))
        with self.narrate("flow.end"):
            self.play(Transform(start, end), Transform(when[0], when[1]),
                      run_time=TIMING.slow)
            self.play(FadeIn(tags))
        self.wait(TIMING.pause)
        self.play(FadeOut(VGroup(heading, chart, start, when[0], tags)),
                  run_time=TIMING.fast)

    def tease_the_gates(self):
        self.next_section("Gates")
        heading = get_heading(self.script["heading.gates"])
        models = (*GATED, "rnn_tanh")
        size = SIZES.body * 1.2
        scores = VGroup(*(
            VGroup(get_text(MODEL_NAMES[m], size, PALETTE.model(m)),
                   get_text(self.script[f"score.gates[{m}]"], size))
            .arrange(RIGHT, buff=0.4) for m in models))
        scores.arrange(DOWN, aligned_edge=LEFT, buff=0.5)
        caption = get_caption(self.script["caption.scores"], SIZES.label)
        column = VGroup(caption, scores).arrange(DOWN, buff=0.45)
        middle = (heading.get_bottom()[1] + LAYOUT.bottom) / 2
        fit_width(column, 5.0).move_to([LAYOUT.right - column.width / 2, middle, 0])
        # the cell, scaled up, fills the rest of the frame's width
        cell = LstmCell(width=5.6, height=3.8)
        room = column.get_left()[0] - 0.45 - LAYOUT.left
        cell.scale(min(room / cell.width, (heading.get_bottom()[1] - 0.3 - LAYOUT.bottom)
                       / cell.height))
        cell.move_to([LAYOUT.left + cell.width / 2, middle, 0])
        with self.narrate("gates"):
            self.play(FadeIn(heading), FadeIn(cell))
            self.play(Indicate(VGroup(*(cell.parts[gate] for gate in (
                "forget_gate", "input_gate", "output_gate"))),
                               color=PALETTE.accent))
        with self.narrate("gates.judge"):
            self.play(FadeIn(caption), LaggedStart(*(FadeIn(s) for s in scores),
                                                   lag_ratio=0.3))
        self.wait(TIMING.pause)
        self.play(FadeOut(VGroup(heading, cell, scores, caption)),
                  run_time=TIMING.fast)
