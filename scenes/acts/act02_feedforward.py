"""Act 2: training one sigmoid neuron, step by step, with the real numbers from autograd.
What it says and shows is its script, scenes/story/acts/act02_feedforward.py."""

from manim import *

from bundle.contract import FEEDFORWARD, feedforward_key
from scenes.acts import act_named
from scenes.equations import get_equation
from scenes.lecture_scene import LectureScene
from scenes.mobjects import fit_width, get_caption, get_heading
from scenes.story.findings import small_factors
from scenes.story.numbers import digits_to_differ, factor_to_tex, number_to_tex
from scenes.theme import LAYOUT, PALETTE, SIZES, TIMING


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class NeuronDiagram(VGroup):
    """Input x, weight w, bias b, one neuron with activation f, output y-hat.

    Parts: the shapes ``input``, ``weight``, ``neuron``, ``bias``, ``output`` and their
    symbols ``x``, ``w``, ``b``, ``y_hat``."""

    def __init__(self):
        super().__init__()
        self.input = VGroup(Circle(0.42, color=PALETTE.forward, stroke_width=3),
                            MathTex("x", font_size=SIZES.equation))
        self.input.move_to(LEFT * 3.2)
        self.neuron = VGroup(Circle(0.6, color=PALETTE.forward, stroke_width=3,
                                    fill_color=PALETTE.panel, fill_opacity=1),
                             MathTex("f", font_size=SIZES.equation))
        input_circle, neuron_circle = self.input[0], self.neuron[0]
        self.weight = Arrow(input_circle.get_right(), neuron_circle.get_left(), buff=0.05,
                            color=PALETTE.weight_x, stroke_width=4)
        self.bias = Arrow(DOWN * 1.6, neuron_circle.get_bottom(), buff=0.05,
                          color=PALETTE.weight_x, stroke_width=4)
        self.output = Arrow(neuron_circle.get_right(), RIGHT * 2.9, buff=0.05,
                            color=PALETTE.forward, stroke_width=4)
        self.w = MathTex("w", font_size=SIZES.equation, color=PALETTE.weight_x)
        self.w.next_to(self.weight, UP, buff=0.12)
        self.b = MathTex("b", font_size=SIZES.equation, color=PALETTE.weight_x)
        self.b.next_to(self.bias, LEFT, buff=0.15)
        self.y_hat = MathTex(r"\hat{y}", font_size=SIZES.equation)
        self.y_hat.next_to(self.output, RIGHT, buff=0.15)
        self.add(self.weight, self.bias, self.output, self.input, self.neuron, self.w, self.b,
                 self.y_hat)


class LossCurve(VGroup):
    """L(w) = (y_true - sigmoid(w x + b))^2 for one neuron, b held fixed, for w in
    [lo, hi]. Parts: ``axes``, ``curve``, ``labels``; ``point(w)`` is on the curve."""

    def __init__(self, x: float, b: float, y_true: float, lo: float, hi: float,
                 width: float = 5.6, height: float = 4.0):
        super().__init__()
        self.loss = lambda w: (y_true - sigmoid(w * x + b)) ** 2
        self.lo, self.top = lo, 1.15 * float(self.loss(np.linspace(lo, hi, 101)).max())
        # the axes count w from lo, so the L axis stands at the left edge, not at w = 0
        self.axes = Axes(x_range=[0, hi - lo, hi - lo], y_range=[0, self.top, self.top],
                         x_length=width, y_length=height, tips=False,
                         axis_config={"color": PALETTE.muted, "include_ticks": False})
        self.curve = self.get_path(lo, hi).set_color(PALETTE.forward)
        self.labels = VGroup(
            MathTex("w", font_size=SIZES.equation, color=PALETTE.muted)
            .next_to(self.axes.x_axis, RIGHT, buff=0.15),
            MathTex("L(w)", font_size=SIZES.equation, color=PALETTE.muted)
            .next_to(self.axes.y_axis, UP, buff=0.15))
        self.add(self.axes, self.curve, self.labels)

    def point(self, w: float, loss: float | None = None) -> np.ndarray:
        return self.axes.c2p(w - self.lo, self.loss(w) if loss is None else loss)

    def get_path(self, start: float, end: float) -> VMobject:
        path = self.axes.plot(lambda u: self.loss(u + self.lo), stroke_width=4,
                              x_range=[min(start, end) - self.lo, max(start, end) - self.lo])
        return path.reverse_points() if end < start else path

    def get_mark(self, w: float, label: str, side) -> VGroup:
        """A dashed drop from the curve to the w axis, its value beside the foot."""
        foot = self.axes.c2p(w - self.lo, 0)
        line = DashedLine(self.point(w), foot, color=PALETTE.accent, stroke_width=2)
        text = MathTex(label, font_size=SIZES.label * 1.2, color=PALETTE.accent)
        text.next_to(foot, DOWN, buff=0.12).align_to(foot, RIGHT if np.all(side == LEFT)
                                                     else LEFT)
        return VGroup(line, text)


class TrainingFeedForward(LectureScene):
    act = act_named("feedforward")

    def construct(self):
        self.ff = {name: float(self.data[feedforward_key(name)]) for name in FEEDFORWARD}
        self.show_chapter_card()
        self.show_the_network()
        self.run_the_forward_pass()
        self.compute_the_loss()
        self.apply_the_chain_rule()
        self.multiply_small_numbers()
        self.step_down_the_loss()

    def tag(self, text: str, color: str = PALETTE.accent) -> MathTex:
        return MathTex(text, font_size=SIZES.label * 1.3, color=color)

    def place_below(self, group: Mobject, buff: float = 0.0) -> Mobject:
        """Centre ``group`` in the frame below the diagram and its tags, scaled down (never
        up) to fit there: the equations of each step fill the lower part of the frame."""
        top = self.tags_bottom - 0.35 - buff
        bottom = LAYOUT.bottom
        fit_width(group)
        if group.height > top - bottom:
            group.scale_to_fit_height(top - bottom)
        return group.move_to([0, (top + bottom) / 2, 0])

    def show_the_network(self):
        ff = self.ff
        self.heading = get_heading(self.script["heading.network"])
        # the diagram spans the frame's width under the heading, and stays there while the
        # equations of the next steps fill the frame below it
        self.diagram = d = NeuronDiagram().scale(1.4)
        d.set_x(0).shift(UP * (self.heading.get_bottom()[1] - 0.3 - d.get_top()[1]))
        self.x_tag = self.tag(f"x = {number_to_tex(ff['x'], 3)}").next_to(d.input, DOWN, buff=0.2)
        self.w_tag = self.tag(f"w = {number_to_tex(ff['w'], 3)}").next_to(d.weight, DOWN,
                                                                        buff=0.15)
        self.b_tag = self.tag(f"b = {number_to_tex(ff['b'], 3)}").next_to(d.bias, RIGHT, buff=0.15)
        self.b_tag.align_to(d.bias, DOWN)
        # y-hat's tag and y-true's under it come in the next steps: room is kept for them
        self.tags_bottom = min(self.b_tag.get_bottom()[1],
                               d.y_hat.get_bottom()[1] - 0.25 - 2 * self.x_tag.height - 0.15)
        with self.narrate("network"):
            self.play(FadeIn(self.heading))
            self.play(LaggedStart(*(FadeIn(m) for m in (d.input, d.weight, d.w, d.bias, d.b,
                                                        d.neuron, d.output, d.y_hat)),
                                  lag_ratio=0.3))
            self.play(FadeIn(self.x_tag), FadeIn(self.w_tag), FadeIn(self.b_tag))

    def run_the_forward_pass(self):
        self.next_section("Forward pass")
        ff, d = self.ff, self.diagram
        lines = VGroup(
            get_equation("z", "=", r"w \cdot x + b", "=",
                         rf"{number_to_tex(ff['w'], 3)} \cdot {number_to_tex(ff['x'], 3)} + "
                         rf"{factor_to_tex(ff['b'], 3)}", "=", number_to_tex(ff["z"], 3)),
            get_equation(r"\hat{y}", "=", "f(z)", "=", rf"\sigma({number_to_tex(ff['z'], 3)})",
                         "=", number_to_tex(ff["y_hat"], 3)),
        ).arrange(DOWN, buff=0.6, aligned_edge=LEFT)
        self.place_below(lines.scale(1.15))
        self.y_tag = self.tag(rf"\hat{{y}} = {number_to_tex(ff['y_hat'], 3)}").next_to(
            d.y_hat, DOWN, buff=0.25)
        with self.narrate("forward"):
            self.play(ShowPassingFlash(d.weight.copy().set_color(PALETTE.accent),
                                       time_width=0.6), Write(lines[0]))
            self.play(Indicate(d.neuron, color=PALETTE.accent), Write(lines[1]))
            self.play(FadeIn(self.y_tag, shift=RIGHT * 0.2))
        self.wait(TIMING.pause)
        self.play(FadeOut(lines))

    def compute_the_loss(self):
        self.next_section("Loss")
        ff = self.ff
        general = get_equation(r"L", "=", r"\frac{1}{N} \sum_{i=1}^{N}",
                               r"\left(y_{\text{true},i} - \hat{y}_i\right)^2")
        ours = get_equation(r"L", "=", rf"\left({number_to_tex(ff['y_true'], 3)} - "
                            rf"{number_to_tex(ff['y_hat'], 3)}\right)^2", "=",
                            number_to_tex(ff["loss"], 3))
        note = get_caption(self.script["note.samples"], SIZES.label * 1.1)
        self.place_below(VGroup(general, ours, note).arrange(DOWN, buff=0.4).scale(1.15))
        true_tag = self.tag(rf"y_{{\text{{true}}}} = {number_to_tex(ff['y_true'], 3)}",
                            PALETTE.text).next_to(self.y_tag, DOWN, buff=0.15)
        with self.narrate("loss.general"):
            self.play(FadeIn(true_tag), Write(general))
        with self.narrate("loss.ours"):
            self.play(Write(ours), FadeIn(note))
        self.wait(TIMING.pause)
        self.play(FadeOut(VGroup(general, ours, note)))
        self.true_tag = true_tag

    def apply_the_chain_rule(self):
        self.next_section("Chain rule")
        ff, d = self.ff, self.diagram
        rule = get_equation(r"\frac{\partial L}{\partial w}", "=",
                            r"\frac{\partial L}{\partial \hat{y}}", r"\cdot",
                            r"\frac{\partial \hat{y}}{\partial z}", r"\cdot",
                            r"\frac{\partial z}{\partial w}")
        factors = [rule[2], rule[4], rule[6]]
        values = [ff["dloss_dyhat"], ff["dyhat_dz"], ff["dz_dw"]]
        product = get_equation("=", factor_to_tex(values[0], 3), r"\times",
                               number_to_tex(values[1], 3), r"\times", number_to_tex(values[2], 3),
                               "=", number_to_tex(ff["dloss_dw"], 3))
        product.set_color(PALETTE.gradient).next_to(rule, DOWN, buff=0.45)
        product.align_to(rule[1], LEFT)
        # the next step's line goes under these two: the three are laid out together
        self.small_line = self.get_small_line()
        self.small_line.next_to(VGroup(rule, product), DOWN, buff=0.5)
        self.place_below(VGroup(rule, product, self.small_line).scale(1.15))
        numbers = VGroup(product[0], product[1], product[3], product[5])
        dots = VGroup(product[2], product[4])
        total = product[6:]
        backward = [d.output, d.neuron, d.weight]
        with self.narrate("chain.rule"):
            self.play(Write(rule))
        with self.narrate("chain.links"):
            self.play(FadeIn(numbers[0]))
            for part, factor, number in zip(backward, factors, numbers[1:], strict=True):
                self.play(Indicate(part, color=PALETTE.gradient),
                          factor.animate.set_color(PALETTE.gradient),
                          FadeIn(number, shift=UP * 0.2))
        with self.narrate("chain.total"):
            self.play(FadeIn(dots), Write(total))
        self.wait(TIMING.pause)
        self.chain = VGroup(rule, numbers, dots, total)

    def get_small_line(self) -> MathTex:
        """The links below one in size, multiplied: the product in accent."""
        ff = self.ff
        small = small_factors([ff["dloss_dyhat"], ff["dyhat_dz"], ff["dz_dw"]])
        product = float(np.prod(small))
        line = get_equation(r" \times ".join(number_to_tex(v, 3) for v in small), "=",
                            number_to_tex(product, 3), colors={})
        line[-1].set_color(PALETTE.accent)
        return line

    def multiply_small_numbers(self):
        self.next_section("Small times small")
        line = self.small_line  # placed under the chain rule, with it
        with self.narrate("small"):
            self.play(Write(line))
            self.play(Circumscribe(line[-1], color=PALETTE.accent))
        self.wait(TIMING.pause)
        self.play(FadeOut(VGroup(self.chain, line, self.diagram, self.x_tag, self.w_tag,
                                 self.b_tag, self.y_tag, self.true_tag, self.heading)))

    def step_down_the_loss(self):
        self.next_section("Gradient descent step")
        ff = self.ff
        heading = get_heading(self.script["heading.descent"])
        # enough digits that a parameter the step moves reads differently after it
        dw = digits_to_differ(ff["w"], ff["w_next"], digits=3)
        db = digits_to_differ(ff["b"], ff["b_next"], digits=3)
        rules = VGroup(
            get_equation(r"w \leftarrow w - \eta \, \frac{\partial L}{\partial w}"),
            get_equation(rf"= {number_to_tex(ff['w'], dw)} - {number_to_tex(ff['lr'], 3)} "
                         rf"\times {factor_to_tex(ff['dloss_dw'], 3)} = "
                         rf"{number_to_tex(ff['w_next'], dw)}", size=SIZES.label * 1.3),
            get_equation(r"b \leftarrow b - \eta \, \frac{\partial L}{\partial b}"),
            get_equation(rf"= {number_to_tex(ff['b'], db)} - {number_to_tex(ff['lr'], 3)} "
                         rf"\times {factor_to_tex(ff['dloss_db'], 3)} = "
                         rf"{number_to_tex(ff['b_next'], db)}", size=SIZES.label * 1.3),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.55)
        # the rules fill the left half of the frame, the loss curve the right half
        middle = (heading.get_bottom()[1] - config.frame_height / 2 + LAYOUT.margin) / 2
        fit_width(rules.scale(1.2), 6.4).to_edge(LEFT, buff=LAYOUT.margin)
        eta = get_caption(self.script["note.eta"], SIZES.label * 1.1)
        VGroup(rules, eta.next_to(rules, DOWN, buff=0.6, aligned_edge=LEFT)).set_y(middle)

        w, w_next, slope = ff["w"], ff["w_next"], ff["dloss_dw"]
        half = max(0.6, 5 * abs(w_next - w))
        plot = LossCurve(ff["x"], ff["b"], ff["y_true"], w - half, w + half, width=5.7,
                         height=4.3)
        plot.to_edge(RIGHT, buff=LAYOUT.margin)
        plot.shift(UP * (heading.get_bottom()[1] - 0.3 - plot.get_top()[1]))
        # under the values marked on the w axis, clear of the player's corner badge
        held = get_caption(self.script["note.held"], SIZES.label * 1.1).next_to(
            plot.axes, DOWN, buff=0.7, aligned_edge=LEFT)
        dot = Dot(plot.point(w), radius=0.11, color=PALETTE.accent)
        ghost = dot.copy().set_opacity(0.35)
        dx = 0.45 * half
        tangent = Line(plot.point(w - dx, ff["loss"] - slope * dx),
                       plot.point(w + dx, ff["loss"] + slope * dx),
                       color=PALETTE.gradient, stroke_width=4)
        slope_tag = self.tag(rf"\text{{slope}} = {number_to_tex(slope, 3)}", PALETTE.gradient)
        slope_tag.move_to(plot.point(w + 0.4 * half, 0.7 * plot.top))
        ends = ((w, LEFT if w_next > w else RIGHT), (w_next, RIGHT if w_next > w else LEFT))
        marks = VGroup(*(plot.get_mark(v, number_to_tex(v, dw), side)  # one, if w stays
                         for v, side in ends[:1 if w_next == w else 2]))
        with self.narrate("descent.rule"):
            self.play(FadeIn(heading), Write(rules[0]), Write(rules[2]))
            self.play(Create(plot.axes), FadeIn(plot.labels), Create(plot.curve),
                      FadeIn(held))
            self.play(FadeIn(dot, scale=2), FadeIn(marks[0]))
        with self.narrate("descent.move"):
            self.play(Create(tangent), FadeIn(slope_tag))
            self.play(Write(rules[1]), Write(rules[3]), FadeIn(eta))
            self.add(ghost)
            if w_next != w:
                self.play(MoveAlongPath(dot, plot.get_path(w, w_next)), FadeIn(marks[1]),
                          run_time=TIMING.slow)
        with self.narrate("descent.result"):
            self.play(Flash(dot, color=PALETTE.accent), Circumscribe(rules[1]))
        self.wait(TIMING.pause)
        self.play(FadeOut(VGroup(heading, rules, eta, plot, held, ghost, dot, tangent,
                                 slope_tag, marks)))

