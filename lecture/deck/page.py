"""The deck's page: reveal.js, pinned and copied beside the slides (no CDN: it works
offline), one ``<section>`` per slide with the narration as speaker notes."""

from __future__ import annotations

import html
import json
import shutil
import textwrap
from pathlib import Path
from string import Template

from lecture.deck import DeckError
from lecture.deck.plan import Slide

__all__ = ["REVEAL_VERSION", "TEMPLATE", "check_reveal", "write_html"]

REVEAL_VERSION = "6.0.1"  # pinned in template/package.json; manim-slides' default too
TEMPLATE = Path(__file__).resolve().parent / "template"
REVEAL = TEMPLATE / "node_modules" / "reveal.js"
# What the deck needs from the reveal.js package, copied next to it: no CDN, works offline.
REVEAL_FILES = ("dist/reveal.js", "dist/reveal.css", "dist/theme/black.css",
                "dist/plugin/notes.js", "LICENSE")
BACKGROUND = "#14161B"  # scenes.theme.PALETTE.background (that module imports Manim)


def _slide_html(slide: Slide, seconds: float) -> str:
    e = html.escape
    notes = "".join(f"<p>{e(t)}</p>" for t in slide.texts)
    return textwrap.dedent(f"""\
        <section data-background-video="{e(slide.file)}" data-captions="{e(slide.captions)}"
          data-background-size="contain"
          data-background-color="{BACKGROUND}" data-slide="{slide.number}"
          data-scene="{e(slide.scene.name)}" data-duration="{seconds:.6f}">
          <div class="slide-title"><span class="act">{e(slide.act)}</span>
            <span class="step">{e(slide.step)}</span></div>
          <aside class="notes"><p><strong>{e(slide.title)}</strong></p>{notes}</aside>
        </section>""")


def write_html(folder: Path, slides: list[Slide], title: str) -> None:
    sections = "\n".join(_slide_html(s, s.duration) for s in slides)
    page = Template((TEMPLATE / "index.html").read_text(encoding="utf-8")).substitute(
        title=html.escape(title), slides=textwrap.indent(sections, " " * 8),
        reveal_version=REVEAL_VERSION)
    (folder / "index.html").write_text(page, encoding="utf-8")
    for name in ("deck.css", "deck.js"):
        shutil.copyfile(TEMPLATE / name, folder / name)
    for rel in REVEAL_FILES:
        target = folder / "reveal" / Path(rel).relative_to("dist") if rel.startswith(
            "dist/") else folder / "reveal" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REVEAL / rel, target)


def check_reveal() -> None:
    try:
        installed = json.loads((REVEAL / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        installed = None
    if installed != REVEAL_VERSION:
        raise DeckError(f"reveal.js {REVEAL_VERSION} is not installed in {REVEAL.parent} "
                        f"(found: {installed or 'nothing'}); run `bash setup.sh`")
