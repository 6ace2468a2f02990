"""Act 2's script: one sigmoid neuron trained by hand, with the bundle's numbers: the forward
pass, the loss, the chain rule's three links, small numbers multiplied, and one step of
gradient descent, which way it moves w and b and what it does to the loss."""

from __future__ import annotations

from ..findings import Finding, Findings
from ..numbers import Number, digits_to_differ, number_to_words
from ..script import Script

DIGITS = 3  # the example's numbers, said and shown


def script(found: Findings) -> Script:
    s = Script("feedforward")
    show_the_network(s, found)
    run_the_forward_pass(s, found)
    compute_the_loss(s, found)
    apply_the_chain_rule(s, found)
    multiply_small_numbers(s, found)
    step_down_the_loss(s, found)
    return s


def ff(found: Findings, name: str, form: str = "words", digits: int = DIGITS) -> Number:
    """One of the example's numbers (a name of the contract's ``FEEDFORWARD``)."""
    return found.number(f"feedforward[{name}]", form, digits)


def text(found: Findings, name: str, digits: int = DIGITS) -> Number:
    """One of the example's numbers as the screen writes it."""
    return ff(found, name, "text", digits)


def factor_field(found: Findings, name: str, field: str) -> str:
    """A template field for a number multiplied or added in an equation: in parentheses
    when it is negative, as the screen writes it."""
    return f"({{{field}}})" if found.value(f"feedforward[{name}]") < 0 else f"{{{field}}}"


def show_the_network(s: Script, found: Findings) -> None:
    s.show("heading.network", "One neuron, trained by hand")
    s.describe("screen.network", "A diagram: an input x, an arrow with the weight w into a "
               "neuron f, a bias b arriving from below, and an output arrow to y hat. Tags "
               "read x = {x}, w = {w}, b = {b}.", x=text(found, "x"), w=text(found, "w"),
               b=text(found, "b"))
    s.say("network", "The simplest network: input x, weight w, bias b, and one neuron with a "
          "sigmoid activation f, giving y hat.")


def run_the_forward_pass(s: Script, found: Findings) -> None:
    s.describe("screen.forward", "Two equations: z = w · x + b = {w} · {x} + "
               + factor_field(found, "b", "b") + " = {z}, and y hat = f(z) = σ({z2}) = {y}. "
               "A tag y hat = {y2} appears at the output.", w=text(found, "w"),
               x=text(found, "x"), b=text(found, "b"), z=text(found, "z"),
               z2=text(found, "z"), y=text(found, "y_hat"), y2=text(found, "y_hat"))
    s.say("forward", "The forward pass: z equals w times x plus b, here {z}, and the "
          "activation makes it the prediction, y hat: {y}.", z=ff(found, "z"),
          y=ff(found, "y_hat"))


def compute_the_loss(s: Script, found: Findings) -> None:
    s.describe("screen.loss.general", "The equation L = the mean, over N samples, of (y true "
               "− y hat) squared; a tag y true = {t} appears under the y hat tag.",
               t=text(found, "y_true"))
    s.say("loss.general", "The loss compares prediction and truth: the mean squared error "
          "over the training samples.")
    s.show("note.samples", "one training sample: N = {n}",
           n=found.number("feedforward_samples", "count"))
    s.describe("screen.loss.ours", "Below it, with our numbers: L = ({t} − {y}) squared = "
               "{loss}.", t=text(found, "y_true"), y=text(found, "y_hat"),
               loss=text(found, "loss"))
    s.say("loss.ours", "With one sample, it is the square of {t} minus {y}: {loss}.",
          t=ff(found, "y_true"), y=ff(found, "y_hat"), loss=ff(found, "loss"))


def apply_the_chain_rule(s: Script, found: Findings) -> None:
    s.describe("screen.chain.rule", "The chain rule as an equation: dL/dw = dL/d(y hat) × "
               "d(y hat)/dz × dz/dw.")
    s.say("chain.rule", "The backward pass: how should w change to lower the loss? The chain "
          "rule splits that gradient into three links, traced backward.")
    s.describe("screen.chain.links", "The output, the neuron and the weight light up in turn, "
               "and each link's value appears under it: " + factor_field(found, "dloss_dyhat", "a")
               + " × {b} × {c}.",
               a=text(found, "dloss_dyhat"), b=text(found, "dyhat_dz"),
               c=text(found, "dz_dw"))
    s.say("chain.links", "How the loss changes with the prediction: {a}. How the sigmoid "
          "changes with z: {b}. How z changes with w: x, {c}.", a=ff(found, "dloss_dyhat"),
          b=ff(found, "dyhat_dz"), c=ff(found, "dz_dw"))
    s.describe("screen.chain.total", "The line of values ends with their product: = {g}.",
               g=text(found, "dloss_dw"))
    s.say("chain.total", "Multiplied together: {g}.", g=ff(found, "dloss_dw"))


LINKS = ("dloss_dyhat", "dyhat_dz", "dz_dw")  # the chain rule's links, as the screen orders them


def multiply_small_numbers(s: Script, found: Findings) -> None:
    values = [found.value(f"feedforward[{name}]") for name in LINKS]
    small = [name for name, v in zip(LINKS, values, strict=True) if abs(v) < 1]
    if len(small) >= 2:  # the links below one in size, as findings.small_factors picks them
        fields = [f"{{f{i}}}" for i in range(len(small))]
        listed = ", ".join(fields[:-1]) + " and " + fields[-1]
        s.describe("screen.small", "Below, the sizes of the links under one, " + listed
                   + ", are multiplied together, and the product is circled.",
                   **{f"f{i}": text(found, name) for i, name in enumerate(small)})
    else:  # fewer than two: the sigmoid's slope, twice
        s.describe("screen.small", "Below, the size of the sigmoid's slope, {b}, is "
                   "multiplied by itself, and the product is circled.",
                   b=text(found, "dyhat_dz"))
    # The sigmoid's slope, s(1 - s), is at most a quarter for every input: a rule of the
    # function, not a reading of this bundle.
    s.say("small", "Numbers below one multiply to something smaller. The sigmoid's slope is "
          "at most a quarter, and a recurrent network multiplies such factors at every step.",
          free=(r"\bat most\b",))


def step_down_the_loss(s: Script, found: Findings) -> None:
    descends, ascends = found.descends(), found.ascends()
    if descends.holds:
        s.show("heading.descent", "Gradient descent: one step downhill", descends)
    elif ascends.holds:
        s.show("heading.descent", "Gradient descent: one step, too far", ascends)
    else:
        s.show("heading.descent", "Gradient descent: one step", ~descends, ~ascends)
    s.show("note.eta", "learning rate \u03b7 = {lr}", lr=ff(found, "lr", "text"))
    s.show("note.held", "b held at {b}", b=ff(found, "b", "text"))
    describe_the_plot(s, found)
    s.say("descent.rule", "Gradient descent moves each parameter a step against its "
          "gradient, scaled by the learning rate, eta.")
    move_w_and_b(s, found)
    judge_the_step(s, found, descends, ascends)


def describe_the_plot(s: Script, found: Findings) -> None:
    """The update rules and the loss curve, then the step along it, as the screen writes
    them: w and b with enough digits to read differently after the step."""
    dw = digits_to_differ(found.value("feedforward[w]"), found.value("feedforward[w_next]"),
                          digits=DIGITS)
    db = digits_to_differ(found.value("feedforward[b]"), found.value("feedforward[b_next]"),
                          digits=DIGITS)
    s.describe("screen.descent.rule", "The update rules w ← w − η dL/dw and b ← b − η dL/db. "
               "Beside them, the loss L plotted against w, b held fixed, with a dot on the "
               "curve at the current w, {w}.", w=text(found, "w", dw))
    slides = ("the dot slides along the curve to w = {w_end}."
              if found.value("feedforward_change[w]") else "the dot stays where it is.")
    s.describe("screen.descent.move", "A tangent of slope {g} touches the dot. The rules fill "
               "in: w = {w} − {lr} × " + factor_field(found, "dloss_dw", "g2") + " = {w_next}, "
               "b = {b} − {lr2} × " + factor_field(found, "dloss_db", "gb") + " = {b_next}; "
               + slides, g=text(found, "dloss_dw"), w=text(found, "w", dw),
               lr=text(found, "lr"), g2=text(found, "dloss_dw"),
               w_next=text(found, "w_next", dw), b=text(found, "b", db), lr2=text(found, "lr"),
               gb=text(found, "dloss_db"), b_next=text(found, "b_next", db),
               **({"w_end": text(found, "w_next", dw)}
                  if found.value("feedforward_change[w]") else {}))


def change(found: Findings, name: str, before: str, after: str) -> tuple[str, dict]:
    """``name`` (``w``, ``b`` or ``loss``) before and after the step, said with enough digits
    to tell them apart ("from 0.8 to 0.879"), or, where six digits do not, by how much it
    moved ("by 2.1 times ten to the minus 8"). The template's fields are named after
    ``name``."""
    b, a = found.value(before), found.value(after)
    digits = digits_to_differ(b, a, digits=DIGITS)
    if number_to_words(b, digits) != number_to_words(a, digits):
        return (f"from {{{name}_before}} to {{{name}_after}}",
                {f"{name}_before": found.number(before, "words", digits),
                 f"{name}_after": found.number(after, "words", digits)})
    return f"by {{{name}_by}}", {f"{name}_by": found.number(f"feedforward_change[{name}]")}


def move_w_and_b(s: Script, found: Findings) -> None:
    up, down = found.w_up(), found.w_down()
    if up.holds:
        how, values = change(found, "w", "feedforward[w]", "feedforward[w_next]")
        said, claims = "negative, so w increases, " + how, (up,)
    elif down.holds:
        how, values = change(found, "w", "feedforward[w]", "feedforward[w_next]")
        said, claims = "positive, so w decreases, " + how, (down,)
    elif found.value("feedforward[dloss_dw]") == 0:
        said, claims = "zero, so w stays where it is, at {w}", (~up, ~down)
        values = {"w": ff(found, "w")}
    else:  # a slope so small that w - lr * slope rounds back to w
        said, claims = "{g}, too small to move w at all: it stays at {w}", (~up, ~down)
        values = {"g": ff(found, "dloss_dw"), "w": ff(found, "w")}
    if found.value("feedforward_change[b]") == 0:
        bias, more = "The bias stays at {b}.", {"b": ff(found, "b")}
    else:
        how, more = change(found, "b", "feedforward[b]", "feedforward[b_next]")
        bias = f"The bias moves {how}."
    s.say("descent.move", f"The gradient is the slope of the loss curve at w: {said}. {bias}",
          *claims, **values, **more)


def judge_the_step(s: Script, found: Findings, descends: Finding, ascends: Finding) -> None:
    learns = ("repeat small steps many times and the network learns, as long as its "
              "gradients stay a healthy size.")
    if descends.holds:
        s.say("descent.result", "The loss goes down. Repeat this many times and the network "
              "learns, as long as its gradients stay a healthy size.", descends)
    elif ascends.holds:
        how, values = change(found, "loss", "feedforward[loss]", "feedforward_loss_after")
        s.say("descent.result", f"But this step is too big: the loss goes up, {how}. A "
              f"smaller learning rate goes downhill; {learns}", ascends, **values)
    elif found.value("feedforward[dloss_dw]") == found.value("feedforward[dloss_db]") == 0:
        s.say("descent.result", "With a gradient of {g}, the step moves nothing: the loss "
              "stays at {loss}. A network learns only while its gradients stay a healthy "
              "size.", ~descends, ~ascends, g=ff(found, "dloss_dw"), loss=ff(found, "loss"))
    else:
        s.say("descent.result", "This step leaves the loss where it was, at {loss}. Repeat "
              "it many times, and the network learns only while its gradients stay a healthy "
              "size.", ~descends, ~ascends, loss=ff(found, "loss"))
