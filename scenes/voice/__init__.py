"""The narration voice: the voices by name and the one choice of voice a build makes
(:mod:`.choice`), the speech services that manim-voiceover calls (:mod:`.services`), the
neural engines (:mod:`.hibari`, the default, and :mod:`.piper`, sharing :mod:`.neural`),
the lexicon, word timing and loudness. Nothing here draws."""
