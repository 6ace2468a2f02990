"""Act 1, the hook: a book you barely remember, and what the vanishing gradient problem is.
What it says and shows is its script, scenes/story/acts/act01_hook.py."""

from manim import *

from bundle.contract import grad_key
from scenes.acts import act_named
from scenes.lecture_scene import LectureScene
from scenes.mobjects import (
    GradientChart,
    fit_width,
    get_bullets,
    get_caption,
    get_heading,
    get_text,
    keep_in_frame,
)
from scenes.story.acts.act01_hook import BOOK_LINES, DEFINITION, SUBTITLE, TITLE
from scenes.story.numbers import decades
from scenes.theme import LAYOUT, PALETTE, SIZES, TIMING


def get_title_card(title: str = TITLE, subtitle: str = SUBTITLE) -> VGroup:
    title = get_text(title, SIZES.title, weight="BOLD")
    subtitle = get_text(subtitle, SIZES.body, PALETTE.muted)
    return VGroup(title, subtitle).arrange(DOWN, buff=0.35)


def get_book(page_width: float = 6.0, page_height: float = 6.0) -> VGroup:
    """An open book: two pages and a spine."""
    left = Rectangle(width=page_width, height=page_height, color=PALETTE.muted,
                     fill_color=PALETTE.panel, fill_opacity=1, stroke_width=2)
    right = left.copy().next_to(left, RIGHT, buff=0)
    spine = Line(left.get_corner(UR), left.get_corner(DR), color=PALETTE.muted)
    return VGroup(left, right, spine).move_to(ORIGIN)


class Hook(LectureScene):
    act = act_named("hook")

    def construct(self):
        self.show_chapter_card()
        self.read_a_book()
        self.define_the_problem()
        self.tease_the_data()

    def show_chapter_card(self):
        """The lecture opens on its title, not on a "Part 1" card."""
        card = get_title_card(self.script["card.title"], self.script["card.subtitle"])
        self.add(card)
        with self.narrate("title"):
            self.play(Indicate(card[0], color=PALETTE.accent, scale_factor=1.05))
        self.play(FadeOut(card))

    def read_a_book(self):
        # the book fills the frame above its caption; its first sentence opens the left
        # page, its last lines close the right one, all at one size, as large as fits a page
        book = get_book().shift(UP * 0.3)
        left_page, right_page = book[0], book[1]
        pad = 0.4
        lines = VGroup(*(get_text(self.script[f"book.{i}"], SIZES.body)
                         for i in range(len(BOOK_LINES))))
        widest = max(line.width for line in lines)
        lines.scale(min(1.0, (left_page.width - 2 * pad) / widest))
        first, rest = lines[:2], lines[2:]
        first.arrange(DOWN, aligned_edge=LEFT, buff=0.45)
        first.next_to(left_page.get_corner(UL), DR, buff=pad)
        rest.arrange(DOWN, aligned_edge=LEFT, buff=0.45)
        rest.next_to(right_page.get_corner(DL), UR, buff=pad)
        with self.narrate("book"):
            self.play(FadeIn(book))
            self.play(LaggedStart(*(FadeIn(line) for line in lines), lag_ratio=0.5))
            self.play(lines[0].animate.set_opacity(0.15), lines[1].animate.set_opacity(0.35))
        memory = get_caption(self.script["note.memory"], SIZES.heading, PALETTE.accent)
        memory.next_to(book, DOWN, buff=0.3)
        with self.narrate("memory"):
            self.play(Write(memory))
        self.play(FadeOut(VGroup(book, lines, memory)))

    def define_the_problem(self):
        self.next_section("What it is")
        heading = get_heading(self.script["heading.define"])
        # the list, at a size a phone reads, spread over the frame below the heading
        bullets = get_bullets([self.script[f"bullet.{i}"] for i in range(len(DEFINITION))],
                              size=SIZES.body * 1.2, buff=0.7)
        bottom = LAYOUT.bottom
        bullets.move_to([0, (heading.get_bottom()[1] + bottom) / 2, 0])
        self.play(FadeIn(heading))
        for i, bullet in enumerate(bullets):
            with self.narrate(f"define.{i}"):
                self.play(FadeIn(bullet, shift=RIGHT * 0.2))
        self.play(FadeOut(VGroup(heading, bullets)))

    def tease_the_data(self):
        self.next_section("A first look at the data")
        norms = np.asarray(self.data[grad_key("rnn_tanh")][-1], dtype=float)
        heading = get_heading(self.script["heading.data"])
        # the chart, its axis labels scaled with it, as large as the frame allows above its
        # two captions; the lowest one stays clear of the player's corner badge
        chart = GradientChart(norms, *decades(norms), width=9.0, height=3.6)
        fit_width(chart.scale(4.4 / 3.6)).set_x(0)
        bars = chart.bars
        chart.shift(UP * (-1.8 - bars.get_bottom()[1]))
        first = keep_in_frame(get_caption(self.script["label.first"], SIZES.label * 1.2)
                              .next_to(bars[0], DOWN, buff=0.2))
        last = keep_in_frame(get_caption(self.script["label.last"], SIZES.label * 1.2)
                             .next_to(bars[-1], DOWN, buff=0.2))
        note = fit_width(get_text(self.script["note.ratio"], SIZES.label * 1.1,
                                  PALETTE.accent))
        note.next_to(VGroup(first, last), DOWN, buff=0.25).set_x(0)
        with self.narrate("data"):
            self.play(FadeIn(heading), FadeIn(chart.axis))
            self.play(LaggedStart(*(GrowFromEdge(b, DOWN) for b in reversed(bars)),
                                  lag_ratio=0.03), FadeIn(first), FadeIn(last))
        with self.narrate("left"):
            self.play(Write(note))
            self.play(Indicate(bars[0], color=PALETTE.accent, scale_factor=1.6))
        self.wait(TIMING.pause)
        self.play(FadeOut(VGroup(heading, chart, first, last, note)))
