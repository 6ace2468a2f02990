"""``lecture slides``: the slide deck. Where slides fall (:mod:`.plan`), their video and
audio cut from the scenes (:mod:`.cut`), the reveal.js page (:mod:`.page`, from
``template/``), the PDF handout (:mod:`.handout`), the whole deck and the command's job
(:mod:`.build`), and a local server that answers byte ranges (:mod:`.server`)."""


class DeckError(Exception):
    """A problem the user can act on; one line."""
