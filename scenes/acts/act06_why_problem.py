"""Act 6, why vanishing gradients are a problem: the real gradient of a trained tanh RNN
shrinking back through time, through all of training; a product of many small factors; the
clouds sentence it cannot finish; and its bias towards short-term dependencies."""

from manim import *

from bundle.contract import SWEEP_SEQ_LEN, grad_key, probe_key, sweep_key, train_key
from scenes.acts import act_named
from scenes.lecture_scene import LectureScene
from scenes.mobjects import (
    GradientChart,
    fit_width,
    get_caption,
    get_heading,
    get_text,
    get_words,
)
from scenes.story.findings import (
    first_failing_length,
    gradient_ratio,
    slope_change,
    telescoping_factors,
)
from scenes.story.numbers import (
    log_fraction,
    number_to_tex,
    number_to_text,
    number_to_words,
    percent_to_text,
    percent_to_words,
    share_to_words,
)
from scenes.theme import LAYOUT, PALETTE, SIZES, TIMING, grad_to_color

CHART_WIDTH, CHART_HEIGHT = 10.5, 3.0
SHOWN = 3  # words shown at each end of the probe sentence
LAST_GRADIENT = "the last word's gradient"


def get_gradient_ribbon(norms, low: float, high: float, width: float) -> VGroup:
    """The backward signal along an unrolled chain: one segment per step, right to left,
    thick and bright where the gradient is large, thin and dark where it is small; exact
    zeros dashed. ``ribbon[t]`` is step t's segment."""
    step = width / len(norms)
    ribbon = VGroup()
    for t, norm in enumerate(norms):
        start, end = [(t + 1) * step - width / 2, 0, 0], [t * step - width / 2, 0, 0]
        if norm > 0:
            frac = log_fraction(norm, low, high)
            ribbon.add(Line(start, end, stroke_width=1.5 + 10 * frac,
                            color=grad_to_color(norm, low, high)))
        else:
            ribbon.add(DashedLine(start, end, color=PALETTE.muted, stroke_width=1.5,
                                  dash_length=step / 3))
    return ribbon


def get_tiny_chain(steps: int, width: float) -> VGroup:
    """The unrolled RNN at full length: one small cell per time step, joined by W_h."""
    step = width / steps
    line = Line([-width / 2, 0, 0], [width / 2, 0, 0], color=PALETTE.weight_h, stroke_width=2)
    cells = VGroup(*(Square(step * 0.6, color=PALETTE.forward, stroke_width=1.5,
                            fill_color=PALETTE.panel, fill_opacity=1)
                     .move_to([(t + 0.5) * step - width / 2, 0, 0]) for t in range(steps)))
    return VGroup(line, cells)


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
        positive = self.norms[self.norms > 0]
        self.low, self.high = float(positive.min()), float(positive.max())
        self.words = self.data.words("recall", self.data[probe_key("rnn_tanh", "tokens")])

    def shrink_backward(self):
        self.next_section("The gradient shrinks backward")
        final = self.norms[-1]
        T = len(final)
        flow, ratio = self.findings.flow("rnn_tanh"), gradient_ratio(final)
        heading = get_heading({"vanishes": "The error travels back, and shrinks",
                               "kept": "The error travels back, and shrinks",
                               "grows": "The error travels back, and grows"}[flow])
        chain = get_tiny_chain(T, CHART_WIDTH).shift(UP * 2.25 + RIGHT * 0.4)
        loss = VGroup(Circle(0.25, color=PALETTE.gradient, stroke_width=3),
                      MathTex("L", font_size=SIZES.label, color=PALETTE.gradient))
        loss.next_to(chain, RIGHT, buff=0.15)
        ribbon = get_gradient_ribbon(final, self.low, self.high, CHART_WIDTH)
        ribbon.next_to(chain, DOWN, buff=0.2)
        chart = GradientChart(final, self.low, self.high, CHART_WIDTH, CHART_HEIGHT)
        chart.shift(DOWN * 0.75 + RIGHT * 0.4)
        bars = chart.bars
        first = get_text(f'"{self.words[0]}"', SIZES.small).next_to(bars[0], DOWN, buff=0.2)
        last = get_text(f'"{self.words[-1]}"', SIZES.small).next_to(bars[-1], DOWN, buff=0.2)
        first_value = MathTex(number_to_tex(final[0]), font_size=SIZES.small,
                              color=PALETTE.accent).next_to(bars[0], UP, buff=0.15)
        first_value.align_to(bars[0], LEFT)
        last_value = MathTex(number_to_tex(final[-1]), font_size=SIZES.small,
                             color=PALETTE.accent).next_to(bars[-1], UP, buff=0.1)
        last_value.align_to(bars[-1], RIGHT)
        caption = get_caption({
            "vanishes": "Error due to further back time steps have smaller and smaller "
                        "gradients",
            "kept": f"In this run {number_to_text(ratio)} of the last word's gradient reaches "
                    "the first",
            "grows": f"In this run the first word gets {number_to_text(ratio)} times the last "
                     "word's gradient"}[flow], SIZES.label, PALETTE.accent)
        caption.to_edge(DOWN, buff=LAYOUT.margin + 0.1)
        with self.narrate(f"The trained tanh network, unrolled over {T} words. The error "
                          f"starts at the loss, after the last word, and travels back."):
            self.play(FadeIn(heading), FadeIn(chain), FadeIn(loss), FadeIn(chart.axis))
            self.play(LaggedStart(*(AnimationGroup(Create(seg), GrowFromEdge(bar, DOWN))
                                    for seg, bar in zip(reversed(ribbon), reversed(bars),
                                                        strict=True)),
                                  lag_ratio=0.08, run_time=3 * TIMING.slow))
            self.play(FadeIn(first), FadeIn(last))
        zeros = int((final == 0).sum())
        zero_words = (f" At {zeros} steps it underflowed to exactly zero, drawn as a hollow "
                      f"stub." if zeros else "")
        with self.narrate(f"Each bar is the real gradient size, on a log scale: "
                          f"<bookmark mark='last'/>{number_to_words(final[-1])} at the last "
                          f"word, <bookmark mark='first'/>{number_to_words(final[0])} at the "
                          f"first.{zero_words}"):
            self.wait_until_bookmark("last")
            self.play(FadeIn(last_value))
            self.wait_until_bookmark("first")  # the first word's gradient, as it is named
            self.play(FadeIn(first_value), Indicate(bars[0], color=PALETTE.accent,
                                                     scale_factor=1.5))
        with self.narrate({
                "vanishes": "The error due to further back time steps has smaller and smaller "
                            "gradients.",
                "kept": f"In this run it shrinks, but not to nothing: "
                        f"{number_to_words(ratio)} of the last word's gradient reaches the "
                        "first.",
                "grows": f"In this run it grows on its way back: the first word gets "
                         f"{number_to_words(ratio)} times the last word's gradient. Growing "
                         "without bound is the exploding side of the same problem."}[flow]):
            self.play(Write(caption))
        self.play(FadeOut(VGroup(chain, loss, ribbon, caption, first_value, last_value)))
        self.chart, self.chart_labels, self.heading = chart, VGroup(first, last), heading

    def replay_training(self):
        self.next_section("All through training")
        chart, norms, steps = self.chart, self.norms, self.steps
        heading = get_heading("All through training")

        def get_counter(i: int) -> VGroup:
            ratio = gradient_ratio(norms[i])
            ratio_text = number_to_text(ratio) if ratio else "0 (underflow)"
            return VGroup(
                get_text(f"training step {steps[i]} of {steps[-1]}", SIZES.label),
                get_text(f"first word / last word = {ratio_text}", SIZES.label,
                         PALETTE.accent),
            ).arrange(RIGHT, buff=0.8).next_to(chart, DOWN, buff=0.75)

        def get_bars(i: int) -> VGroup:
            return GradientChart(norms[i], self.low, self.high, CHART_WIDTH,
                                 CHART_HEIGHT).bars.move_to(chart.bars, DOWN)

        counter = get_counter(0)
        verdict = self.judge_training([gradient_ratio(n) for n in norms])
        with self.narrate(f"Does training fix this? Here are {len(steps)} moments of "
                          f"training, from step {steps[0]} to {steps[-1]}."):
            self.play(ReplacementTransform(self.heading, heading),
                      VGroup(chart, self.chart_labels).animate.shift(UP * 0.9))
            counter.shift(UP * 0.9)
            self.play(Transform(chart.bars, get_bars(0)), FadeIn(counter))
        with self.narrate(verdict):
            for i in range(1, len(steps)):
                new = get_counter(i)
                self.play(Transform(chart.bars, get_bars(i)), FadeOut(counter, shift=UP * 0.2),
                          FadeIn(new, shift=UP * 0.2), run_time=TIMING.normal)
                counter = new
                self.wait(TIMING.pause)
        self.play(FadeOut(VGroup(heading, chart, counter, self.chart_labels)))

    def judge_training(self, ratios: list[float]) -> str:
        """What training did to the first word's share of the gradient."""
        found = self.findings
        change = slope_change(ratios)
        if found.always_vanishes("rnn_tanh").holds:
            return ({"steeper": "If anything, it gets steeper.",
                     "flatter": "It flattens a little, but stays steep.",
                     "same": "The slope hardly changes."}[change]
                    + " The first word always gets almost nothing, so the weights never learn "
                    "from it.")
        said = {"steeper": "It gets steeper.", "flatter": "It flattens.",
                "same": "The slope hardly changes."}[change]
        best = int(np.argmax(ratios))
        accuracy = percent_to_words(found.accuracy("rnn_tanh"))
        if found.vanishes("rnn_tanh").holds:
            return (f"{said} At step {self.steps[best]} the first word got "
                    f"{number_to_words(ratios[best])} of the last word's gradient, but by the "
                    f"end it gets almost nothing; the network is right {accuracy} percent of "
                    "the time.")
        learns = ("and the network learns the task" if found.solved("rnn_tanh").holds else
                  "yet the network learns the task only in part")
        return (f"{said} By the end, the first word gets "
                f"{share_to_words(ratios[-1], of=LAST_GRADIENT)}, {learns}: right "
                f"{accuracy} percent of the time.")

    def multiply_small_numbers(self):
        self.next_section("Multiply many small numbers")
        run = telescoping_factors(self.norms[-1])
        if run is None:
            return
        factors, typical = run.factors, run.typical
        count = len(factors)
        shown = " \\times ".join(number_to_tex(f) for f in factors[::-1][:4])
        small = typical < 1
        heading = get_heading("Multiply many small numbers together" if small else
                              "Multiply many factors together")
        per_step = get_text("each step back multiplies the gradient by a factor:",
                            SIZES.body).shift(UP * 1.6)
        product = MathTex(shown, r"\times \cdots \times", number_to_tex(factors[0]),
                          r"=", number_to_tex(run.product),
                          font_size=SIZES.equation, color=PALETTE.text)
        product[4].set_color(PALETTE.accent)
        brace = Brace(product[:3], DOWN, color=PALETTE.muted)
        brace_label = get_text(f"{count} factors, typically {number_to_text(typical)}",
                               SIZES.label,
                               PALETTE.muted).next_to(brace, DOWN, buff=0.15)
        power = MathTex(f"{number_to_tex(typical)}^{{{count}}}", r"\approx",
                        number_to_tex(typical ** count), font_size=SIZES.equation,
                        color=PALETTE.text).next_to(brace_label, DOWN, buff=0.6)
        why = "Why so small? " if self.findings.vanishes("rnn_tanh").holds else ""
        side = "below one" if small else "of one or more"
        with self.narrate(f"{why}Each step back multiplies the gradient by a factor {side}: "
                          f"typically {number_to_words(typical)}."):
            self.play(FadeIn(heading), FadeIn(per_step))
            self.play(Write(product[:3]), GrowFromCenter(brace), FadeIn(brace_label))
        many = (f"Multiply many small numbers together, {count} of them," if small else
                f"Multiply {count} of them together,")
        with self.narrate(f"{many} and you get {number_to_words(run.product)}."):
            self.play(Write(product[3:]))
            self.play(Write(power))
        self.play(FadeOut(VGroup(heading, per_step, product, brace, brace_label, power)))

    def finish_the_sentence(self):
        self.next_section("The clouds are dark")
        final, words = self.norms[-1], self.words
        classes = self.data.vocab["recall"]["classes"]
        target = int(self.data[probe_key("rnn_tanh", "target")])
        shown = [*words[:SHOWN], "...", *words[-SHOWN - 1:], "____"]
        sentence = get_words(shown, SIZES.body).shift(UP * 0.9)
        cue, blank = sentence[0], sentence[-1]
        cue.set_color(PALETTE.accent)
        blank.set_color(PALETTE.gradient)
        answer = get_text(f"({classes[target]})", SIZES.label, PALETTE.gradient)
        answer.next_to(blank, DOWN, buff=0.2)
        arc = CurvedArrow(blank.get_top() + UP * 0.15, cue.get_top() + UP * 0.15, angle=0.5,
                          stroke_width=5, tip_length=0.2)
        arc.set_stroke(color=[grad_to_color(final[-1], self.low, self.high),
                              grad_to_color(final[0], self.low, self.high)])
        arc.tip.set_color(PALETTE.muted)
        if 0 < final[0] < final[-1]:
            weaker = get_text(f'At "{words[0]}" the gradient is '
                              f'{number_to_text(final[-1] / final[0])} times weaker than at '
                              f'"{words[-1]}"', SIZES.label, PALETTE.accent)
            weaker_words = (f"But the signal that would teach it arrives at {words[0]} "
                            f"{number_to_words(final[-1] / final[0])} times weaker than at the "
                            "end.")
        elif final[0] > 0:
            weaker = get_text(f'At "{words[0]}" the gradient is '
                              f'{number_to_text(final[0] / final[-1])} times what it is at '
                              f'"{words[-1]}"', SIZES.label, PALETTE.accent)
            weaker_words = (f"In this run the signal that teaches it arrives at {words[0]} "
                            f"{number_to_words(final[0] / final[-1])} times as strong as at "
                            "the end.")
        else:
            weaker = get_text(f'No gradient at all reaches "{words[0]}" (exactly zero)',
                              SIZES.label, PALETTE.accent)
            weaker_words = (f"But the signal that would teach it never reaches {words[0]} at "
                            "all: it is exactly zero.")
        weaker.next_to(answer, DOWN, buff=0.5).set_x(0)
        fit_width(weaker)
        accuracy = float(self.data[train_key("rnn_tanh", "accuracy")][-1])
        chance = 1 / len(classes)
        scores = VGroup(*(VGroup(get_text(name, SIZES.label, color),
                                 Rectangle(width=max(6 * value, 0.02), height=0.3,
                                           stroke_width=0, fill_color=color, fill_opacity=1),
                                 get_text(percent_to_text(value), SIZES.label, color))
                          for name, value, color in (
                              ("tanh RNN accuracy", accuracy, PALETTE.rnn_tanh),
                              (f"chance (1 in {len(classes)})", chance, PALETTE.muted))))
        for row in scores:
            row.arrange(RIGHT, buff=0.25)
        scores.arrange(DOWN, aligned_edge=LEFT, buff=0.25).next_to(weaker, DOWN, buff=0.45)
        scores.set_x(0)
        heading = get_heading("The clouds are dark, it looks like it will ...")
        with self.narrate(f"To predict {classes[target]}, our model must remember the first "
                          f"word, {words[0]}."):
            self.play(FadeIn(heading), FadeIn(sentence), FadeIn(answer))
            self.play(Indicate(cue, color=PALETTE.accent))
        with self.narrate(weaker_words):
            self.play(Create(arc), run_time=TIMING.slow)
            self.play(FadeIn(weaker))
        with self.narrate(f"After training, it is right {percent_to_words(accuracy)} "
                          f"percent of the time; guessing gives {percent_to_words(chance)}."):
            self.play(LaggedStart(*(FadeIn(row, shift=RIGHT * 0.2) for row in scores),
                                  lag_ratio=0.5))
        self.play(FadeOut(VGroup(heading, sentence, answer, arc, weaker, scores)))

    def favour_short_term(self):
        self.next_section("Short-term bias")
        lengths = self.data[SWEEP_SEQ_LEN]
        accuracy = self.data[sweep_key("rnn_tanh")]
        chance = 1 / len(self.data.vocab["recall"]["classes"])
        bias = self.findings.short_term_bias("rnn_tanh").holds
        heading = get_heading("Biased towards short-term dependencies" if bias else
                              "Short sentences and long ones")
        width, height = 8.0, 3.6
        slot = width / len(lengths)
        base = Line(LEFT * width / 2, RIGHT * width / 2, color=PALETTE.muted)
        bars, labels, values = VGroup(), VGroup(), VGroup()
        for i, (n, a) in enumerate(zip(lengths, accuracy, strict=True)):
            x = (i + 0.5) * slot - width / 2
            bar = Rectangle(width=slot * 0.6, height=max(height * float(a), 0.02),
                            stroke_width=0, fill_color=PALETTE.rnn_tanh, fill_opacity=1)
            bars.add(bar.move_to([x, 0, 0], aligned_edge=DOWN))
            labels.add(get_text(str(n), SIZES.small, PALETTE.muted).next_to([x, 0, 0], DOWN))
            values.add(get_text(percent_to_text(a), SIZES.small).next_to(bar, UP, buff=0.1))
        chance_line = DashedLine([-width / 2, height * chance, 0], [width / 2, height * chance,
                                                                    0], color=PALETTE.muted)
        chance_label = get_text("chance", SIZES.small, PALETTE.muted)
        chance_label.next_to(chance_line, RIGHT, buff=0.15)
        x_label = get_text("words in the sentence", SIZES.small, PALETTE.muted)
        x_label.next_to(labels, DOWN, buff=0.2)
        y_label = get_text("tanh RNN accuracy", SIZES.small, PALETTE.rnn_tanh)
        y_label.next_to(base, UP, buff=height + 0.6).align_to(base, LEFT)
        chart = VGroup(base, bars, labels, values, chance_line, chance_label, x_label, y_label)
        chart.move_to(DOWN * 0.35)
        with self.narrate(self.judge_the_lengths(lengths, bias)):
            self.play(FadeIn(heading), Create(base), FadeIn(labels), FadeIn(x_label),
                      FadeIn(y_label), Create(chance_line), FadeIn(chance_label))
        with self.narrate(self.read_the_lengths(lengths, accuracy, chance)):
            self.play(LaggedStart(*(GrowFromEdge(b, DOWN) for b in bars), lag_ratio=0.3),
                      LaggedStart(*(FadeIn(v) for v in values), lag_ratio=0.3))
        self.wait(TIMING.pause)
        self.play(FadeOut(VGroup(heading, chart)))

    def judge_the_lengths(self, lengths, bias: bool) -> str:
        if bias:
            return ("So a plain RNN is biased towards short-term dependencies, and struggles "
                    "with long-term ones.")
        reach = self.findings.reach("rnn_tanh")
        if reach.kind == "all":
            return (f"In this run the plain RNN copes at every length we tried, up to "
                    f"{lengths[-1]} words: at these lengths it shows no short-term bias.")
        if reach.kind == "none":
            return (f"In this run the plain RNN learns none of the lengths we tried, not even "
                    f"{lengths[0]} words: with this training it fails short and long "
                    "sentences alike.")
        return "How does the plain RNN fare as the sentences grow longer?"

    def read_the_lengths(self, lengths, accuracy, chance: float) -> str:
        if len(lengths) == 1:
            return (f"Trained on {lengths[0]} word sentences, it scores "
                    f"{percent_to_words(accuracy[0])} percent.")
        fails_from = first_failing_length(accuracy, chance)
        if fails_from == 0:
            fail_words = " At every length, it is no better than chance."
        elif fails_from is not None:
            fail_words = f" From {lengths[fails_from]} words on, it is no better than chance."
        else:
            fail_words = ""
        return (f"Trained on {lengths[0]} word sentences, it scores "
                f"{percent_to_words(accuracy[0])} percent; on {lengths[-1]} words, "
                f"{percent_to_words(accuracy[-1])} percent.{fail_words}")
