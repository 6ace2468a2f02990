"""Act 5: one number multiplied by itself, again and again, vanishes or explodes. What it
says and shows is its script, scenes/story/acts/act05_vanish_explode.py."""

from manim import *

from bundle.contract import scalar_key
from scenes.acts import act_named
from scenes.equations import get_equation
from scenes.lecture_scene import LectureScene
from scenes.mobjects import (
    ExponentAxes,
    ExponentChart,
    UnrolledChain,
    fit_right,
    get_backward_arrows,
    get_caption,
    get_heading,
    get_text,
    spread_labels,
)
from scenes.story.acts.act05_vanish_explode import SHOWN_TERMS, first_and_last
from scenes.story.numbers import exponent_range, number_to_tex
from scenes.theme import LAYOUT, PALETTE, SIZES, SYMBOL_COLORS, TIMING

BIG_EQUATION = SIZES.equation * 1.3


def w_to_color(w: float) -> str:
    """The scalar example's weight to its role colour: below one vanishes, above explodes."""
    if np.isclose(w, 1.0):
        return PALETTE.steady
    return PALETTE.vanish if w < 1 else PALETTE.explode


def get_factor_curve(axes: ExponentAxes, factors: np.ndarray, k: float, color: str) -> VMobject:
    """The factor w^k against k, drawn from k = 0 up to a (fractional) ``k``; log-linear
    between the data points, which is exact for w^k."""
    factors = np.maximum(np.asarray(factors, dtype=float), 1e-300)
    whole = int(np.clip(np.floor(k), 0, len(factors) - 1))
    points = [axes.value_to_point(j, factors[j]) for j in range(whole + 1)]
    if whole < len(factors) - 1 and k > whole:
        frac = k - whole
        value = factors[whole] * (factors[whole + 1] / factors[whole]) ** frac
        points.append(axes.value_to_point(k, value))
    if len(points) == 1:
        points.append(points[0])
    return VMobject(stroke_color=color, stroke_width=5).set_points_as_corners(points)


def get_growing_curve(axes: ExponentAxes, factors: np.ndarray, k: ValueTracker, color: str):
    """A factor curve that follows the tracker ``k`` as it runs from 0 to K."""
    return always_redraw(lambda: get_factor_curve(axes, factors, k.get_value(), color))


class ProductRow(VGroup):
    """One weight's row: its ``label`` (``w = 0.5``), the ``terms`` (``0.5``, ``x 0.5``...)
    and ``states``, the running product after k terms, one mobject per k, all at one
    place."""

    def __init__(self, label: MathTex, terms: list[MathTex], states: list[MathTex]):
        super().__init__(label, *terms, *states)  # the states too, so the row moves as one
        self.label, self.terms, self.states = label, VGroup(*terms), states


class ProductTable(VGroup):
    """One :class:`ProductRow` per weight (``rows``), with the column heads and a rule
    (``header``): k = 1..terms, then the product."""

    def __init__(self, ws, factors: np.ndarray, terms: int, steps_head: str, product_head: str):
        super().__init__()
        size = SIZES.equation
        cells = [[MathTex(f"{w:g}" if k == 0 else rf"\times\,{w:g}", font_size=size,
                          color=w_to_color(w)) for k in range(terms)] for w in ws]
        col = max(c.width for row in cells for c in row) + 0.2
        labels = [MathTex(f"w = {w:g}", font_size=size, color=w_to_color(w)) for w in ws]
        label_w = max(label.width for label in labels)
        x0 = -(label_w + 0.3 + terms * col + 2.6) / 2 + label_w + 0.3
        self.rows = VGroup()
        for i, (row_cells, label) in enumerate(zip(cells, labels, strict=True)):
            y = -1.1 * i
            label.move_to([x0 - 0.2, y, 0], aligned_edge=RIGHT)
            for k, cell in enumerate(row_cells):
                cell.move_to([x0 + (k + 0.5) * col, y, 0])
            states = [MathTex("=", number_to_tex(factors[i, k], 5), font_size=size)
                      .move_to([x0 + terms * col + 0.15, y, 0], aligned_edge=LEFT)
                      for k in range(1, terms + 1)]
            self.rows.add(ProductRow(label, row_cells, states))
        self.header = VGroup(
            get_text(steps_head, SIZES.small, PALETTE.muted)
            .move_to([x0 - 0.2, 1.0, 0], aligned_edge=RIGHT),
            *(MathTex(str(k + 1), font_size=SIZES.body, color=PALETTE.muted)
              .move_to([x0 + (k + 0.5) * col, 1.0, 0]) for k in range(terms)),
            get_text(product_head, SIZES.small, PALETTE.muted)
            .move_to([x0 + terms * col + 0.45, 1.0, 0], aligned_edge=LEFT),
            Line([x0, 1.3, 0], [x0, -1.1 * len(ws) + 0.7, 0], color=PALETTE.muted,
                 stroke_width=2))
        self.add(self.rows, self.header)


class VanishOrExplode(LectureScene):
    act = act_named("vanish_explode")

    def construct(self):
        self.show_chapter_card()
        self.strip_to_one_number()
        self.multiply_again_and_again()
        self.draw_the_factors()
        self.back_to_the_matrix()

    def strip_to_one_number(self):
        self.next_section("One number")
        heading = get_heading(self.script["heading.one"])
        forward = get_equation("h_t", "=", "w", r"\cdot h_{t-1} + x_t", size=SIZES.equation * 1.2,
                               colors={"w": PALETTE.weight_h})
        forward.next_to(heading, DOWN, buff=0.3)
        chain = UnrolledChain(5, cell_labels=["h_{K-4}", "h_{K-3}", "h_{K-2}", "h_{K-1}",
                                                    "h_K"], weight_label="w")
        chain.remove(chain.inputs)
        chain.scale_to_fit_width(LAYOUT.right - LAYOUT.left - 0.2).next_to(forward, DOWN, buff=0.5)
        backward = VGroup(*(
            VGroup(arrow, MathTex(r"\times w", font_size=SIZES.label * 1.6,
                                  color=PALETTE.gradient).next_to(arrow, DOWN, buff=0.08))
            for arrow in reversed(get_backward_arrows(chain, angle=0.9, offset=0.1))))
        step = get_equation(r"{\partial h_t \over \partial h_{t-1}}", "=", "w",
                            size=BIG_EQUATION, colors={"w": PALETTE.weight_h})
        many = get_equation(r"{\partial h_K \over \partial h_{K-k}}", "=", "w^k",
                            size=BIG_EQUATION, colors={"w^k": PALETTE.weight_h})
        # The chain and, under it, the two derivatives side by side share the room between
        # the forward equation and the bottom right corner, in equal gaps.
        picture = VGroup(chain, backward)
        gap = (forward.get_bottom()[1] - LAYOUT.badge_top - picture.height
               - max(step.height, many.height)) / 3
        picture.shift(UP * (forward.get_bottom()[1] - gap - picture.get_top()[1]))
        for equation, side in ((step, LEFT), (many, RIGHT)):
            equation.move_to(side * 3.4).align_to(picture, DOWN).shift(DOWN * gap)
            equation.shift(DOWN * equation.height)
        with self.narrate("one.forward"):
            self.play(FadeIn(heading))
            self.play(Write(forward))
            self.play(FadeIn(chain))
        with self.narrate("one.step"):
            self.play(Create(backward[0][0]), FadeIn(backward[0][1]))
            self.play(Write(step))
        with self.narrate("one.steps"):
            self.play(LaggedStart(*(AnimationGroup(Create(arrow), FadeIn(label))
                                    for arrow, label in backward[1:]), lag_ratio=0.6))
            self.play(TransformFromCopy(step, many))
        self.wait(TIMING.pause)
        self.play(FadeOut(VGroup(heading, forward, chain, backward, step, many)),
                  run_time=TIMING.fast)

    def multiply_again_and_again(self):
        self.next_section("Multiply again and again")
        ws, factors = self.data[scalar_key("w")], self.data[scalar_key("factor")]
        terms = min(SHOWN_TERMS, factors.shape[1] - 1)
        heading = get_heading(self.script["heading.table"])
        table = ProductTable(ws, factors, terms, self.script["table.steps"],
                             self.script["table.product"])
        # as wide as the frame allows (as tall, for many weights), centred under the heading
        top = heading.get_bottom()[1] - 0.4
        table.scale_to_fit_width(LAYOUT.right - LAYOUT.left)
        if table.height > top - LAYOUT.bottom:
            table.scale_to_fit_height(top - LAYOUT.bottom)
        table.move_to([0, (top + LAYOUT.bottom) / 2, 0])
        low, high = first_and_last(self.findings)
        lo = list(ws).index(low)
        rest = [i for i in range(len(ws)) if i != lo]
        if high is not None:  # the largest weight's row next, as the narration says
            rest.remove(list(ws).index(high))
            rest.insert(0, list(ws).index(high))
        with self.narrate("row.first"):
            self.play(FadeIn(heading), FadeIn(table.header))
            shown = [self.write_row(table.rows[lo])]
        if "row.rest" in self.script:
            with self.narrate("row.rest"):
                shown += [self.write_row(table.rows[i]) for i in rest]
        self.wait(TIMING.pause)
        self.play(FadeOut(VGroup(heading, table.header,
                                 *(VGroup(row.label, row.terms) for row in table.rows),
                                 *shown)), run_time=TIMING.fast)

    def write_row(self, row: ProductRow) -> MathTex:
        """Write ``row`` term by term, its running product updating; returns the product
        left on screen."""
        self.play(FadeIn(row.label), FadeIn(row.terms[0]), FadeIn(row.states[0]),
                  run_time=TIMING.fast)
        for k in range(1, len(row.terms)):
            self.play(FadeIn(row.terms[k], shift=RIGHT * 0.1),
                      ReplacementTransform(row.states[k - 1], row.states[k]),
                      run_time=TIMING.fast)
        return row.states[-1]

    def draw_the_factors(self):
        self.next_section("The factor against k")
        ws, factors = self.data[scalar_key("w")], self.data[scalar_key("factor")]
        steps = factors.shape[1] - 1
        heading = get_heading(self.script["heading.chart"])
        labels = VGroup(*(MathTex(f"w = {w:g}", font_size=SIZES.label * 1.3,
                                  color=w_to_color(w)) for w in ws))
        ends = VGroup(*(MathTex(f"{w:g}^{{{steps}}} = {number_to_tex(row[-1])}",
                                font_size=SIZES.label * 1.15, color=PALETTE.text)
                        for row, w in zip(factors, ws, strict=True)))
        # The chart fills the frame below the heading, less the room its end labels take on
        # the right. Built at 1/scale and scaled up, so its axis numbers and names grow too.
        scale = 1.2
        room = max(m.width for m in (*labels, *ends)) + 0.25
        top, floor = heading.get_bottom()[1] - 0.3, LAYOUT.badge_top + 0.45
        probe = ExponentChart(steps, *exponent_range(factors), width=1.0, height=1.0,
                              y_label=self.script["axis.factor"])  # the names on the left
        left_room = probe.axes.c2p(0, 0)[0] - probe.get_left()[0]
        width = (LAYOUT.right - room - LAYOUT.left) / scale - left_room
        chart = ExponentChart(steps, *exponent_range(factors), width=width,
                              height=(top - floor) / scale,
                              x_label=self.script["axis.steps"],
                              y_label=self.script["axis.factor"]).scale(scale)
        origin = chart.axes.c2p(0, 0)
        chart.shift([LAYOUT.left - chart.get_left()[0], floor - origin[1], 0])
        axes = chart.axes
        k = ValueTracker(0)
        curves = VGroup(*(get_growing_curve(axes, row, k, w_to_color(w))
                          for row, w in zip(factors, ws, strict=True)))
        heads = VGroup(*(
            always_redraw(lambda curve=curve: Dot(curve.get_end(), radius=0.08,
                                                  color=curve.get_stroke_color()))
            for curve in curves))
        # each weight's name at its curve's end, its value under it; pairs pushed apart, and
        # up out of the bottom right corner
        pairs = []
        for label, end, row in zip(labels, ends, factors, strict=True):
            label.next_to(axes.value_to_point(steps, row[-1]), RIGHT, buff=0.25)
            end.next_to(label, DOWN, buff=0.12, aligned_edge=LEFT)
            pair = VGroup(label, end)
            pair.shift(UP * max(0.0, LAYOUT.badge_top + 0.1 - pair.get_bottom()[1]))
            pairs.append(pair)
        spread_labels(pairs, gap=0.15)
        for pair in pairs:
            fit_right(pair)
        with self.narrate("chart.log"):
            self.play(FadeIn(heading), FadeIn(chart))
        self.add(curves, heads)
        with self.narrate("chart.lines"):
            self.play(k.animate.set_value(steps), run_time=4, rate_func=linear)
            self.play(LaggedStart(*(FadeIn(label, shift=RIGHT * 0.1) for label in labels),
                                  lag_ratio=0.3))
        lo_i = int(np.argmin(ws))
        with self.narrate("chart.ends"):
            self.play(LaggedStart(*(Write(end) for end in ends), lag_ratio=0.4))
            self.play(Circumscribe(VGroup(labels[lo_i], ends[lo_i]), color=PALETTE.accent))
        self.wait(TIMING.pause)
        curves.clear_updaters()
        heads.clear_updaters()
        self.play(FadeOut(VGroup(heading, chart, curves, heads, labels, ends)),
                  run_time=TIMING.fast)

    def back_to_the_matrix(self):
        self.next_section("Back to W_h")
        heading = get_heading(self.script["heading.matrix"])
        product = get_equation(r"{\partial h_T \over \partial h_0}", "=", "W_h",
                               r"^T \prod_{t=1}^T f'(h_t)",
                               size=SIZES.equation * 1.5, colors=SYMBOL_COLORS)
        product.next_to(heading, DOWN, buff=0.35)
        slopes = SurroundingRectangle(product[3][1:], color=PALETTE.accent, buff=0.08)
        explode = VGroup(
            get_equation("W_h", "> 1", size=BIG_EQUATION, colors=SYMBOL_COLORS),
            get_text(self.script["rule.explode"], SIZES.body * 1.3, PALETTE.explode))
        vanish = VGroup(
            get_equation("W_h", "< 1", size=BIG_EQUATION, colors=SYMBOL_COLORS),
            get_text(self.script["rule.vanish"], SIZES.body * 1.3, PALETTE.vanish))
        for rule in (explode, vanish):
            rule.arrange(RIGHT, buff=0.6)
        rules = VGroup(explode, vanish).arrange(DOWN, aligned_edge=LEFT, buff=0.6)
        note = get_caption(self.script["note.slope"], SIZES.body)
        # the rules and the note share the room under the product, the note above the
        # bottom right corner
        rules.move_to(UP * (product.get_bottom()[1] + LAYOUT.badge_top + 0.3) / 2)
        note.next_to(rules, DOWN, buff=0.6)
        with self.narrate("matrix"):
            self.play(FadeIn(heading))
            self.play(Write(product))
        with self.narrate("matrix.rule"):
            self.play(FadeIn(explode, shift=UP * 0.2))
            self.play(FadeIn(vanish, shift=UP * 0.2))
        with self.narrate("matrix.slope"):
            self.play(Create(slopes), Write(note))
        self.wait(TIMING.pause)
        self.play(FadeOut(VGroup(heading, product, slopes, rules, note)),
                  run_time=TIMING.fast)
