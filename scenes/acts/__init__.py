"""The lecture's acts, in order. One module per act; this list is the table of contents.

Importing this package does not import Manim: the renderer reads the list, then runs each
module in its own ``manim`` process.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ACTS", "Act", "THUMBNAIL"]


@dataclass(frozen=True)
class Act:
    name: str  # the name ``lecture render --only`` takes
    module: str  # scenes/acts/<module>.py
    scene: str  # the scene class in it
    title: str  # the chapter title (the scene's ``title``)


ACTS = (
    Act("hook", "act01_hook", "Hook", "The vanishing gradient problem"),
    Act("feedforward", "act02_feedforward", "TrainingFeedForward",
        "Training a feed-forward network"),
    Act("rnn", "act03_rnn", "HowAnRnnWorks", "How an RNN works"),
    Act("bptt", "act04_bptt", "BackpropThroughTime", "Backpropagation through time"),
    Act("vanish_explode", "act05_vanish_explode", "VanishOrExplode",
        "Vanishing and exploding"),
    Act("why_problem", "act06_why_problem", "WhyItIsAProblem", "Why it is a problem"),
    Act("fixes", "act07_fixes", "ThreeFixes", "Three fixes"),
    Act("lstm", "act08_lstm", "TheLstm", "The LSTM"),
    Act("highway", "act09_highway", "GradientHighway", "The gradient highway"),
    Act("summary", "act10_summary", "Summary", "Summary and references"),
)

# A still for the video's thumbnail, rendered at 1280x720.
THUMBNAIL = Act("thumbnail", "act01_hook", "Thumbnail", "")
