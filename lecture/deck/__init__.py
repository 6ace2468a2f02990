"""``lecture slides``: the slide deck (:mod:`.build`), its PDF handout (:mod:`.handout`), a
local server that answers byte ranges (:mod:`.server`) and the page template (``template/``)."""
