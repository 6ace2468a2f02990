"""Act 4: backpropagation through time, on an unrolled chain and on a real tanh RNN."""

from manim import *

from bundle.contract import grad_key, param_key, scalar_key
from scenes.acts import act_named
from scenes.equations import get_equation
from scenes.lecture_scene import LectureScene
from scenes.mobjects import (
    UnrolledChain,
    fit_right,
    fit_width,
    get_backward_arrows,
    get_heading,
    get_heatmap,
    get_text,
)
from scenes.story.acts.act04_bptt import STEPS, scalar_cases
from scenes.story.findings import step_factors
from scenes.theme import LAYOUT, PALETTE, SIZES, SYMBOL_COLORS, TIMING

EQUATION = SIZES.equation * 1.2  # the act's equations, big enough to read beside the chain
FACT = SIZES.body * 1.2  # the real RNN's facts, beside its heatmap
CHAIN_Y = -0.35  # the unrolled chain's cells: equations above them, the product below


class FactorStrip(VGroup):
    """One dot per step back, at height ||dL/dh_{t-1}|| / ||dL/dh_t||, against t; a dashed
    line at 1 (no change) and, when there is one, one at ``typical``. Parts: ``frame`` (axes,
    labels and the line at 1), ``dots``, ``typical`` (the typical factor's line and label,
    empty without one). The labels are the script's: ``one_label`` for the line at 1,
    ``typical_label`` for the other, ``axis_label`` under the time axis."""

    def __init__(self, norms, typical: float | None, one_label: str, typical_label: str,
                 axis_label: str, width: float = 6.0, height: float = 2.0):
        super().__init__()
        steps = len(norms)
        at, ratios = step_factors(norms)
        top = max(1.4, float(ratios.max(initial=0.0)) * 1.1)
        axes = Axes(x_range=[1, steps, steps - 1], y_range=[0, top, top],
                    x_length=width, y_length=height, tips=False,
                    axis_config={"color": PALETTE.muted, "include_ticks": False})

        def level(y: float, color: str, label: str) -> VGroup:
            line = DashedLine(axes.c2p(1, y), axes.c2p(steps, y), color=color,
                              stroke_width=2)
            return VGroup(line, get_text(label, SIZES.label, color).next_to(line, RIGHT,
                                                                           buff=0.12))

        one = level(1.0, PALETTE.muted, one_label)
        self.typical = VGroup()
        if typical is not None:
            self.typical = level(typical, PALETTE.gradient, typical_label)
            label, other = self.typical[1], one[1]
            clash = label.height + 0.05 - abs(label.get_y() - other.get_y())
            if clash > 0:  # a typical factor close to one: set its label off the other's
                label.shift((DOWN if typical < 1 else UP) * clash)
        self.dots = VGroup(*(Dot(axes.c2p(t, r), radius=0.06, color=PALETTE.gradient)
                             for t, r in zip(at, ratios, strict=True)))
        labels = VGroup(get_text(axis_label, SIZES.label, PALETTE.muted)
                        .next_to(axes.x_axis, DOWN, buff=0.12),
                        get_text("1", SIZES.label, PALETTE.muted)
                        .next_to(axes.x_axis.get_start(), DOWN, buff=0.12),
                        get_text(f"{steps}", SIZES.label, PALETTE.muted)
                        .next_to(axes.x_axis.get_end(), DOWN, buff=0.12))
        labels.add(MathTex(r"\|\partial L / \partial h_{t-1}\| \,/\, \|\partial L / "
                           r"\partial h_t\|", font_size=SIZES.label * 1.2, color=PALETTE.muted)
                   .next_to(axes.c2p(1, top), RIGHT, buff=0.15)
                   .align_to(axes.c2p(1, top), UP))
        self.frame = VGroup(axes, labels, one)
        self.add(self.frame, self.dots, self.typical)


class BackpropThroughTime(LectureScene):
    act = act_named("bptt")

    def construct(self):
        self.show_chapter_card()
        self.unroll_the_network()
        self.run_forward()
        self.sum_gradients_over_time()
        self.multiply_step_by_step()
        self.explode_or_vanish()
        self.measure_a_real_rnn()

    def unroll_the_network(self):
        self.heading = get_heading(self.script["heading"])
        # The chain fills the frame's width, less room on the right for y hat and L; drawn at
        # the default size and scaled up as a whole, so its W_h labels grow with it.
        chain = UnrolledChain(STEPS, size=1.0, gap=1.2)
        chain.scale_to_fit_width(LAYOUT.right - LAYOUT.left - 1.0)
        chain.shift([LAYOUT.left - chain.get_left()[0], CHAIN_Y - chain.cells.get_y(), 0])
        for label in chain.link_labels:  # the shared weight, named large enough to read
            label.scale(1.25, about_edge=DOWN)
        x_labels = VGroup(*(MathTex(f"x_{{{t + 1}}}", font_size=SIZES.label * 1.5,
                                    color=PALETTE.weight_x).next_to(arrow, DOWN, buff=0.08)
                            for t, arrow in enumerate(chain.inputs)))
        last = chain.cells[-1].box
        to_y = Arrow(last.get_top(), last.get_top() + UP * 1.0, buff=0.04,
                     color=PALETTE.weight_y, stroke_width=4)
        y_hat = MathTex(r"\hat{y}", font_size=SIZES.equation).next_to(to_y, UP, buff=0.08)
        w_y = MathTex("W_y", font_size=SIZES.label * 1.25, color=PALETTE.weight_y).next_to(
            to_y, LEFT, buff=0.08)
        to_loss = Arrow(y_hat.get_right(), y_hat.get_right() + RIGHT * 0.9, buff=0.1,
                        color=PALETTE.muted, stroke_width=4)
        loss = MathTex("L", font_size=SIZES.equation).next_to(to_loss, RIGHT, buff=0.1)
        self.chain, self.x_labels = chain, x_labels
        self.head = VGroup(to_y, w_y, y_hat, to_loss, loss)
        with self.narrate("unroll"):
            self.play(FadeIn(self.heading))
            self.play(LaggedStart(*(FadeIn(VGroup(c, i, x)) for c, i, x in zip(
                chain.cells, chain.inputs, x_labels, strict=True)), lag_ratio=0.25),
                Create(chain.links), FadeIn(chain.link_labels))
            self.play(GrowArrow(to_y), FadeIn(w_y), FadeIn(y_hat), GrowArrow(to_loss),
                      FadeIn(loss))
        with self.narrate("shared"):
            self.play(LaggedStart(*(Indicate(label, color=PALETTE.weight_h, scale_factor=1.6)
                                    for label in chain.link_labels), lag_ratio=0.3))

    def run_forward(self):
        self.next_section("Forward pass")
        equations = VGroup(
            get_equation(r"h_t = f(W_h h_{t-1} + W_x x_t + b)", size=EQUATION,
                         colors=SYMBOL_COLORS),
            get_equation(r"\hat{y} = f(W_y h_T + c)", size=EQUATION, colors=SYMBOL_COLORS),
        ).arrange(RIGHT, buff=1.2)
        fit_width(equations).next_to(self.heading, DOWN, buff=0.45)
        flashes = [ShowPassingFlash(link.copy().set_color(PALETTE.forward).set_stroke(width=8),
                                    time_width=0.8) for link in self.chain.links]
        with self.narrate("forward"):
            self.play(Write(equations[0]))
            self.play(LaggedStart(*flashes, lag_ratio=0.6), run_time=TIMING.slow)
            self.play(Write(equations[1]), Indicate(self.head[:3], color=PALETTE.forward))
        self.wait(TIMING.pause)
        self.play(FadeOut(equations))

    def sum_gradients_over_time(self):
        self.next_section("Gradients add up")
        chain = self.chain
        total = get_equation(r"{\partial L \over \partial W_h}", "=", r"\sum_{t=1}^{T}",
                             r"{\partial L \over \partial h_t}",
                             r"{\partial h_t \over \partial W_h}", size=EQUATION)
        total[0][-2:].set_color(PALETTE.weight_h)
        total[4][-2:].set_color(PALETTE.weight_h)
        total.next_to(self.heading, DOWN, buff=0.3)
        to_y, _, y_hat, to_loss, _ = self.head
        head_back = VGroup(
            Arrow(to_loss.get_end() + DOWN * 0.3, to_loss.get_start() + DOWN * 0.3, buff=0,
                  color=PALETTE.gradient, stroke_width=5),
            Arrow(to_y.get_end() + RIGHT * 0.3, to_y.get_start() + RIGHT * 0.3, buff=0,
                  color=PALETTE.gradient, stroke_width=5),
        )
        self.back = get_backward_arrows(chain)
        pieces = VGroup(*(label.copy() for label in chain.link_labels))
        with self.narrate("backward"):
            self.play(Write(total))
            self.play(LaggedStart(*(GrowArrow(a) for a in head_back), lag_ratio=0.5))
            self.play(LaggedStart(*(AnimationGroup(
                GrowArrow(arrow), label.animate.set_color(PALETTE.gradient))
                for arrow, label in zip(self.back[::-1], chain.link_labels[::-1],
                                        strict=True)), lag_ratio=0.5), run_time=TIMING.slow)
        with self.narrate("sum"):
            self.play(LaggedStart(*(piece.animate(path_arc=-PI / 3).scale(1.8)
                                    .set_color(PALETTE.gradient).move_to(total[2])
                                    .set_opacity(0) for piece in pieces), lag_ratio=0.25),
                      run_time=TIMING.slow * 1.5)
            self.play(Circumscribe(total[2:], color=PALETTE.gradient))
        self.remove(pieces)
        self.wait(TIMING.pause)
        self.play(FadeOut(total), FadeOut(head_back),
                  chain.link_labels.animate.set_color(PALETTE.weight_h))

    def multiply_step_by_step(self):
        self.next_section("Repeated multiplication")
        one_step = get_equation(r"{\partial h_t \over \partial h_{t-1}}", "=",
                                r"W_h", r"\, f'(h_{t-1})", size=EQUATION)
        one_step[2].set_color(PALETTE.weight_h)
        one_step.next_to(self.heading, DOWN, buff=0.3)
        tags = VGroup(*(fit_width(MathTex(r"\times W_h f'", font_size=SIZES.label * 1.2,
                                          tex_to_color_map={"W_h": PALETTE.weight_h}),
                                  link.width)
                        .next_to(arrow, DOWN, buff=0.1)
                        for arrow, link in zip(self.back, self.chain.links, strict=True)))
        all_steps = get_equation(r"{\partial h_T \over \partial h_0}", "=", r"(W_h)^T",
                                 r"\prod_{t=1}^{T} f'(h_t)")
        all_steps[2].set_color(PALETTE.weight_h)
        note = get_equation(self.script["note.repeat"], size=SIZES.body, colors=SYMBOL_COLORS)
        # the product and its note under the chain, centred on the cells, clear of the
        # frame's bottom right corner (a video player's duration badge)
        fit_width(VGroup(all_steps, note).arrange(RIGHT, buff=0.5))
        VGroup(all_steps, note).set_x(self.chain.cells.get_x()).to_edge(DOWN,
                                                                         buff=LAYOUT.margin)
        with self.narrate("one_step"):
            self.play(Write(one_step))
            self.play(LaggedStart(*(FadeIn(t, shift=DOWN * 0.1) for t in tags[::-1]),
                                  lag_ratio=0.3))
        with self.narrate("all_steps"):
            self.play(Write(all_steps), FadeIn(note))
        self.wait(TIMING.pause)
        self.play(FadeOut(VGroup(one_step, all_steps, note, tags)))

    def explode_or_vanish(self):
        self.next_section("Explode or vanish")
        weights, factors = self.data[scalar_key("w")], self.data[scalar_key("factor")]
        cases = scalar_cases(self.findings)  # "big", "small" or "one": the weight each shows
        colors = {"big": PALETTE.explode, "small": PALETTE.vanish, "one": PALETTE.muted}
        rows = VGroup(*(get_equation(self.script[f"rule.{case}"], size=EQUATION)
                        .set_color(colors[case]) for case in cases))
        rows.arrange(DOWN, buff=0.3).next_to(self.heading, DOWN, buff=0.35)
        back_steps = np.arange(len(self.back), 0, -1)  # arrow i is this many steps back
        previous = None  # the first case's tags, which the others transform
        for row, case in zip(rows, cases, strict=True):
            k = list(weights).index(cases[case])
            arrows = get_backward_arrows(self.chain, factors[k, back_steps], colors[case])
            tags = VGroup(*(fit_width(MathTex(rf"\times {factors[k, s]:.3g}",
                                              font_size=SIZES.label * 1.2, color=colors[case]),
                                      link.width).next_to(arrow, DOWN, buff=0.12)
                            for s, arrow, link in zip(back_steps, self.back, self.chain.links,
                                                      strict=True)))
            with self.narrate(f"scalar.{case}"):
                self.play(FadeIn(row))
                if previous is None:
                    self.play(LaggedStart(*(AnimationGroup(Transform(a, b), FadeIn(t))
                                            for a, b, t in zip(self.back[::-1], arrows[::-1],
                                                               tags[::-1], strict=True)),
                                          lag_ratio=0.4), run_time=TIMING.slow)
                else:
                    self.play(LaggedStart(*(AnimationGroup(Transform(a, b), Transform(t, u))
                                            for a, b, t, u in zip(
                                                self.back[::-1], arrows[::-1],
                                                previous[::-1], tags[::-1], strict=True)),
                                          lag_ratio=0.4), run_time=TIMING.slow)
            if previous is None:
                previous = tags
        self.back.add(previous)
        self.wait(TIMING.pause)
        self.play(FadeOut(VGroup(rows, self.chain, self.x_labels, self.head, self.back,
                                 self.heading)))

    def measure_a_real_rnn(self):
        self.next_section("A real RNN")
        w_h = self.data[param_key("rnn_tanh", "weight_hh_l0")]
        norms = self.data[grad_key("rnn_tanh")][-1]
        script = self.script
        heading = get_heading(script["heading.real"])
        # Two columns under the heading: W_h's heatmap, as tall as the frame allows, on the
        # left; the facts, the factor strip and the result on the right.
        top = heading.get_bottom()[1] - 0.35
        heatmap = get_heatmap(w_h, cell=5.0 / len(w_h)).to_edge(LEFT, buff=LAYOUT.margin + 0.1)
        caption = get_equation(script["caption.wh"], size=SIZES.body, colors=SYMBOL_COLORS)
        caption.next_to(heatmap, DOWN, buff=0.25)
        VGroup(heatmap, caption).set_y((top + LAYOUT.bottom) / 2)
        facts = VGroup(
            get_equation(script["fact.stretch"], size=FACT, colors=SYMBOL_COLORS),
            get_equation(script["fact.slope"], size=FACT),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        facts.next_to(heatmap, RIGHT, buff=0.6).set_y(top - facts.height / 2)
        fit_right(facts)
        measured = "strip.typical" in script  # a run of step factors to measure
        typical = self.findings.value("rnn_tanh.typical_factor") if measured else None
        strip = FactorStrip(norms, typical, script["strip.one"],
                            script["strip.typical"] if measured else "", script["strip.axis"],
                            width=5.4, height=2.9)
        strip.next_to(facts, DOWN, buff=0.45).align_to(facts, LEFT)
        fit_right(strip)
        result = get_equation(r"{\| \partial L / \partial h_1 \| \over "
                              r"\| \partial L / \partial h_T \|}", "=",
                              script["result.value"], size=SIZES.equation)
        result[2].set_color(PALETTE.accent)
        result.next_to(strip, DOWN, buff=0.35).align_to(facts, LEFT)
        fit_right(result)
        with self.narrate("real.intro"):
            self.play(FadeIn(heading), FadeIn(heatmap), FadeIn(caption))
            self.play(FadeIn(facts[0], shift=RIGHT * 0.2))
        with self.narrate("real.steps"):
            self.play(FadeIn(facts[1], shift=RIGHT * 0.2))
            dots = [LaggedStart(*(FadeIn(d, scale=0.5) for d in strip.dots),
                                lag_ratio=0.02)] if len(strip.dots) else []  # none measured
            self.play(FadeIn(strip.frame), *dots)
            if len(strip.typical):
                self.play(Create(strip.typical[0]), FadeIn(strip.typical[1]))
        with self.narrate("real.total"):
            self.play(Write(result))
            self.play(Circumscribe(result[2], color=PALETTE.accent))
        self.wait(TIMING.pause)
        self.play(FadeOut(VGroup(heading, heatmap, caption, facts, strip, result)))
