"""Act 8, the LSTM: a gated cell built part by part, then a real LSTM reading the
biriyani/pasta sentence: its forget gate around the second person's name, and its answer
after each word (scenes/story/acts/act08_lstm.py says what they show)."""


from manim import *

from bundle.contract import CUISINE_MODEL, gate_key, probe_key
from scenes.acts import act_named
from scenes.equations import get_lstm_equation
from scenes.lecture_scene import LectureScene
from scenes.mobjects import (
    LstmCell,
    fit_width,
    get_bullets,
    get_caption,
    get_heading,
    get_text,
    get_word,
    spread_labels,
)
from scenes.story.acts.act08_lstm import INTRO, TUTORIAL_COLORS, answer_mark
from scenes.theme import LAYOUT, PALETTE, SIZES, TIMING

# The two answers the example contrasts, each drawn in its own colour and labelled.
CLASS_COLORS = (PALETTE.positive, PALETTE.negative)


def get_word_axes(steps: int, width: float, height: float) -> Axes:
    """A 0..1 axis over the words of a sentence: word t sits at x = t."""
    axes = Axes(x_range=[-0.5, steps - 0.5, 1], y_range=[0, 1, 0.5], x_length=width,
                y_length=height, tips=False,
                axis_config={"color": PALETTE.muted, "include_tip": False},
                x_axis_config={"include_ticks": False})
    for y in (0.5, 1.0):
        axes.add(get_text(f"{y:g}", SIZES.label, PALETTE.muted)
                 .next_to(axes.c2p(-0.5, y), LEFT, buff=0.15))
    return axes


def get_value_bars(axes: Axes, values, color: str, fill: float = 0.7) -> VGroup:
    """One bar per word, from 0 up to its value."""
    width = (axes.c2p(1, 0)[0] - axes.c2p(0, 0)[0]) * fill
    return VGroup(*(
        Rectangle(width=width, height=max(axes.c2p(t, v)[1] - axes.c2p(t, 0)[1], 0.01),
                  stroke_width=0, fill_color=color, fill_opacity=0.85)
        .move_to(axes.c2p(t, 0), aligned_edge=DOWN) for t, v in enumerate(values)))


TICK_LENGTH = 1.55  # the most room a word takes between the gate chart and the answer chart


def get_word_ticks(axes: Axes, words, highlights: dict) -> VGroup:
    """The sentence along the axis, one word per column, read top to bottom: at the label
    size where the columns are wide enough for it, smaller where a long sentence packs them."""
    pitch = axes.c2p(1, 0)[0] - axes.c2p(0, 0)[0]
    size = SIZES.label if pitch >= 0.42 else SIZES.small
    ticks = VGroup()
    for t, word in enumerate(words):
        text = get_word(word, TICK_LENGTH, size, highlights.get(t, PALETTE.text))
        text.rotate(PI / 2)
        ticks.add(text.next_to(axes.c2p(t, 0), DOWN, buff=0.15))
    return ticks


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
        heading = get_heading(self.script["heading.intro"])
        bullets = get_bullets([self.script[f"bullet.{i}"] for i in range(len(INTRO))],
                              size=SIZES.body * 1.2, buff=0.55)
        credit = get_caption(self.script["credit"], SIZES.label)
        credit.next_to(bullets, DOWN, buff=0.8)
        VGroup(bullets, credit).move_to([0, (heading.get_bottom()[1] + LAYOUT.bottom) / 2, 0])
        self.play(FadeIn(heading))
        for i, bullet in enumerate(bullets):
            with self.narrate(f"intro.{i}"):
                self.play(FadeIn(bullet, shift=RIGHT * 0.2))
                if i == 1:  # the paper, as its aim is said
                    self.play(FadeIn(credit))
        self.play(FadeOut(VGroup(heading, bullets, credit)))

    def build_the_cell(self):
        self.next_section("The cell, part by part")
        # the cell, scaled up, on the left; its gate's note under it (the note is wider than
        # the equations); the equations, at their own size, in a column beside the cell
        steps = ("forget", "input", "candidate", "update", "output", "hidden")
        eqs = {name: get_lstm_equation(name) for name in steps}
        column = VGroup(*(eqs[n] for n in steps)).arrange(DOWN, aligned_edge=LEFT, buff=0.6)
        cell = LstmCell(width=5.6, height=4.8)
        cell.scale((LAYOUT.right - LAYOUT.left - column.width - 0.45) / cell.width)
        fit_width(cell, LAYOUT.right - LAYOUT.left - 4.0)  # a wide column: the cell keeps 4 units
        note = get_text(self.script["note.gate"], SIZES.label, PALETTE.forget_gate)
        fit_width(note, cell.width)
        picture = VGroup(cell, note)
        note.next_to(cell, DOWN, buff=0.3).align_to(cell.parts["body"], LEFT)
        picture.move_to([LAYOUT.left + picture.width / 2, 0, 0])
        fit_width(column, LAYOUT.right - cell.get_right()[0] - 0.45)
        column.next_to(cell, RIGHT, buff=0.45).set_y(cell.get_y())
        with self.narrate("cell.state"):
            self.play(*cell.reveal("body", "cell_line", "label_c_prev", "label_c"))
            self.play(*cell.reveal("hidden_line", "bus", "label_h_prev", "label_x"))
        with self.narrate("cell.forget"):
            self.play(*cell.reveal("to_forget", "forget_gate", "label_f"))
            self.play(*cell.reveal("forget_to_times", "times_f"), Write(eqs["forget"]))
            self.play(FadeIn(note))
        with self.narrate("cell.input"):
            self.play(*cell.reveal("to_input", "input_gate", "label_i", "input_up",
                                   "input_to_times", "times_i"), Write(eqs["input"]))
        with self.narrate("cell.candidate"):
            self.play(*cell.reveal("to_candidate", "candidate_gate", "label_candidate",
                                   "candidate_up", "candidate_to_times"),
                      Write(eqs["candidate"]))
        with self.narrate("cell.update"):
            self.play(*cell.reveal("times_i_to_plus", "plus"), Write(eqs["update"]))
            self.play(Indicate(cell.parts["cell_line"], color=PALETTE.accent,
                               scale_factor=1.03))
        with self.narrate("cell.output"):
            self.play(*cell.reveal("to_output", "output_gate", "label_o", "output_to_times",
                                   "times_o"), Write(eqs["output"]))
            self.play(*cell.reveal("cell_to_tanh", "tanh_c", "tanh_to_times", "to_h",
                                   "label_h"), Write(eqs["hidden"]))
        self.wait(TIMING.slow)
        self.play(FadeOut(cell), FadeOut(column), FadeOut(note))

    def tell_the_example(self):
        self.next_section("Biriyani or pasta")
        t2c = {word: CLASS_COLORS[k] for word, k in TUTORIAL_COLORS.items()}
        lines = VGroup(*(get_text(self.script[f"sentence.{key}"], SIZES.body * 1.2, t2c=t2c)
                         for key in ("first", "second")))
        lines.arrange(DOWN, aligned_edge=LEFT, buff=0.6)
        fit_width(lines).move_to(UP * 0.3)
        with self.narrate("example.first"):
            self.play(FadeIn(lines[0], shift=UP * 0.2))
        with self.narrate("example.second"):
            self.play(FadeIn(lines[1], shift=UP * 0.2))
            self.play(Circumscribe(lines[1], color=PALETTE.accent))
        self.play(FadeOut(lines))

    def watch_the_gates(self):
        self.next_section("A real LSTM reads the sentence")
        words = self.data.words("cuisine", self.data[probe_key(CUISINE_MODEL, "tokens")])
        gates = self.data[gate_key(CUISINE_MODEL, "forget")]  # (T, H)
        inputs = self.data[gate_key(CUISINE_MODEL, "input")].mean(axis=1)  # (T,)
        story = self.findings.tutorial
        at, forget = story.at, story.forget
        dish = story.first_dish if story.first_dish is not None else at.first_dish
        steps = len(gates)
        mark = answer_mark(self.findings)  # where the last answer takes a clear lead
        heading = get_heading(self.script["heading.probe"])
        reference = VGroup()
        if "probe.reference" in self.script:  # a user's model: this LSTM is the base's
            reference = get_caption(self.script["note.reference"], SIZES.label)
            reference.next_to(heading, DOWN, buff=0.12)
        # Two charts on one word axis fill the frame: the gates' from under the heading (and
        # the note under it, where there is one), the words below it, the answers' below
        # them, down to the duration badge's top (their labels at the right would reach it).
        # The axes span the width that the gate's label beside them leaves.
        gate_label = get_text(self.script["label.forget"], SIZES.label, PALETTE.forget_gate)
        left = LAYOUT.left + 0.7  # the axis's numbers at its left
        width = LAYOUT.right - gate_label.width - 0.3 - left
        ceiling = VGroup(heading, reference).get_bottom()[1] - 0.4
        share = 0.55  # of the two charts' heights, the gates'
        top = get_word_axes(steps, width, 1.0)
        colors = {dish: CLASS_COLORS[0], at.name: PALETTE.accent}
        if mark is not None:
            colors[mark] = CLASS_COLORS[1]
        words_height = get_word_ticks(top, words, colors).height + 0.15 + 0.45
        heights = ceiling - (LAYOUT.badge_top + 0.25) - words_height
        top = get_word_axes(steps, width, heights * share)
        top.shift([left, ceiling, 0] - top.c2p(-0.5, 1))
        ticks = get_word_ticks(top, words, colors)
        self.answer_height = heights * (1 - share)
        bars = get_value_bars(top, forget, PALETTE.forget_gate)
        gate_label.next_to(bars[-1], RIGHT, buff=0.2)
        opens = "probe.input" in self.script  # the input gate opens widest at the name
        if opens:
            input_line = top.plot_line_graph(range(steps), inputs, add_vertex_dots=False,
                                             line_color=PALETTE.input_gate, stroke_width=4)
            input_label = get_text(self.script["label.input"], SIZES.label, PALETTE.input_gate)
            input_label.next_to(top.c2p(steps - 0.5, inputs[-1]), RIGHT, buff=0.2)
            spread_labels([input_label, gate_label])
        name, dip = at.name, at.dip
        window = SurroundingRectangle(VGroup(*bars[name:dip + 1], *ticks[name:dip + 1]),
                                      color=PALETTE.accent, buff=0.06)
        with self.narrate("probe.read"):
            self.play(FadeIn(heading), Create(top), FadeIn(ticks))
            self.play(LaggedStart(*(GrowFromEdge(b, DOWN) for b in bars), lag_ratio=0.05),
                      FadeIn(gate_label))
        if "probe.reference" in self.script:
            with self.narrate("probe.reference"):
                self.play(FadeIn(reference))
            self.play(FadeOut(reference))
        with self.narrate("probe.gate"):
            self.wait_until_bookmark("dish")
            self.play(Indicate(ticks[dish], color=CLASS_COLORS[0]))
            self.wait_until_bookmark("name")  # the dip, framed as the second name is said
            self.play(Create(window))
        if opens:
            with self.narrate("probe.input"):
                self.play(Create(input_line), FadeIn(input_label))
        self.show_the_answer(top, ticks, mark)
        self.wait(TIMING.pause)
        self.play(FadeOut(Group(*self.mobjects)))

    def show_the_answer(self, top: Axes, ticks: VGroup, mark: int | None):
        """The model's answer after each word, on the same word axis as the gates."""
        at = self.findings.tutorial.at
        prob = self.data[probe_key(CUISINE_MODEL, "prob")]  # (T, C)
        classes = self.data.vocab["cuisine"]["classes"]
        steps, first, final = len(prob), at.first, at.final
        low = get_word_axes(steps, top.x_length, self.answer_height)
        low.shift([top.c2p(-0.5, 0)[0], ticks.get_bottom()[1] - 0.45, 0] - low.c2p(-0.5, 1))
        shown = (first, final) if first != final else (final,)
        curves = VGroup(*(low.plot_line_graph(range(steps), prob[:, k], add_vertex_dots=False,
                                              line_color=CLASS_COLORS[-1 - i], stroke_width=4)
                          for i, k in enumerate(reversed(shown))))
        room = LAYOUT.right - low.get_right()[0] - 0.2
        labels = VGroup(*(
            get_word(classes[k], room, SIZES.label, CLASS_COLORS[-1 - i])
            .next_to(low.c2p(steps - 0.5, prob[-1, k]), RIGHT, buff=0.2)
            for i, k in enumerate(reversed(shown))))
        spread_labels(list(labels))
        title = get_caption(self.script["title.answer"], SIZES.label)
        title.next_to(low, DOWN, buff=0.2)
        with self.narrate("probe.answer"):
            self.play(Create(low), FadeIn(title))
            self.play(*(Create(c) for c in curves), FadeIn(labels), run_time=TIMING.slow)
            if mark is not None:
                note = get_text(self.script["note.switch"], SIZES.label, CLASS_COLORS[1])
                note.next_to(low.c2p(mark, prob[mark, final]), LEFT, buff=0.15)
                self.play(FadeIn(note), Indicate(ticks[mark], color=CLASS_COLORS[1]))
