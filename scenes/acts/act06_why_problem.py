"""Act 6, why vanishing gradients are a problem: the real gradient of a trained tanh RNN
shrinking back through time, through all of training; a product of many small factors; the
clouds sentence it cannot finish; and its bias towards short-term dependencies."""

from manim import *

from bundle.contract import SWEEP_SEQ_LEN, grad_key, probe_key, sweep_key
from scenes.acts import act_named
from scenes.lecture_scene import LectureScene
from scenes.mobjects import (
    GradientChart,
    fit_width,
    get_caption,
    get_heading,
    get_text,
    get_word,
    get_words,
    keep_in_frame,
)
from scenes.story.acts.act06_why_problem import SHOWN
from scenes.story.numbers import decades, log_fraction, log_span, percent_to_text
from scenes.theme import LAYOUT, PALETTE, SIZES, TIMING, grad_to_color

CHART_WIDTH = 11.3  # the gradient bars, the ribbon and the chain above them
CHART_SCALE = 1.45  # the bar chart is built this much smaller and scaled up: its axis grows


def get_gradient_ribbon(norms, lo: float, hi: float, width: float) -> VGroup:
    """The backward signal along an unrolled chain: one segment per step, right to left,
    thick and bright where the gradient is large, thin and dark where it is small; exact
    zeros dashed; the scale runs from 10^lo to 10^hi. ``ribbon[t]`` is step t's segment."""
    step = width / len(norms)
    ribbon = VGroup()
    for t, norm in enumerate(norms):
        start, end = [(t + 1) * step - width / 2, 0, 0], [t * step - width / 2, 0, 0]
        if norm > 0:
            frac = log_fraction(norm, lo, hi)
            ribbon.add(Line(start, end, stroke_width=1.5 + 10 * frac,
                            color=grad_to_color(norm, lo, hi)))
        else:
            ribbon.add(DashedLine(start, end, color=PALETTE.muted, stroke_width=1.5,
                                  dash_length=step / 3))
    return ribbon


def get_tiny_chain(steps: int, width: float, most: float = 0.42) -> VGroup:
    """The unrolled RNN at full length: one small cell per time step, joined by W_h; a
    cell is at most ``most`` wide, however few the steps."""
    step = width / steps
    line = Line([-width / 2, 0, 0], [width / 2, 0, 0], color=PALETTE.weight_h, stroke_width=2)
    cells = VGroup(*(Square(min(step * 0.6, most), color=PALETTE.forward, stroke_width=1.5,
                            fill_color=PALETTE.panel, fill_opacity=1)
                     .move_to([(t + 0.5) * step - width / 2, 0, 0]) for t in range(steps)))
    return VGroup(line, cells)


def get_bar_chart(norms, lo: int, hi: int, height: float) -> GradientChart:
    """The gradient bars at :data:`CHART_WIDTH` and ``height``, drawn smaller and scaled
    up by :data:`CHART_SCALE`, so the powers of ten on its axis read at 480p."""
    return GradientChart(norms, lo, hi, CHART_WIDTH / CHART_SCALE,
                         height / CHART_SCALE).scale(CHART_SCALE)


class WhyItIsAProblem(LectureScene):
    act = act_named("why_problem")

    def construct(self):
        self.show_chapter_card()
        self.load_gradients()
        self.shrink_backward()
        self.replay_training()
        self.multiply_small_numbers()
        self.finish_the_sentence()
        self.favour_short_term()

    def load_gradients(self):
        self.norms = self.data[grad_key("rnn_tanh")]  # (S, T)
        self.steps = self.data[grad_key("rnn_tanh", "step")]
        # colours and thickness run over the measured span, the axis over whole decades
        self.span, self.decades = log_span(self.norms), decades(self.norms)
        self.words = self.data.words("recall", self.data[probe_key("rnn_tanh", "tokens")])

    def shrink_backward(self):
        self.next_section("The gradient shrinks backward")
        final, script = self.norms[-1], self.script
        T = len(final)
        heading = get_heading(script["heading.back"])
        # top to bottom: the chain and its ribbon, the bars (their first and last values over
        # them), the two words under them, and the caption above the bottom right corner
        caption = get_caption(script["note.flow"], SIZES.label, PALETTE.accent)
        caption.align_to(UP * (LAYOUT.badge_top + 0.05), DOWN)
        first, last = (get_word(f'"{self.words[t]}"', CHART_WIDTH / 3, SIZES.label)
                       for t in (0, -1))
        floor = caption.get_top()[1] + 0.15 + max(first.height, last.height) + 0.2
        chain = get_tiny_chain(T, CHART_WIDTH)
        chain.move_to(UP * (heading.get_bottom()[1] - 0.3 - chain.height / 2))
        loss = VGroup(Circle(0.25, color=PALETTE.gradient, stroke_width=3),
                      MathTex("L", font_size=SIZES.label, color=PALETTE.gradient))
        ribbon = get_gradient_ribbon(final, *self.span, CHART_WIDTH)
        ribbon.next_to(chain, DOWN, buff=0.2)
        top = ribbon.get_bottom()[1] - 0.55  # room for the last bar's value over it
        self.bars_height = top - floor  # the chart's, redrawn through training
        chart = get_bar_chart(final, *self.decades, self.bars_height)
        chart.shift([LAYOUT.left - chart.get_left()[0], floor - chart.bars.get_bottom()[1], 0])
        VGroup(chain, ribbon).set_x(chart.bars.get_x())
        loss.next_to(chain, RIGHT, buff=0.15)
        bars = chart.bars
        for word, t in ((first, 0), (last, -1)):
            keep_in_frame(word.next_to(bars[t], DOWN, buff=0.2))
        first_value = MathTex(script["first_value"], font_size=SIZES.label,
                              color=PALETTE.accent).next_to(bars[0], UP, buff=0.15)
        first_value.align_to(bars[0], LEFT)
        last_value = MathTex(script["last_value"], font_size=SIZES.label,
                             color=PALETTE.accent).next_to(bars[-1], UP, buff=0.1)
        last_value.align_to(bars[-1], RIGHT)
        with self.narrate("unrolled"):
            self.play(FadeIn(heading), FadeIn(chain), FadeIn(loss), FadeIn(chart.axis))
            self.play(LaggedStart(*(AnimationGroup(Create(seg), GrowFromEdge(bar, DOWN))
                                    for seg, bar in zip(reversed(ribbon), reversed(bars),
                                                        strict=True)),
                                  lag_ratio=0.08, run_time=3 * TIMING.slow))
            self.play(FadeIn(first), FadeIn(last))
        with self.narrate("sizes"):
            self.wait_until_bookmark("last")
            self.play(FadeIn(last_value))
            self.wait_until_bookmark("first")  # the first word's gradient, as it is named
            self.play(FadeIn(first_value), Indicate(bars[0], color=PALETTE.accent,
                                                     scale_factor=1.5))
        with self.narrate("flow"):
            self.play(Write(caption))
        self.play(FadeOut(VGroup(chain, loss, ribbon, caption, first_value, last_value)))
        self.chart, self.chart_labels, self.heading = chart, VGroup(first, last), heading

    def replay_training(self):
        self.next_section("All through training")
        chart, norms, steps = self.chart, self.norms, self.steps
        heading = get_heading(self.script["heading.training"])

        # the chart rises into the room the chain leaves, the counter under its words: the
        # three centred between the heading and the bottom right corner
        top = heading.get_bottom()[1] - 0.35

        def get_counter(i: int) -> VGroup:
            counter = VGroup(
                get_text(self.script[f"counter.step[{i}]"], SIZES.body),
                get_text(self.script[f"counter.ratio[{i}]"], SIZES.body, PALETTE.accent),
            ).arrange(RIGHT, buff=0.8)
            return fit_width(counter).next_to(VGroup(chart, self.chart_labels), DOWN,
                                              buff=0.45).set_x(0)

        def get_bars(i: int) -> VGroup:
            return get_bar_chart(norms[i], *self.decades,
                                 self.bars_height).bars.move_to(chart.bars, DOWN)

        counter = get_counter(0)
        lift = min(top - chart.get_top()[1],
                   (top - chart.get_top()[1] + LAYOUT.badge_top - counter.get_bottom()[1]) / 2)
        with self.narrate("training"):
            self.play(ReplacementTransform(self.heading, heading),
                      VGroup(chart, self.chart_labels).animate.shift(UP * lift))
            counter.shift(UP * lift)
            self.play(Transform(chart.bars, get_bars(0)), FadeIn(counter))
        with self.narrate("verdict"):
            for i in range(1, len(steps)):
                new = get_counter(i)
                self.play(Transform(chart.bars, get_bars(i)), FadeOut(counter, shift=UP * 0.2),
                          FadeIn(new, shift=UP * 0.2), run_time=TIMING.normal)
                counter = new
                self.wait(TIMING.pause)
        self.play(FadeOut(VGroup(heading, chart, counter, self.chart_labels)))

    def multiply_small_numbers(self):
        self.next_section("Multiply many small numbers")
        script = self.script
        if "factors" not in script:  # no run of step factors above exact zero
            return
        heading = get_heading(script["heading.multiply"])
        # the sentence, the product with its brace and the power, spread down the frame
        size = SIZES.equation * 1.4
        per_step = fit_width(get_text(script["per_step"], SIZES.body * 1.15))
        factors = MathTex(script["product.factors"], r"\times \cdots \times",
                          script["product.first"], font_size=size, color=PALETTE.text)
        equals = MathTex(r"=", script["product.value"], font_size=size, color=PALETTE.text)
        equals[1].set_color(PALETTE.accent)
        product = fit_width(VGroup(factors, equals).arrange(RIGHT, buff=0.2))
        brace = Brace(factors, DOWN, color=PALETTE.muted)
        brace_label = get_text(script["brace"], SIZES.body,
                               PALETTE.muted).next_to(brace, DOWN, buff=0.15)
        power = fit_width(MathTex(script["power"], font_size=size, color=PALETTE.text))
        # in equal gaps between the heading and the bottom right corner
        rows = [per_step, VGroup(product, brace, brace_label), power]
        top = heading.get_bottom()[1]
        gap = (top - LAYOUT.badge_top - sum(row.height for row in rows)) / (len(rows) + 1)
        for row in rows:
            row.move_to([row.get_x(), top - gap - row.height / 2, 0])
            top = row.get_bottom()[1]
        with self.narrate("factors"):
            self.play(FadeIn(heading), FadeIn(per_step))
            self.play(Write(factors), GrowFromCenter(brace), FadeIn(brace_label))
        with self.narrate("product"):
            self.play(Write(equals))
            self.play(Write(power))
        self.play(FadeOut(VGroup(heading, per_step, product, brace, brace_label, power)))

    def finish_the_sentence(self):
        self.next_section("The clouds are dark")
        final, words, script = self.norms[-1], self.words, self.script
        classes = self.data.vocab["recall"]["classes"]
        target = int(self.data[probe_key("rnn_tanh", "target")])
        shown = [*words[:SHOWN], "...", *words[-SHOWN - 1:], "____"]
        sentence = get_words(shown, SIZES.body * 1.4).shift(UP * 1.4)
        cue, blank = sentence[0], sentence[-1]
        cue.set_color(PALETTE.accent)
        blank.set_color(PALETTE.gradient)
        answer = get_word(f"({classes[target]})", 3.0, SIZES.body, PALETTE.gradient)
        keep_in_frame(answer.next_to(blank, DOWN, buff=0.2))
        arc = CurvedArrow(blank.get_top() + UP * 0.15, cue.get_top() + UP * 0.15, angle=0.5,
                          stroke_width=5, tip_length=0.2)
        arc.set_stroke(color=[grad_to_color(final[-1], *self.span),
                              grad_to_color(final[0], *self.span)])
        arc.tip.set_color(PALETTE.muted)
        weaker = fit_width(get_text(script["note.weaker"], SIZES.body, PALETTE.accent))
        weaker.next_to(answer, DOWN, buff=0.6).set_x(0)
        accuracy = self.findings.accuracy("rnn_tanh")
        chance = self.findings.chance_of("rnn_tanh")
        scores = VGroup(*(VGroup(get_text(script[f"score.{who}"], SIZES.body, color),
                                 Rectangle(width=max(7 * value, 0.02), height=0.45,
                                           stroke_width=0, fill_color=color, fill_opacity=1),
                                 get_text(script[f"score.{who}_value"], SIZES.body, color))
                          for who, value, color in (
                              ("model", accuracy, PALETTE.rnn_tanh),
                              ("chance", chance, PALETTE.muted))))
        for row in scores:
            row.arrange(RIGHT, buff=0.25)
        scores.arrange(DOWN, aligned_edge=LEFT, buff=0.35)
        fit_width(scores)  # in the room under the note, above the bottom right corner
        scores.move_to(UP * (weaker.get_bottom()[1] + LAYOUT.badge_top) / 2)
        heading = get_heading(script["heading.sentence"])
        with self.narrate("cue"):
            self.play(FadeIn(heading), FadeIn(sentence), FadeIn(answer))
            self.play(Indicate(cue, color=PALETTE.accent))
        with self.narrate("signal"):
            self.play(Create(arc), run_time=TIMING.slow)
            self.play(FadeIn(weaker))
        with self.narrate("score"):
            self.play(LaggedStart(*(FadeIn(row, shift=RIGHT * 0.2) for row in scores),
                                  lag_ratio=0.5))
        self.play(FadeOut(VGroup(heading, sentence, answer, arc, weaker, scores)))

    def favour_short_term(self):
        self.next_section("Short-term bias")
        lengths = self.data[SWEEP_SEQ_LEN]
        accuracy = self.data[sweep_key("rnn_tanh")]
        chance = self.findings.chance_of("rnn_tanh")
        heading = get_heading(self.script["heading.lengths"])
        # The bars fill the frame under the heading: the chance label's room on the right,
        # the axis name's at the top, the lengths' and their name's under the baseline (the
        # lengths above the bottom right corner).
        chance_label = get_text(self.script["chart.chance"], SIZES.label, PALETTE.muted)
        x_label = get_text(self.script["chart.x_label"], SIZES.label, PALETTE.muted)
        y_label = get_text(self.script["chart.y_label"], SIZES.label, PALETTE.rnn_tanh)
        width = min(11.5, LAYOUT.right - LAYOUT.left - chance_label.width - 0.15)
        floor = LAYOUT.badge_top + 0.1 + get_text("0", SIZES.label).height + 0.25
        height = heading.get_bottom()[1] - 0.3 - y_label.height - 0.6 - floor
        slot = width / len(lengths)
        base = Line(LEFT * width / 2, RIGHT * width / 2, color=PALETTE.muted)
        bars, labels, values = VGroup(), VGroup(), VGroup()
        for i, (n, a) in enumerate(zip(lengths, accuracy, strict=True)):
            x = (i + 0.5) * slot - width / 2
            bar = Rectangle(width=slot * 0.6, height=max(height * float(a), 0.02),
                            stroke_width=0, fill_color=PALETTE.rnn_tanh, fill_opacity=1)
            bars.add(bar.move_to([x, 0, 0], aligned_edge=DOWN))
            labels.add(get_text(str(n), SIZES.label, PALETTE.muted).next_to([x, 0, 0], DOWN))
            values.add(get_text(percent_to_text(a), SIZES.label).next_to(bar, UP, buff=0.1))
        chance_line = DashedLine([-width / 2, height * chance, 0], [width / 2, height * chance,
                                                                    0], color=PALETTE.muted)
        chance_label.next_to(chance_line, RIGHT, buff=0.15)
        for value in values:  # a value the chance line would cross sits just above it
            if value.get_bottom()[1] - 0.05 < height * chance < value.get_top()[1] + 0.05:
                value.shift(UP * (height * chance + 0.08 - value.get_bottom()[1]))
        x_label.next_to(labels, DOWN, buff=0.2)
        y_label.next_to(base, UP, buff=height + 0.6).align_to(base, LEFT)
        chart = VGroup(base, bars, labels, values, chance_line, chance_label, x_label, y_label)
        chart.shift(UP * floor).set_x(0)
        if "lengths.base" in self.script:  # a user's own model: the sweep is not of it
            with self.narrate("lengths.base"):
                self.play(FadeIn(heading))
        with self.narrate("lengths"):
            self.play(*([] if "lengths.base" in self.script else [FadeIn(heading)]),
                      Create(base), FadeIn(labels), FadeIn(x_label), FadeIn(y_label),
                      Create(chance_line), FadeIn(chance_label))
        with self.narrate("scores"):
            self.play(LaggedStart(*(GrowFromEdge(b, DOWN) for b in bars), lag_ratio=0.3),
                      LaggedStart(*(FadeIn(v) for v in values), lag_ratio=0.3))
        self.wait(TIMING.pause)
        self.play(FadeOut(VGroup(heading, chart)))
