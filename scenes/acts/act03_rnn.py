"""Act 3, how an RNN works: one cell and its loop, unrolled through time, the same weights at
every step, then a real network reading a real sentence, its hidden states and its answer."""

from manim import *

from bundle.contract import probe_key
from scenes.acts import act_named
from scenes.equations import get_equation
from scenes.lecture_scene import LectureScene
from scenes.mobjects import (
    LoopArrow,
    RnnCell,
    UnrolledChain,
    fit_right,
    fit_width,
    get_caption,
    get_heading,
    get_text,
    get_vector,
    get_word,
)
from scenes.story.acts.act03_rnn import SHOWN, shown_steps
from scenes.story.numbers import percent_to_text
from scenes.theme import LAYOUT, PALETTE, SIZES, SYMBOL_COLORS, TIMING


def get_column(values, height: float, width: float = 0.3, scale: float | None = None):
    """A hidden state as a slim coloured column of ``height``, one stripe per entry."""
    cell = height / len(values)
    return get_vector(values, scale, cell=cell).stretch_to_fit_width(width)


class ProbRow(VGroup):
    """One class of the readout: its ``name``, a ``bar`` as long as its probability, and the
    percentage ``value``."""

    def __init__(self, name: str, p: float, color: str, bar_width: float, is_target: bool):
        super().__init__()
        self.name = get_word(name, 1.8, SIZES.body, PALETTE.accent if is_target else PALETTE.text)
        self.bar = Rectangle(width=max(bar_width * float(p), 0.02), height=0.4,
                             stroke_width=0, fill_color=color, fill_opacity=1)
        self.value = get_text(percent_to_text(p), SIZES.body, PALETTE.text)
        self.add(self.name, self.bar, self.value)


def get_prob_bars(probs, classes, color, target: int, bar_width: float = 1.5) -> VGroup:
    """The readout: a :class:`ProbRow` per class, in class order; the right answer in
    accent."""
    rows = VGroup(*(ProbRow(name, p, color, bar_width, k == target)
                    for k, (p, name) in enumerate(zip(probs, classes, strict=True))))
    names_right = max(row.name.width for row in rows)
    for i, row in enumerate(rows):
        y = -i * 0.66
        row.name.move_to([names_right, y, 0], aligned_edge=RIGHT)
        row.bar.move_to([names_right + 0.15, y, 0], aligned_edge=LEFT)
        row.value.next_to([names_right + 0.15 + bar_width, y, 0], RIGHT, buff=0.12)
    return rows


READOUT_ARROW, READOUT_BUFF = 0.7, 0.2  # the arrow from the last cell, and its gap to the bars


class HowAnRnnWorks(LectureScene):
    act = act_named("rnn")

    def construct(self):
        self.show_chapter_card()
        self.show_folded_cell()
        self.unroll_through_time()
        self.share_the_weights()
        self.read_a_real_sentence()
        self.read_out_the_answer()

    def show_folded_cell(self):
        self.next_section("One cell, one loop")
        heading = get_heading(self.script["heading.cell"])
        cell = RnnCell("h_t", size=1.3)
        loop = LoopArrow(cell)
        x_arrow = Arrow(cell.box.get_bottom() + DOWN * 1.1, cell.box.get_bottom(), buff=0.03,
                        color=PALETTE.weight_x, stroke_width=4)
        x_label = MathTex("x_t", font_size=SIZES.label * 1.2).next_to(x_arrow, DOWN, 0.1)
        wx_label = MathTex("W_x", font_size=SIZES.label, color=PALETTE.weight_x)
        wx_label.next_to(x_arrow, RIGHT, buff=0.1)
        self.folded = VGroup(cell, loop, x_arrow, x_label, wx_label)
        # the cell, its labels scaled with it, fills the left half of the frame below the
        # heading; its equation, as large as fits, the right half
        middle = (heading.get_bottom()[1] - config.frame_height / 2 + LAYOUT.margin) / 2
        self.folded.scale(1.7).move_to([-config.frame_width / 4, middle, 0])
        equation = get_equation(r"h_t = \tanh(", "W_h", r"\, h_{t-1} + ", "W_x", r"\, x_t + b)",
                                size=SIZES.equation * 1.3, colors=SYMBOL_COLORS)
        fit_width(equation, LAYOUT.right - 0.3)
        equation.move_to([config.frame_width / 4 - 0.15, cell.get_y(), 0])
        with self.narrate("cell.input"):
            self.play(FadeIn(heading), FadeIn(cell))
            self.play(GrowArrow(x_arrow), FadeIn(x_label), FadeIn(wx_label))
        with self.narrate("cell.loop"):
            self.play(Create(loop.arrow), FadeIn(loop.symbol))
            self.play(Write(equation))
        self.play(FadeOut(heading), FadeOut(equation))

    def unroll_through_time(self):
        self.next_section("Unrolled through time")
        steps = 5
        heading = get_heading(self.script["heading.unrolled"])
        chain = UnrolledChain(steps, input_weight_label="W_x", size=1.05, gap=0.85)
        inputs = VGroup(*(MathTex(f"x_{{{t + 1}}}", font_size=SIZES.label)
                          .next_to(arrow, DOWN, buff=0.1) for t, arrow in
                          enumerate(chain.inputs)))
        # the chain and its labels, scaled together, span the frame; the next step's note
        # goes under it, above the player's corner badge
        self.reuse_note = get_caption(self.script["note.reuse"], SIZES.body * 1.2,
                                      PALETTE.accent)
        self.reuse_note.move_to([0, -config.frame_height / 2 + 1.05, 0], aligned_edge=DOWN)
        unrolled = VGroup(chain, inputs)
        unrolled.scale_to_fit_width(config.frame_width - 2 * LAYOUT.margin - 0.6)
        unrolled.move_to([0, (heading.get_bottom()[1] + self.reuse_note.get_top()[1]) / 2, 0])
        cell, loop, x_arrow, x_label, wx_label = self.folded
        with self.narrate("unroll"):
            self.play(FadeIn(heading))
            self.play(
                *(ReplacementTransform(cell.copy(), c) for c in chain.cells),
                *(ReplacementTransform(loop.arrow.copy(), link) for link in chain.links),
                *(ReplacementTransform(loop.symbol.copy(), lab) for lab in chain.link_labels),
                *(ReplacementTransform(x_arrow.copy(), a) for a in chain.inputs),
                *(ReplacementTransform(wx_label.copy(), lab)
                  for lab in chain.input_weight_labels),
                *(ReplacementTransform(x_label.copy(), lab) for lab in inputs),
                FadeOut(self.folded), run_time=TIMING.slow)
        self.chain, self.chain_inputs, self.unroll_heading = chain, inputs, heading

    def share_the_weights(self):
        self.next_section("The same weights at every step")
        chain = self.chain
        others = VGroup(chain.cells, chain.inputs, chain.input_weight_labels, self.chain_inputs)
        wh = VGroup(chain.links, chain.link_labels)
        wx = VGroup(chain.inputs, chain.input_weight_labels)
        note = self.reuse_note  # placed with the chain
        with self.narrate("share.wh"):
            self.play(others.animate.set_opacity(0.25))
            self.play(*(Indicate(m, color=PALETTE.weight_h, scale_factor=1.3) for m in wh))
            self.play(Write(note))
        with self.narrate("share.wx"):
            self.play(others.animate.set_opacity(1), wh.animate.set_opacity(0.25))
            self.play(*(Indicate(m, color=PALETTE.weight_x, scale_factor=1.3) for m in wx))
            self.play(wh.animate.set_opacity(1))
        self.play(FadeOut(VGroup(chain, self.chain_inputs, note, self.unroll_heading)))

    def get_readout(self, model: str, color: str) -> VGroup:
        """``model``'s answer after the probe's last word, as bars."""
        prob = self.data[probe_key(model, "prob")][-1]
        classes = self.data.vocab["recall"]["classes"]
        target = int(self.data[probe_key("rnn_tanh", "target")])
        return get_prob_bars(prob, classes, color, target)

    def read_a_real_sentence(self):
        self.next_section("A real sentence")
        tokens = self.data[probe_key("rnn_tanh", "tokens")]
        hidden = self.data[probe_key("rnn_tanh", "h")]
        steps, size = hidden.shape
        shown = shown_steps(steps)
        words = self.data.words("recall", [tokens[t] for t in shown])
        heading = get_heading(self.script["heading.sentence"])
        chain = UnrolledChain(len(shown), cell_labels=[f"h_{{{t + 1}}}" for t in shown],
                              input_labels=words, size=0.7, gap=0.5)
        # the chain, its words scaled with it, as wide as the frame allows beside the
        # readout of the next step (an arrow and the bars), its words at the frame's foot
        edge = LAYOUT.right
        models = ("rnn_tanh", "lstm") if "answer.lstm" in self.script else ("rnn_tanh",)
        readout = READOUT_ARROW + READOUT_BUFF + max(
            self.get_readout(model, PALETTE.text).width for model in models)
        chain.scale(min(1.6, (2 * edge - 0.1 - readout) / chain.width))
        chain.to_edge(LEFT, buff=LAYOUT.margin + 0.1)
        floor = LAYOUT.bottom
        skip = min(SHOWN, len(shown)) - 1  # the link that jumps over the middle words
        if steps > len(shown):
            more = get_text(self.script["more"], SIZES.label, PALETTE.muted)
            chain.shift(UP * (floor + more.height + 0.25 - chain.get_bottom()[1]))
            gap = chain.links[skip]
            chain.links[skip].become(DashedLine(gap.get_start(), gap.get_end(),
                                                color=PALETTE.weight_h, dash_length=0.08))
            chain.link_labels[skip].become(
                MathTex(r"\cdots", color=PALETTE.muted).move_to(chain.link_labels[skip]))
            more.next_to(chain.input_labels, DOWN, buff=0.25).set_x(gap.get_center()[0])
        else:
            chain.shift(UP * (floor + 0.2 - chain.get_bottom()[1]))
            more = VGroup()
        scale = float(np.abs(hidden).max()) or 1.0
        size_note = get_caption(self.script["size_note"], SIZES.label)
        size_note.move_to([chain.get_x(), heading.get_bottom()[1] - 0.3, 0], aligned_edge=UP)
        # the hidden states fill the height between the cells and the note
        column_buff = 0.45
        column_height = size_note.get_bottom()[1] - 0.25 - chain.cells.get_top()[1] - column_buff
        columns = VGroup(*(get_column(hidden[t], column_height, width=0.42, scale=scale)
                           .next_to(c, UP, buff=column_buff)
                           for t, c in zip(shown, chain.cells, strict=True)))
        with self.narrate("sentence.read"):
            self.play(FadeIn(heading), FadeIn(chain), FadeIn(more))
        with self.narrate("sentence.states"):
            self.play(FadeIn(size_note))
            self.play(Indicate(chain.input_labels[0], color=PALETTE.accent),
                      FadeIn(columns[0], shift=UP * 0.3), run_time=TIMING.normal)
            for i in range(1, len(columns)):
                self.play(Indicate(chain.input_labels[i], color=PALETTE.accent),
                          ReplacementTransform(columns[i - 1].copy(), columns[i]),
                          run_time=TIMING.normal)
        self.sentence = VGroup(heading, chain, more, columns, size_note)
        self.last_cell = chain.cells[-1]

    def read_out_the_answer(self):
        self.next_section("The answer")
        target = int(self.data[probe_key("rnn_tanh", "target")])
        arrow = Arrow(self.last_cell.get_right(),
                      self.last_cell.get_right() + RIGHT * READOUT_ARROW, buff=0.05,
                      color=PALETTE.weight_y, stroke_width=4)
        bars = self.get_readout("rnn_tanh", PALETTE.rnn_tanh)
        # level with the last cell, kept clear of the player's corner badge below
        bars.next_to(arrow, RIGHT, buff=READOUT_BUFF)
        fit_right(bars)
        badge_top = LAYOUT.badge_top
        bars.shift(UP * max(0.0, badge_top + 0.1 - bars.get_bottom()[1]))
        who = get_text(self.script["who.rnn"], SIZES.body, PALETTE.rnn_tanh)
        who.next_to(bars, UP, buff=0.3)
        with self.narrate("answer.readout"):
            self.play(GrowArrow(arrow), FadeIn(who), FadeIn(bars))
            self.play(Indicate(self.sentence[1].input_labels[0], color=PALETTE.accent),
                      Indicate(bars[target].name, color=PALETTE.accent))
        with self.narrate("answer.judge"):
            self.play(Circumscribe(bars, color=PALETTE.accent))
        if "answer.lstm" in self.script:  # the LSTM read the same sentence
            lstm_bars = self.get_readout("lstm", PALETTE.lstm)
            lstm_bars.match_height(bars).move_to(bars, aligned_edge=LEFT)  # as fitted
            lstm_who = get_text(self.script["who.lstm"], SIZES.body, PALETTE.lstm).move_to(who)
            with self.narrate("answer.lstm"):
                self.play(ReplacementTransform(bars, lstm_bars),
                          ReplacementTransform(who, lstm_who))
            bars, who = lstm_bars, lstm_who
        self.wait(TIMING.pause)
        self.play(FadeOut(VGroup(self.sentence, arrow, bars, who)))
