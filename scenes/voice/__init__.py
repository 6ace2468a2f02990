"""The narration voice: the voices by name and the one choice of voice a build makes
(:mod:`.choice`), the speech services that manim-voiceover calls (:mod:`.services`), the
piper engine (:mod:`.piper`), the lexicon, word timing and loudness. Nothing here draws."""
