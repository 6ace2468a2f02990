"""Act 8, the LSTM: a gated cell built part by part, then a real LSTM reading the
biriyani/pasta sentence, its forget gate dropping where the second person's dish appears."""

from itertools import pairwise

from manim import *

from scenes.mobjects import (
    fit_width,
    get_bullets,
    get_caption,
    get_equation,
    get_heading,
    get_lstm_cell,
    get_text,
)
from scenes.narration import LectureScene
from scenes.numbers import percent_to_text, percent_to_words
from scenes.theme import LAYOUT, PALETTE, SIZES, TIMING

# The tutorial's example, and the words it hinges on (found in the probe by scanning).
TUTORIAL_SENTENCE = (
    "Rana likes biriyani very much, so his favourite cuisine is Bangladeshi.",
    "His friend John however loves pasta, so John's favourite cuisine is Italian.",
)
SECOND_NAME = "John"
TUTORIAL_COLORS = {"biriyani": 0, "Bangladeshi": 0, "pasta": 1, "Italian": 1}
# The two answers the example contrasts, each drawn in its own colour and labelled.
CLASS_COLORS = (PALETTE.positive, PALETTE.negative)
SYMBOL_COLORS = {
    "f_t": PALETTE.forget_gate, "i_t": PALETTE.input_gate, "o_t": PALETTE.output_gate,
    "C_t": PALETTE.cell_state, "C_{t-1}": PALETTE.cell_state,
    r"\tilde{C}_t": PALETTE.candidate, "h_t": PALETTE.forward,
}
EQUATIONS = {
    "forget": ("f_t", r"= \sigma(W_f \cdot [h_{t-1}, x_t] + b_f)"),
    "input": ("i_t", r"= \sigma(W_i \cdot [h_{t-1}, x_t] + b_i)"),
    "candidate": (r"\tilde{C}_t", r"= \tanh(W_c \cdot [h_{t-1}, x_t] + b_c)"),
    "update": ("C_t", "=", "f_t", r"\cdot", "C_{t-1}", "+", "i_t", r"\cdot", r"\tilde{C}_t"),
    "output": ("o_t", r"= \sigma(W_o \cdot [h_{t-1}, x_t] + b_o)"),
    "hidden": ("h_t", "=", "o_t", r"\cdot \tanh(", "C_t", ")"),
}


def get_lstm_equation(name: str, size: float = SIZES.label * 1.4) -> MathTex:
    """One of the tutorial's LSTM equations, its gate symbols in their gate colours."""
    equation = get_equation(*EQUATIONS[name], size=size)
    for part in equation:
        part.set_color(SYMBOL_COLORS.get(part.tex_string, PALETTE.text))
    return equation


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


def find_the_switch(words, prob, forget) -> dict:
    """Where the probe's story happens, found in the data: ``final`` the model's last answer,
    ``switch`` the word from which it holds it (the second dish), ``first`` its answer
    before that, ``first_dish`` the word that made it, ``name`` the second person, ``dip``
    the lowest forget gate from the name to just after the switch."""
    final = int(prob[-1].argmax())
    wrong = np.flatnonzero(prob.argmax(axis=1) != final)
    switch = int(wrong[-1]) + 1 if len(wrong) else 0
    first = int(prob[:switch].max(axis=0).argmax()) if switch else final
    rise = np.diff(prob[:max(switch, 1), first], prepend=prob[0, first])
    names = [t for t, w in enumerate(words) if w == SECOND_NAME and t <= switch]
    name = names[-1] if names else max(switch - 2, 0)
    dip = int(forget[name:switch + 2].argmin()) + name
    return {"final": final, "switch": switch, "first": first, "first_dish": int(rise.argmax()),
            "name": name, "dip": dip, "dish": words[switch]}


class TheLstm(LectureScene):
    title = "The LSTM"
    reads = ("cuisine/lstm/probe",)

    def construct(self):
        self.introduce_gated_cell()
        self.build_the_cell()
        self.tell_the_example()
        self.watch_the_gates()

    # Section
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

    # Section
    def build_the_cell(self):
        self.next_section("The cell, part by part")
        cell = get_lstm_cell(width=6.2, height=3.4).to_edge(LEFT, buff=LAYOUT.margin)
        eqs = {name: get_lstm_equation(name) for name in EQUATIONS}
        note = get_text("0: forget everything,  1: keep everything", SIZES.small,
                        PALETTE.forget_gate)
        column = VGroup(eqs["forget"], note, *(eqs[n] for n in list(EQUATIONS)[1:]))
        column.arrange(DOWN, aligned_edge=LEFT, buff=0.42)
        column.next_to(cell, RIGHT, buff=0.45)
        fit_width(column, config.frame_width / 2 - LAYOUT.margin - column.get_left()[0])
        column.next_to(cell, RIGHT, buff=0.45).set_y(0)
        w, lab = cell.wires, cell.labels
        with self.narrate("On top runs the cell state, the long-term memory. The last "
                          "hidden state and new input feed four gates."):
            self.play(FadeIn(cell.body), GrowArrow(cell.cell_line), FadeIn(lab[0], lab[1]))
            self.play(Create(cell.hidden_line), Create(w[0]), FadeIn(lab[2], lab[4]))
        with self.narrate("The forget gate's sigmoid gives a number between zero and one: "
                          "zero forgets everything, one keeps everything."):
            self.play(Create(w[1]), FadeIn(cell.forget, lab[5]))
            self.play(Create(w[5]), FadeIn(cell.times_f), Write(eqs["forget"]))
            self.play(FadeIn(note))
        with self.narrate("The input gate chooses what to store,"):
            self.play(Create(w[2]), FadeIn(cell.input, lab[6]), Create(w[6]), Create(w[7]),
                      FadeIn(cell.times_i), Write(eqs["input"]))
        with self.narrate("and a tanh layer proposes candidate values."):
            self.play(Create(w[3]), FadeIn(cell.candidate, lab[7]), Create(w[8]),
                      Create(w[9]), Write(eqs["candidate"]))
        with self.narrate("The cell state becomes the old state times the forget gate, plus "
                          "the candidate times the input gate."):
            self.play(Create(w[10]), FadeIn(cell.plus), Write(eqs["update"]))
            self.play(Indicate(cell.cell_line, color=PALETTE.accent, scale_factor=1.03))
        with self.narrate("The output gate picks what part of the cell state becomes the "
                          "hidden state."):
            self.play(Create(w[4]), FadeIn(cell.output, lab[8]), Create(w[11]),
                      FadeIn(cell.times_o), Write(eqs["output"]))
            self.play(Create(w[12]), FadeIn(cell.tanh_c), Create(w[13]), Create(w[14]),
                      FadeIn(lab[3]), Write(eqs["hidden"]))
        self.wait(TIMING.slow)
        self.play(FadeOut(cell), FadeOut(column))

    # Section
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

    # Section
    def watch_the_gates(self):
        self.next_section("A real LSTM reads the sentence")
        probe = "cuisine/lstm/probe"
        words = self.data.words("cuisine", self.data[f"{probe}/tokens"])
        gates = self.data[f"{probe}/gate/forget"]  # (T, H)
        forget = gates.mean(axis=1)  # (T,)
        inputs = self.data[f"{probe}/gate/input"].mean(axis=1)  # (T,)
        at = find_the_switch(words, self.data[f"{probe}/prob"], forget)
        steps, units = gates.shape
        heading = get_heading("A trained LSTM reads the sentence")
        top = get_word_axes(steps, 10.4, 1.8).to_edge(LEFT, buff=0.9).set_y(1.75)
        colors = {at["first_dish"]: CLASS_COLORS[0], at["switch"]: CLASS_COLORS[1],
                  at["name"]: PALETTE.accent}
        ticks = get_word_ticks(top, words, colors)
        bars = get_value_bars(top, forget, PALETTE.forget_gate)
        gate_label = get_text(f"forget gate\n(mean of {units})", SIZES.small,
                              PALETTE.forget_gate).next_to(bars[-1], RIGHT, buff=0.2)
        input_line = top.plot_line_graph(range(steps), inputs, line_color=PALETTE.input_gate,
                                         add_vertex_dots=False, stroke_width=4)
        input_label = get_text("input gate", SIZES.small, PALETTE.input_gate)
        input_label.next_to(top.c2p(steps - 0.5, inputs[-1]), RIGHT, buff=0.2)
        spread_labels([input_label, gate_label])
        name, dip, switch = at["name"], at["dip"], at["switch"]
        held = float(forget[:max(name, 1)].mean())
        window = SurroundingRectangle(VGroup(*bars[name:dip + 1], *ticks[name:dip + 1]),
                                      color=PALETTE.accent, buff=0.06)
        with self.narrate(f"A real trained LSTM reads a {steps} word probe; bars show "
                          f"its forget gate, averaged over {units} units."):
            self.play(FadeIn(heading), Create(top), FadeIn(ticks))
            self.play(LaggedStart(*(GrowFromEdge(b, DOWN) for b in bars), lag_ratio=0.05),
                      FadeIn(gate_label))
        change = (f"it drops to {forget[dip]:.2f}, clearing the old dish"
                  if forget[dip] < held - 0.05 else f"it barely moves, {forget[dip]:.2f}")
        with self.narrate(f"Carrying <bookmark mark='dish'/>{words[at['first_dish']]}, the "
                          f"gate stays near {held:.2f}. At <bookmark mark='name'/>"
                          f"{', '.join(words[name:dip + 1])}, {change}."):
            self.wait_until_bookmark("dish")
            self.play(Indicate(ticks[at["first_dish"]], color=CLASS_COLORS[0]))
            self.wait_until_bookmark("name")  # the dip, framed as the second name is said
            self.play(Create(window))
        if name and inputs[name:switch + 1].max() >= inputs[:name].max():
            with self.narrate(f"The input gate opens widest there, "
                              f"{inputs[name:switch + 1].max():.2f}."):
                self.play(Create(input_line), FadeIn(input_label))
        self.show_the_answer(top, ticks, at)
        self.wait(TIMING.pause)
        self.play(FadeOut(Group(*self.mobjects)))

    def show_the_answer(self, top: Axes, ticks: VGroup, at: dict):
        """The model's answer after each word, on the same word axis as the gates."""
        prob = self.data["cuisine/lstm/probe/prob"]  # (T, C)
        classes = self.data.vocab["cuisine"]["classes"]
        steps, first, final, switch = len(prob), at["first"], at["final"], at["switch"]
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
        said = (f"{classes[first]}, until it switches to {classes[final]} exactly at "
                f"{at['dish']}, with {percent_to_words(p)} percent" if first != final
                else f"{classes[final]} throughout")
        with self.narrate(f"Below, its answer after each word: {said}."):
            self.play(Create(low), FadeIn(title))
            self.play(*(Create(c) for c in curves), FadeIn(labels), run_time=TIMING.slow)
            self.play(FadeIn(note), Indicate(ticks[switch], color=CLASS_COLORS[1]))
