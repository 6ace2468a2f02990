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
    show_the_network(s)
    run_the_forward_pass(s, found)
    compute_the_loss(s, found)
    apply_the_chain_rule(s, found)
    multiply_small_numbers(s)
    step_down_the_loss(s, found)
    return s


def ff(found: Findings, name: str, form: str = "words", digits: int = DIGITS) -> Number:
    """One of the example's numbers (a name of the contract's ``FEEDFORWARD``)."""
    return found.number(f"feedforward[{name}]", form, digits)


def show_the_network(s: Script) -> None:
    s.show("heading.network", "One neuron, trained by hand")
    s.say("network", "The simplest network: input x, weight w, bias b, and one neuron with a "
          "sigmoid activation f, giving y hat.")


def run_the_forward_pass(s: Script, found: Findings) -> None:
    s.say("forward", "The forward pass: z equals w times x plus b, here {z}, and the "
          "activation makes it the prediction, y hat: {y}.", z=ff(found, "z"),
          y=ff(found, "y_hat"))


def compute_the_loss(s: Script, found: Findings) -> None:
    s.say("loss.general", "The loss compares prediction and truth: the mean squared error "
          "over the training samples.")
    s.show("note.samples", "one training sample: N = {n}",
           n=found.number("feedforward_samples", "count"))
    s.say("loss.ours", "With one sample, it is the square of {t} minus {y}: {loss}.",
          t=ff(found, "y_true"), y=ff(found, "y_hat"), loss=ff(found, "loss"))


def apply_the_chain_rule(s: Script, found: Findings) -> None:
    s.say("chain.rule", "The backward pass: how should w change to lower the loss? The chain "
          "rule splits that gradient into three links, traced backward.")
    s.say("chain.links", "How the loss changes with the prediction: {a}. How the sigmoid "
          "changes with z: {b}. How z changes with w: x, {c}.", a=ff(found, "dloss_dyhat"),
          b=ff(found, "dyhat_dz"), c=ff(found, "dz_dw"))
    s.say("chain.total", "Multiplied together: {g}.", g=ff(found, "dloss_dw"))


def multiply_small_numbers(s: Script) -> None:
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
    s.say("descent.rule", "Gradient descent moves each parameter a step against its "
          "gradient, scaled by the learning rate, eta.")
    move_w_and_b(s, found)
    judge_the_step(s, found, descends, ascends)


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
