"""The lecture's transcript: the narration by chapter, with timestamps, and after each block
what the screen shows, in words and numbers (WCAG 2.1, 1.2.3: an alternative for what is
only seen).

It is made from the same things as the rest of the build: each scene's record gives its
narration blocks and when each is spoken (``narration.blocks``, scene seconds, with the
script line's key), the scene's start in the lecture gives the offset, and the act's script
(scenes/story, from the bundle) gives each block's descriptions
(:meth:`scenes.story.script.Script.describe`), held to the same claims and numbers as the
narration. Written as ``transcript.md`` and ``transcript.html`` from one list of parts.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from lecture.assemble import SceneClip, format_time

__all__ = ["Chapter", "Passage", "chapters_of", "to_html", "to_markdown"]


@dataclass(frozen=True)
class Passage:
    start: float  # in the lecture, seconds
    text: str
    on_screen: tuple[str, ...] = ()


@dataclass
class Chapter:
    title: str
    start: float
    passages: list[Passage] = field(default_factory=list)


def chapters_of(clips: list[SceneClip], records: dict[str, dict],
                on_screen: dict[str, dict[str, list[str]]]) -> list[Chapter]:
    """One chapter per scene: each narration block its record lists, at the scene's start
    plus the block's, with the descriptions its script gives the block's key."""
    chapters = []
    for clip in clips:
        narration = (records.get(clip.name) or {}).get("narration") or {}
        described = on_screen.get(clip.name, {})
        chapter = Chapter(clip.title, clip.start)
        for block in narration.get("blocks", []):
            chapter.passages.append(Passage(
                clip.start + float(block["start"]), block["text"],
                tuple(described.get(block.get("key", ""), ()))))
        chapters.append(chapter)
    return chapters


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def to_markdown(chapters: list[Chapter], title: str, intro: str) -> str:
    lines = [f"# {title}", "", intro, ""]
    for chapter in chapters:
        lines += [f"## {format_time(chapter.start)} {chapter.title}", ""]
        for p in chapter.passages:
            lines += [f"**{format_time(p.start)}** {p.text}", ""]
            if p.on_screen:
                lines += ["> On screen: " + " ".join(_sentence(t) for t in p.on_screen), ""]
    return "\n".join(lines)


PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font: 17px/1.55 system-ui, sans-serif; max-width: 46em; margin: 2em auto;
       padding: 0 1em; color: #1d1f24; }}
h2 {{ margin-top: 2em; }}
time {{ font-variant-numeric: tabular-nums; color: #555; margin-right: .5em; }}
.screen {{ border-left: 4px solid #4a90c2; padding-left: .8em; color: #333; }}
.screen strong {{ font-weight: 600; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p>{intro}</p>
{body}
</body>
</html>
"""


def to_html(chapters: list[Chapter], title: str, intro: str) -> str:
    e = html.escape
    parts = []
    for chapter in chapters:
        parts.append(f'<section>\n<h2><time>{format_time(chapter.start)}</time>'
                     f'{e(chapter.title)}</h2>')
        for p in chapter.passages:
            parts.append(f'<p><time>{format_time(p.start)}</time>{e(p.text)}</p>')
            if p.on_screen:
                parts.append('<p class="screen"><strong>On screen:</strong> '
                             + e(" ".join(_sentence(t) for t in p.on_screen)) + "</p>")
        parts.append("</section>")
    return PAGE.format(title=e(title), intro=e(intro), body="\n".join(parts))
