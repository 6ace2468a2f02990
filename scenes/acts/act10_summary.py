"""Act 10, summary and references: the lecture in five lines with its headline numbers,
the tutorial's sources, and where every number came from."""

from manim import *

from scenes.acts import act_named
from scenes.lecture_scene import LectureScene
from scenes.mobjects import fit_width, get_bullets, get_heading, get_text
from scenes.story.acts.act10_summary import REFERENCES
from scenes.theme import LAYOUT, PALETTE, SIZES, TIMING

# The recap's bullets, in order, and the model each is about (its colour); the GRU's only
# where the script has one.
RECAP = (("bptt", None), ("gradient", "rnn_tanh"), ("learned", "rnn_tanh"), ("fixes", None),
         ("cell", "lstm"), ("gru", "gru"))


def get_reference(authors: str, title: str, width: float) -> VGroup:
    """One reference: who and when on the first line, the title below it, muted."""
    who = get_text(authors, SIZES.label, PALETTE.accent)
    what = fit_width(get_text(title, SIZES.small, PALETTE.muted), width)
    return VGroup(who, what).arrange(DOWN, aligned_edge=LEFT, buff=0.08)


class Summary(LectureScene):
    act = act_named("summary")

    def construct(self):
        self.show_chapter_card()
        self.recap_the_lecture()
        self.list_the_references()

    def recap_the_lecture(self):
        self.next_section("Summary")
        heading = get_heading(self.script["heading.summary"])
        recap = [(key, model) for key, model in RECAP if f"bullet.{key}" in self.script]
        # the recap, at a size a phone reads, over the frame below the heading, its lowest
        # line clear of the duration badge
        bullets = get_bullets([self.script[f"bullet.{key}"] for key, _ in recap],
                              size=SIZES.body * 1.15, buff=0.5)
        top = heading.get_bottom()[1] - 0.4
        if bullets.height > top - LAYOUT.badge_top:
            bullets.scale((top - LAYOUT.badge_top) / bullets.height)
        bullets.set_y((top + LAYOUT.badge_top) / 2)
        for bullet, (_, model) in zip(bullets, recap, strict=True):
            if model is not None:  # a bullet about one model, in its colour
                bullet.set_color(PALETTE.model(model))
        self.play(FadeIn(heading))
        for bullet, (key, _) in zip(bullets, recap, strict=True):
            with self.narrate(f"recap.{key}"):
                self.play(FadeIn(bullet, shift=RIGHT * 0.2))
        self.wait(TIMING.pause)
        self.play(FadeOut(VGroup(heading, bullets)))

    def list_the_references(self):
        self.next_section("References")
        heading = get_heading(self.script["heading.references"])
        refs = VGroup(*(get_reference(who, what, 12.6) for who, what in REFERENCES))
        refs.arrange(DOWN, aligned_edge=LEFT, buff=0.28).next_to(heading, DOWN, buff=0.35)
        fit_width(refs).set_x(0)
        lines = [get_text(self.script["credit.tutorial"], SIZES.label),
                 get_text(self.script["credit.numbers"], SIZES.small)]
        if self.voice.credit:  # the voice this scene is narrated with, and its licence
            lines.append(get_text(self.voice.credit, SIZES.small))
        credit = VGroup(*lines).arrange(DOWN, buff=0.12)
        fit_width(credit).next_to(refs, DOWN, buff=0.35)
        # the credit lines, centred, stay above the duration badge's corner
        block, floor = VGroup(refs, credit), LAYOUT.badge_top
        if block.get_bottom()[1] < floor:
            block.scale((block.get_top()[1] - floor) / block.height, about_edge=UP)
        with self.narrate("references"):
            self.play(FadeIn(heading))
            self.play(LaggedStart(*(FadeIn(ref, shift=UP * 0.1) for ref in refs),
                                  lag_ratio=0.4), run_time=TIMING.slow * 2)
        with self.narrate("credit"):
            self.play(Write(credit))
        self.wait(TIMING.slow)
        self.play(FadeOut(VGroup(heading, refs, credit)))
