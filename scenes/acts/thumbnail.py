"""The video's thumbnail, a 1280x720 still drawn from the data: the trained tanh RNN's
gradient at every word of its sentence, above the LSTM cell state's, on one log scale, so
the bars that fall away toward the first word stand against the ones that stay (or, in a
run where the LSTM's fall too, show that). Its words are its script,
scenes/story/acts/thumbnail.py. Nothing sits in the bottom-right corner, where YouTube
draws the video's length."""

import os

from manim import *

from bundle.contract import grad_key
from scenes import environment
from scenes.acts import THUMBNAIL
from scenes.layout import LayoutError, in_badge_corner, layout_problems
from scenes.lecture_scene import act_data
from scenes.mobjects import fit_width, get_gradient_bars, get_text
from scenes.story.numbers import decades
from scenes.theme import LAYOUT, PALETTE

ROW_WIDTH = 13.2
GAP = 0.35  # between the title and the rows, and between the rows


class Thumbnail(Scene):
    act = THUMBNAIL

    def construct(self):
        self.camera.background_color = PALETTE.background
        self.data, _, self.script = act_data(self.act)
        title = fit_width(get_text(self.script["title"], 72, weight="BOLD"),
                          config.frame_width - 2 * LAYOUT.margin)
        title.to_edge(UP, buff=LAYOUT.margin)
        rnn = self.data[grad_key("rnn_tanh")][-1]
        lstm = self.data[grad_key("lstm", "c")][-1]
        lo, hi = decades([*rnn[rnn > 0], *lstm[lstm > 0]] or [1.0])
        # the rows share what is left between the title and the badge's corner
        top = title.get_bottom()[1] - GAP
        words = 0.45 + 0.15  # a row's label line and its gap to the bars
        height = (top - LAYOUT.badge_top - GAP - 2 * words) / 2
        rows = VGroup()
        for key, norms in (("rnn", rnn), ("lstm", lstm)):
            rows.add(self.get_row(norms, lo, hi, key, top, height))
            top = rows[-1].get_bottom()[1] - GAP
        right = LAYOUT.badge_left - LAYOUT.margin
        caption = fit_width(get_text(self.script["caption"], 26, PALETTE.muted),
                            right - LAYOUT.left)
        caption.next_to(rows, DOWN, buff=0.25).to_edge(LEFT, buff=LAYOUT.margin)
        self.add(title, rows, caption)
        self.check_layout()

    def get_row(self, norms, lo: int, hi: int, key: str, top: float, height: float
                ) -> VGroup:
        """One model's bars, first word on the left, with its name and what reaches the
        first word, in the model's colour; its words' top at ``top``, its bars as tall as
        ``height`` whatever their values."""
        color = PALETTE.model("rnn_tanh" if key == "rnn" else "lstm")
        name = get_text(self.script[f"label.{key}"], 34, color, weight="BOLD")
        ratio = get_text(self.script[f"ratio.{key}"], 30, PALETTE.text)
        words = fit_width(VGroup(name, ratio).arrange(RIGHT, buff=0.4), ROW_WIDTH)
        left = LAYOUT.left
        words.move_to([left, top, 0], aligned_edge=UL)
        base = words.get_bottom()[1] - 0.15 - height
        bars = get_gradient_bars(norms, lo, hi, ROW_WIDTH, height)
        bars.shift([left + ROW_WIDTH / 2, base + height / 2, 0])  # its floor at base
        floor = Line([left, base, 0], [left + ROW_WIDTH, base, 0], color=PALETTE.muted,
                     stroke_width=2)
        return VGroup(words, bars, floor)

    def check_layout(self):
        """The lecture's layout rules, and the badge's corner clear of anything at all (in
        the lecture, of text)."""
        problems = layout_problems(self.mobjects)
        for m in self.mobjects:
            for part in m.get_family():
                if part.has_points() and in_badge_corner(part.get_right()[0],
                                                         part.get_bottom()[1]):
                    problems.append(f"{type(part).__name__} in the duration badge's corner")
        if problems and os.environ.get(environment.LAYOUT) == "strict":
            raise LayoutError("thumbnail: " + "; ".join(problems))
        for problem in problems:
            logger.warning("layout: thumbnail: %s", problem)
