"""Act 10, summary and references: the lecture in five lines with its headline numbers,
the tutorial's sources, and where every number came from."""

from manim import *

from bundle.contract import grad_key, train_key
from scenes.acts import act_named
from scenes.lecture_scene import LectureScene
from scenes.mobjects import fit_width, get_bullets, get_heading, get_text
from scenes.story.findings import gradient_ratio
from scenes.story.numbers import number_to_text, number_to_words, percent_to_text, percent_to_words
from scenes.theme import PALETTE, SIZES, TIMING

# (authors and year, title and venue): the tutorial's references, then the two papers
# behind the fixes the lecture's models use.
REFERENCES = (
    ("colah's blog (2015)", "Understanding LSTM Networks"),
    ("Medium (2024)",
     "Forward and Backward Propagation in Multilayered Neural Networks: A Deep Dive"),
    ("Bengio, Simard & Frasconi (1994), IEEE Trans. Neural Networks 5(2)",
     "Learning Long-term Dependencies with Gradient Descent is Difficult"),
    ("MIT 6.S191 (2024)", "Recurrent Neural Networks, Transformers, and Attention"),
    ("Hochreiter & Schmidhuber (1997), Neural Computation 9(8)", "Long Short-Term Memory"),
    ("Le, Jaitly & Hinton (2015)",
     "A Simple Way to Initialize Recurrent Networks of Rectified Linear Units (IRNN)"),
)
TUTORIAL_AUTHOR = "Masud Rana"


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
        norms = self.data[grad_key("rnn_tanh")][-1]  # (T,) final weights
        ratio = gradient_ratio(norms)
        steps = len(norms)
        rnn = float(self.data[train_key("rnn_tanh", "accuracy")][-1])
        lstm = float(self.data[train_key("lstm", "accuracy")][-1])
        heading = get_heading("Summary")
        found = self.findings
        shown, said = self.sum_up_the_rnn(ratio, steps, rnn, lstm)
        highway = found.highway().holds
        forget = number_to_words(found.forget_mean("lstm"))
        bullets = get_bullets([
            "backpropagation through time multiplies one factor per step",
            *shown,
            "fixes: better activations, identity initialisation, gates",
            "the LSTM's cell state is an additive highway for the gradient" if highway else
            f"the cell state's highway needs a forget gate near 1 (here {forget})",
        ], size=SIZES.body, buff=0.45).move_to(DOWN * 0.2)
        VGroup(bullets[1], bullets[2]).set_color(PALETTE.rnn_tanh)  # the tanh RNN
        bullets[4].set_color(PALETTE.lstm)  # the LSTM's cell state
        texts = (
            "To sum up: back propagation through time multiplies one factor per step.",
            *said,
            "The fixes: better activations, identity initialisation, and gates.",
            "The LSTM's cell state gives the gradient an additive highway back through time."
            if highway else
            "The LSTM's cell state is an additive path for the gradient, but only while its "
            f"forget gate stays near one; in this run it averaged {forget}.",
        )
        self.play(FadeIn(heading))
        for bullet, text in zip(bullets, texts, strict=True):
            with self.narrate(text):
                self.play(FadeIn(bullet, shift=RIGHT * 0.2))
        self.wait(TIMING.pause)
        self.play(FadeOut(VGroup(heading, bullets)))

    def sum_up_the_rnn(self, ratio: float, steps: int, rnn: float, lstm: float
                       ) -> tuple[list[str], list[str]]:
        """The tanh RNN in two bullets and two sentences: its gradient, and what it learned."""
        found = self.findings
        if ratio == 0:
            shown = f"tanh RNN, {steps} words: no gradient reaches the first word"
            said = (f"In a real tanh RNN, on {steps} words, no gradient at all reaches the "
                    "first word: it underflows to exactly zero.")
        else:
            relation = "times" if ratio > 1 else "of"
            shown = (f"tanh RNN, {steps} words: first-word gradient = {number_to_text(ratio)} "
                     f"{relation} the last")
            said = (f"In a real tanh RNN, on {steps} words, the gradient reaching the first "
                    f"word is {number_to_words(ratio, about=True)} {relation} the gradient at "
                    "the last.")
        rnn_shown, rnn_said = percent_to_text(rnn), f"{percent_to_words(rnn)} percent"
        outcome = found.outcome("rnn_tanh")
        lstm_shown, lstm_said = self.the_lstm_beside_it(lstm, outcome == "solved")
        if outcome == "chance":
            learned = f"so it cannot learn: {rnn_shown} accuracy, {lstm_shown}"
            so = "So it" if found.vanishes("rnn_tanh").holds else "It"
            told = f"{so} cannot learn the task: {rnn_said} accuracy, {lstm_said}."
        elif outcome == "solved":
            learned = f"yet at this length it learns: {rnn_shown} accuracy, {lstm_shown}"
            told = (f"Yet at this length it learns the task: {rnn_said} accuracy, "
                    f"{lstm_said}.")
        else:
            learned = f"it learns in part: {rnn_shown} accuracy, {lstm_shown}"
            told = f"It learns the task only in part: {rnn_said} accuracy, {lstm_said}."
        return [shown, learned], [said, told]

    def the_lstm_beside_it(self, lstm: float, rnn_solved: bool) -> tuple[str, str]:
        """The LSTM's accuracy as a clause after the tanh RNN's: shown, then said. A contrast
        ("against") only where the LSTM solved the task and the RNN did not."""
        shown, said = percent_to_text(lstm), f"{percent_to_words(lstm)} percent"
        outcome = self.findings.outcome("lstm")
        if outcome == "solved" and not rnn_solved:
            return f"against {shown} for the LSTM", f"against {said} for the LSTM"
        if outcome == "solved":
            return f"the LSTM {shown}", f"and the LSTM reaches {said}"
        if outcome == "chance":
            return (f"the LSTM near chance ({shown})",
                    f"while in this run the LSTM stays near chance, at {said}")
        return (f"the LSTM only part way ({shown})",
                f"while in this run the LSTM gets only part way, to {said}")

    def list_the_references(self):
        self.next_section("References")
        heading = get_heading("References")
        refs = VGroup(*(get_reference(who, what, 12.6) for who, what in REFERENCES))
        refs.arrange(DOWN, aligned_edge=LEFT, buff=0.28).next_to(heading, DOWN, buff=0.35)
        fit_width(refs).set_x(0)
        generator = self.data.manifest["generator"]
        credit = VGroup(
            get_text(f"Tutorial by {TUTORIAL_AUTHOR}.", SIZES.label),
            get_text(f"Every number came from models trained by this program "
                     f"(seed {self.data.config['seed']}, PyTorch {generator['torch']}).",
                     SIZES.small),
        ).arrange(DOWN, buff=0.12)
        fit_width(credit).next_to(refs, DOWN, buff=0.35)
        with self.narrate("The tutorial draws on colah's blog, a Medium deep dive, Bengio, "
                          "Simard and Frasconi's 1994 paper, and MIT's course. We add the "
                          "original LSTM and IRNN papers."):
            self.play(FadeIn(heading))
            self.play(LaggedStart(*(FadeIn(ref, shift=UP * 0.1) for ref in refs),
                                  lag_ratio=0.4), run_time=TIMING.slow * 2)
        torch = generator["torch"].split("+")[0]
        with self.narrate(f"The tutorial is by {TUTORIAL_AUTHOR}. Every number you saw came "
                          f"from models trained by this program, with seed "
                          f"{self.data.config['seed']}, on PyTorch {torch}. Thank you."):
            self.play(Write(credit))
        self.wait(TIMING.slow)
        self.play(FadeOut(VGroup(heading, refs, credit)))
