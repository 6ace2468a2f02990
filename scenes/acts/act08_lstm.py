"""Act 8, the LSTM: a gated cell built part by part, then a real LSTM reading the
biriyani/pasta sentence, its forget gate dropping where the second person's dish appears."""

from itertools import pairwise

from manim import *

from bundle.contract import CUISINE_MODEL, gate_key, probe_key
from scenes.acts import act_named
from scenes.equations import get_lstm_equation
from scenes.lecture_scene import LectureScene
from scenes.mobjects import LstmCell, fit_width, get_bullets, get_caption, get_heading, get_text
from scenes.story.findings import CuisineStory
from scenes.story.numbers import number_to_words, percent_to_text, percent_to_words
from scenes.theme import LAYOUT, PALETTE, SIZES, TIMING

# The tutorial's example, and the words it hinges on (found in the probe by scanning).
TUTORIAL_SENTENCE = (
    "Rana likes biriyani very much, so his favourite cuisine is Bangladeshi.",
    "His friend John however loves pasta, so John's favourite cuisine is Italian.",
)
SECOND_NAME = "John"
FIRST_DISH, FIRST_ANSWER = "biriyani", "Bangladeshi"
TUTORIAL_COLORS = {"biriyani": 0, "Bangladeshi": 0, "pasta": 1, "Italian": 1}
# The two answers the example contrasts, each drawn in its own colour and labelled.
CLASS_COLORS = (PALETTE.positive, PALETTE.negative)


def get_word_axes(steps: int, width: float, height: float) -> Axes:
    """A 0..1 axis over the words of a sentence: word t sits at x = t."""
    axes = Axes(x_range=[-0.5, steps - 0.5, 1], y_range=[0, 1, 0.5], x_length=width,
                y_length=height, tips=False,
                axis_config={"color": PALETTE.muted, "include_tip": False},
                x_axis_config={"include_ticks": False})
    for y in (0.5, 1.0):
        axes.add(get_text(f"{y:g}", SIZES.small, PALETTE.muted)
                 .next_to(axes.c2p(-0.5, y), LEFT, buff=0.15))
    return axes


def get_value_bars(axes: Axes, values, color: str, fill: float = 0.7) -> VGroup:
    """One bar per word, from 0 up to its value."""
    width = (axes.c2p(1, 0)[0] - axes.c2p(0, 0)[0]) * fill
    return VGroup(*(
        Rectangle(width=width, height=max(axes.c2p(t, v)[1] - axes.c2p(t, 0)[1], 0.01),
                  stroke_width=0, fill_color=color, fill_opacity=0.85)
        .move_to(axes.c2p(t, 0), aligned_edge=DOWN) for t, v in enumerate(values)))


def get_word_ticks(axes: Axes, words, highlights: dict) -> VGroup:
    """The sentence along the axis, one word per column, read top to bottom."""
    ticks = VGroup()
    for t, word in enumerate(words):
        text = get_text(word, SIZES.small, highlights.get(t, PALETTE.text)).rotate(PI / 2)
        ticks.add(text.next_to(axes.c2p(t, 0), DOWN, buff=0.15))
    return ticks


def spread_labels(labels, gap: float = 0.05) -> None:
    """Push right-hand labels apart vertically so none overlaps the next."""
    ordered = sorted(labels, key=lambda m: m.get_y())
    for below, above in pairwise(ordered):
        lift = below.get_top()[1] + gap - above.get_bottom()[1]
        if lift > 0:
            above.shift(UP * lift)


class TheLstm(LectureScene):
    act = act_named("lstm")

    def construct(self):
        self.show_chapter_card()
        self.introduce_gated_cell()
        self.build_the_cell()
        self.tell_the_example()
        self.watch_the_gates()

    def introduce_gated_cell(self):
        self.next_section("Long short-term memory")
        heading = get_heading("Long Short-Term Memory (LSTM)")
        bullets = get_bullets([
            "a gated cell tracks information through many time steps",
            "designed to address the vanishing gradient problem",
            "gates control the flow of information into the hidden and cell states",
        ], width=12.5).move_to(UP * 0.4)
        credit = get_caption("Hochreiter & Schmidhuber, 1997", SIZES.small)
        credit.next_to(bullets, DOWN, buff=0.8)
        texts = (
            "LSTMs, long short-term memory networks, track information across many "
            "time steps with a gated cell.",
            "They were designed to fix the vanishing gradient problem.",
            "Gates control the flow of information into the hidden and cell states.",
        )
        self.play(FadeIn(heading))
        for bullet, text in zip(bullets, texts, strict=True):
            with self.narrate(text):
                self.play(FadeIn(bullet, shift=RIGHT * 0.2))
                if bullet is bullets[1]:
                    self.play(FadeIn(credit))
        self.play(FadeOut(VGroup(heading, bullets, credit)))

    def build_the_cell(self):
        self.next_section("The cell, part by part")
        cell = LstmCell(width=6.2, height=3.4).to_edge(LEFT, buff=LAYOUT.margin)
        steps = ("forget", "input", "candidate", "update", "output", "hidden")
        eqs = {name: get_lstm_equation(name) for name in steps}
        note = get_text("0: forget everything,  1: keep everything", SIZES.small,
                        PALETTE.forget_gate)
        column = VGroup(eqs["forget"], note, *(eqs[n] for n in steps[1:]))
        column.arrange(DOWN, aligned_edge=LEFT, buff=0.42)
        column.next_to(cell, RIGHT, buff=0.45)
        fit_width(column, config.frame_width / 2 - LAYOUT.margin - column.get_left()[0])
        column.next_to(cell, RIGHT, buff=0.45).set_y(0)
        with self.narrate("On top runs the cell state, the long-term memory. The last "
                          "hidden state and new input feed four gates."):
            self.play(*cell.reveal("body", "cell_line", "label_c_prev", "label_c"))
            self.play(*cell.reveal("hidden_line", "bus", "label_h_prev", "label_x"))
        with self.narrate("The forget gate's sigmoid gives a number between zero and one: "
                          "zero forgets everything, one keeps everything."):
            self.play(*cell.reveal("to_forget", "forget_gate", "label_f"))
            self.play(*cell.reveal("forget_to_times", "times_f"), Write(eqs["forget"]))
            self.play(FadeIn(note))
        with self.narrate("The input gate chooses what to store,"):
            self.play(*cell.reveal("to_input", "input_gate", "label_i", "input_up",
                                   "input_to_times", "times_i"), Write(eqs["input"]))
        with self.narrate("and a tanh layer proposes candidate values."):
            self.play(*cell.reveal("to_candidate", "candidate_gate", "label_candidate",
                                   "candidate_up", "candidate_to_times"),
                      Write(eqs["candidate"]))
        with self.narrate("The cell state becomes the old state times the forget gate, plus "
                          "the candidate times the input gate."):
            self.play(*cell.reveal("times_i_to_plus", "plus"), Write(eqs["update"]))
            self.play(Indicate(cell.parts["cell_line"], color=PALETTE.accent,
                               scale_factor=1.03))
        with self.narrate("The output gate picks what part of the cell state becomes the "
                          "hidden state."):
            self.play(*cell.reveal("to_output", "output_gate", "label_o", "output_to_times",
                                   "times_o"), Write(eqs["output"]))
            self.play(*cell.reveal("cell_to_tanh", "tanh_c", "tanh_to_times", "to_h",
                                   "label_h"), Write(eqs["hidden"]))
        self.wait(TIMING.slow)
        self.play(FadeOut(cell), FadeOut(column))

    def tell_the_example(self):
        self.next_section("Biriyani or pasta")
        t2c = {word: CLASS_COLORS[k] for word, k in TUTORIAL_COLORS.items()}
        lines = VGroup(*(get_text(line, SIZES.body, t2c=t2c) for line in TUTORIAL_SENTENCE))
        lines.arrange(DOWN, aligned_edge=LEFT, buff=0.5)
        fit_width(lines).move_to(UP * 0.3)
        with self.narrate("The tutorial's example: Rana likes biriyani, so his favourite "
                          "cuisine is Bangladeshi."):
            self.play(FadeIn(lines[0], shift=UP * 0.2))
        with self.narrate("His friend John loves pasta, so John's is Italian. The network "
                          "must hold the first dish, then replace it."):
            self.play(FadeIn(lines[1], shift=UP * 0.2))
            self.play(Circumscribe(lines[1], color=PALETTE.accent))
        self.play(FadeOut(lines))

    def watch_the_gates(self):
        self.next_section("A real LSTM reads the sentence")
        words = self.data.words("cuisine", self.data[probe_key(CUISINE_MODEL, "tokens")])
        gates = self.data[gate_key(CUISINE_MODEL, "forget")]  # (T, H)
        inputs = self.data[gate_key(CUISINE_MODEL, "input")].mean(axis=1)  # (T,)
        story = self.findings.cuisine_story(SECOND_NAME, FIRST_DISH, FIRST_ANSWER)
        at, forget = story.at, story.forget
        dish = story.first_dish if story.first_dish is not None else at.first_dish
        steps, units = gates.shape
        heading = get_heading("A trained LSTM reads the sentence")
        top = get_word_axes(steps, 10.4, 1.8).to_edge(LEFT, buff=0.9).set_y(1.75)
        colors = {dish: CLASS_COLORS[0], at.switch: CLASS_COLORS[1], at.name: PALETTE.accent}
        ticks = get_word_ticks(top, words, colors)
        bars = get_value_bars(top, forget, PALETTE.forget_gate)
        gate_label = get_text(f"forget gate\n(mean of {units})", SIZES.small,
                              PALETTE.forget_gate).next_to(bars[-1], RIGHT, buff=0.2)
        input_line = top.plot_line_graph(range(steps), inputs, line_color=PALETTE.input_gate,
                                         add_vertex_dots=False, stroke_width=4)
        input_label = get_text("input gate", SIZES.small, PALETTE.input_gate)
        input_label.next_to(top.c2p(steps - 0.5, inputs[-1]), RIGHT, buff=0.2)
        spread_labels([input_label, gate_label])
        name, dip = at.name, at.dip
        window = SurroundingRectangle(VGroup(*bars[name:dip + 1], *ticks[name:dip + 1]),
                                      color=PALETTE.accent, buff=0.06)
        with self.narrate(f"A real trained LSTM reads a {steps} word probe; bars show "
                          f"its forget gate, averaged over {units} units."):
            self.play(FadeIn(heading), Create(top), FadeIn(ticks))
            self.play(LaggedStart(*(GrowFromEdge(b, DOWN) for b in bars), lag_ratio=0.05),
                      FadeIn(gate_label))
        with self.narrate(self.read_the_forget_gate(words, story)):
            self.wait_until_bookmark("dish")
            self.play(Indicate(ticks[dish], color=CLASS_COLORS[0]))
            self.wait_until_bookmark("name")  # the dip, framed as the second name is said
            self.play(Create(window))
        if name and inputs[at.window].max() >= inputs[:name].max():
            with self.narrate(f"The input gate opens widest there, "
                              f"{number_to_words(inputs[at.window].max())}."):
                self.play(Create(input_line), FadeIn(input_label))
        self.show_the_answer(top, ticks, words, story)
        self.wait(TIMING.pause)
        self.play(FadeOut(Group(*self.mobjects)))

    def read_the_forget_gate(self, words: list[str], story: CuisineStory) -> str:
        at = story.at
        lead = (f"Carrying <bookmark mark='dish'/>{FIRST_DISH}, the gate" if story.carries else
                f"<bookmark mark='dish'/>Before {SECOND_NAME}, the gate")
        level = "stays near" if story.steady else "averages"
        low = number_to_words(story.forget[at.dip])
        if story.change == "drops":
            change = f"it drops to {low}" + (", clearing the old dish"
                                             if story.right and at.switch else "")
        elif story.change == "flat":
            change = f"it barely moves, {low}"
        else:
            change = f"it stays higher, never below {low}"
        return (f"{lead} {level} {number_to_words(story.held)}. At <bookmark mark='name'/>"
                f"{', '.join(words[at.name:at.dip + 1])}, {change}.")

    def show_the_answer(self, top: Axes, ticks: VGroup, words: list[str],
                        story: CuisineStory):
        """The model's answer after each word, on the same word axis as the gates."""
        at = story.at
        prob = self.data[probe_key(CUISINE_MODEL, "prob")]  # (T, C)
        classes = self.data.vocab["cuisine"]["classes"]
        steps, first, final, switch = len(prob), at.first, at.final, at.switch
        low = get_word_axes(steps, 10.4, 1.5).align_to(top, LEFT).set_y(-1.6)
        shown = (first, final) if first != final else (final,)
        curves = VGroup(*(low.plot_line_graph(range(steps), prob[:, k], add_vertex_dots=False,
                                              line_color=CLASS_COLORS[-1 - i], stroke_width=4)
                          for i, k in enumerate(reversed(shown))))
        labels = VGroup(*(
            get_text(classes[k], SIZES.small, CLASS_COLORS[-1 - i])
            .next_to(low.c2p(steps - 0.5, prob[-1, k]), RIGHT, buff=0.2)
            for i, k in enumerate(reversed(shown))))
        spread_labels(list(labels))
        title = get_caption("the model's answer after each word", SIZES.small)
        title.next_to(low, DOWN, buff=0.2)
        p = prob[switch, final]
        note = get_text(f"{classes[final]} {percent_to_text(p)}", SIZES.small, CLASS_COLORS[1])
        note.next_to(low.c2p(switch, p), LEFT, buff=0.15)
        target = classes[int(self.data[probe_key(CUISINE_MODEL, "target")])]
        if first != final and story.right:
            said = (f"{classes[first]}, until it switches to {classes[final]} exactly at "
                    f"{words[switch]}, with {percent_to_words(p)} percent")
        elif first != final:
            said = (f"{classes[first]}, until it switches to {classes[final]} at "
                    f"{words[switch]}; the right answer is {target}")
        else:
            said = f"{classes[final]} throughout" + ("" if story.right else
                                                     f"; the right answer is {target}")
        with self.narrate(f"Below, its answer after each word: {said}."):
            self.play(Create(low), FadeIn(title))
            self.play(*(Create(c) for c in curves), FadeIn(labels), run_time=TIMING.slow)
            self.play(FadeIn(note), Indicate(ticks[switch], color=CLASS_COLORS[1]))
