"""Act 1, the hook: a book you barely remember, and what the vanishing gradient problem is."""

from manim import *

from bundle.contract import grad_key
from scenes.acts import act_named
from scenes.lecture_scene import LectureScene
from scenes.mobjects import GradientChart, get_bullets, get_caption, get_heading, get_text
from scenes.story.findings import gradient_ratio
from scenes.story.numbers import number_to_text, number_to_words
from scenes.theme import LAYOUT, PALETTE, SIZES, TIMING

BOOK_LINES = (
    "It was the best of times,",
    "it was the worst of times...",
    "... three hundred pages later ...",
    "... the last page.",
)


def get_title_card() -> VGroup:
    title = get_text("The Vanishing Gradient Problem", SIZES.title, weight="BOLD")
    subtitle = get_text("in recurrent neural networks, with real models", SIZES.body,
                        PALETTE.muted)
    return VGroup(title, subtitle).arrange(DOWN, buff=0.35)


def get_book() -> VGroup:
    """An open book: two pages and a spine."""
    left = Rectangle(width=3.2, height=4.0, color=PALETTE.muted, fill_color=PALETTE.panel,
                     fill_opacity=1, stroke_width=2)
    right = left.copy().next_to(left, RIGHT, buff=0)
    spine = Line(left.get_corner(UR), left.get_corner(DR), color=PALETTE.muted)
    return VGroup(left, right, spine)


class Hook(LectureScene):
    act = act_named("hook")

    def construct(self):
        self.show_chapter_card()
        self.read_a_book()
        self.define_the_problem()
        self.tease_the_data()

    def show_chapter_card(self):
        """The lecture opens on its title, not on a "Part 1" card."""
        card = get_title_card()
        self.add(card)
        with self.narrate("The vanishing gradient problem: why recurrent neural networks "
                          "forget, shown with real models."):
            self.play(Indicate(card[0], color=PALETTE.accent, scale_factor=1.05))
        self.play(FadeOut(card))

    def read_a_book(self):
        book = get_book().shift(UP * 0.3)
        lines = VGroup(*(get_text(line, SIZES.small) for line in BOOK_LINES))
        lines.arrange(DOWN, aligned_edge=LEFT, buff=0.5).move_to(book)
        with self.narrate("Imagine I read a book. When I reach the last page, and try to "
                          "remember the very first sentence, I hardly can."):
            self.play(FadeIn(book))
            self.play(LaggedStart(*(FadeIn(line) for line in lines), lag_ratio=0.5))
            self.play(lines[0].animate.set_opacity(0.15), lines[1].animate.set_opacity(0.35))
        memory = get_caption("memory fades over time", SIZES.body, PALETTE.accent)
        memory.next_to(book, DOWN, buff=0.4)
        with self.narrate("Human memory fades over time. Recurrent neural networks struggle "
                          "in the same way to keep information from early time steps, "
                          "because of the vanishing gradient problem."):
            self.play(Write(memory))
        self.play(FadeOut(VGroup(book, lines, memory)))

    def define_the_problem(self):
        self.next_section("What it is")
        heading = get_heading("What is the vanishing gradient problem?")
        bullets = get_bullets([
            "RNNs are used for sequence tasks",
            "the problem appears during training",
            "it stops RNNs learning long-term dependencies",
            "the gradients that update the weights become tiny",
            "so early time steps get almost no updates",
        ]).next_to(heading, DOWN, buff=0.6)
        self.play(FadeIn(heading))
        texts = (
            "Recurrent networks are widely used for sequence tasks, like language.",
            "The vanishing gradient problem happens while they train.",
            "It prevents them from learning long-term dependencies.",
            "The gradients used to update the weights, during back propagation, become "
            "exceedingly small.",
            "So the earlier steps receive almost no updates, and learning slows to a crawl.",
        )
        for bullet, text in zip(bullets, texts, strict=True):
            with self.narrate(text):
                self.play(FadeIn(bullet, shift=RIGHT * 0.2))
        self.play(FadeOut(VGroup(heading, bullets)))

    def tease_the_data(self):
        self.next_section("A first look at the data")
        norms = self.data[grad_key("rnn_tanh")][-1]
        steps = len(norms)
        low, high = 10.0 ** np.floor(np.log10(norms[norms > 0].min())), norms.max()
        heading = get_heading("A real RNN, trained on a real task")
        chart = GradientChart(norms, low, high, width=10.5, height=3.6).shift(
            DOWN * 0.1 + RIGHT * 0.4)
        bars = chart.bars
        first = get_caption("first word", SIZES.small).next_to(bars[0], DOWN, buff=0.2)
        last = get_caption("last word", SIZES.small).next_to(bars[-1], DOWN, buff=0.2)
        ratio = gradient_ratio(norms)
        note = get_text(ratio_caption(ratio), SIZES.label, PALETTE.accent)
        note.next_to(bars, DOWN, buff=0.8)
        with self.narrate(f"Here is a real recurrent network after training, on a sentence "
                          f"of {steps} words. Each bar is the size of the gradient reaching "
                          f"one word, on a logarithmic scale."):
            self.play(FadeIn(heading), FadeIn(chart.axis))
            self.play(LaggedStart(*(GrowFromEdge(b, DOWN) for b in reversed(bars)),
                                  lag_ratio=0.03), FadeIn(first), FadeIn(last))
        with self.narrate(self.say_what_is_left(ratio)):
            self.play(Write(note))
            self.play(Indicate(bars[0], color=PALETTE.accent, scale_factor=1.6))
        self.wait(TIMING.pause)
        self.play(FadeOut(VGroup(heading, chart, first, last, note)))

    def say_what_is_left(self, ratio: float) -> str:
        flow = self.findings.flow("rnn_tanh")
        if ratio == 0:
            return ("By the time the error signal travels back to the first word, nothing at "
                    "all is left: it underflows to exactly zero. This lecture is about why, "
                    "and what to do about it.")
        if flow == "vanishes":
            return ("By the time the error signal travels back to the first word, almost "
                    "nothing is left. This lecture is about why, and what to do about it.")
        if flow == "grows":
            return (f"In this run the signal even grows on its way back: the first word gets "
                    f"{number_to_words(ratio)} times the last word's. That is the other face "
                    "of the same problem, an exploding gradient. This lecture is about why, "
                    "and what to do about it.")
        return (f"In this run, {number_to_words(ratio)} of the error signal survives the trip "
                "back to the first word: less, but not nothing. This lecture is about why it "
                "shrinks at all, and what to do about it.")


def ratio_caption(ratio: float) -> str:
    """The first word's gradient against the last word's, as the screen writes it."""
    if ratio == 0:
        return "no gradient at all reaches the first word (exactly 0)"
    relation = "times" if ratio > 1 else "of"
    return f"the gradient at the first word is {number_to_text(ratio)} {relation} the last"


class Thumbnail(Scene):
    """The 1280x720 still behind the video."""

    def construct(self):
        self.camera.background_color = PALETTE.background
        card = get_title_card()
        card.set_width(min(card.width, config.frame_width - 2 * LAYOUT.margin))
        self.add(card)
