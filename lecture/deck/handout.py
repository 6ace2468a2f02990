"""The deck's handout: an A4 page per slide (its title, its still, its notes), in a PDF.

Each page is one image drawn with Pillow in DejaVu Sans (fonts-dejavu-core). The PDF is
written page by page, so the pages of a long deck are never all in memory, as Pillow's own
multi-page save would hold them.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

__all__ = ["PdfWriter", "handout_page"]

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
PAGE = (1754, 1240)  # A4 landscape at 150 dpi
DPI = 150


def _wrap(draw, text: str, font, width: int) -> list[str]:
    lines = []
    for paragraph in text.split("\n\n"):
        words, line = paragraph.split(), ""
        for word in words:
            trial = f"{line} {word}".strip()
            if line and draw.textlength(trial, font=font) > width:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
        lines.append("")
    return lines[:-1]


def handout_page(title: str, notes: str, still: Image.Image, footer: str) -> Image.Image:
    """A page: the title, the still as large as the notes leave room for, the notes."""
    (w, h), margin = PAGE, 80
    page = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(page)
    bold, body, small = (ImageFont.truetype(str(FONT_BOLD), 30),
                         ImageFont.truetype(str(FONT), 24), ImageFont.truetype(str(FONT), 20))
    draw.text((margin, 50), title, font=bold, fill="#111111")
    lines = _wrap(draw, notes, body, w - 2 * margin)
    line_height = 34
    top, bottom = 110, h - 70
    still_height = min(760, bottom - top - 30 - len(lines) * line_height)
    still_width = round(still_height * still.width / still.height)
    if still_width > w - 2 * margin:
        still_width = w - 2 * margin
        still_height = round(still_width * still.height / still.width)
    picture = still.resize((still_width, still_height), Image.Resampling.LANCZOS,
                           reducing_gap=2.0)
    page.paste(picture, ((w - still_width) // 2, top))
    y = top + still_height + 30
    for line in lines:
        draw.text((margin, y), line, font=body, fill="#222222")
        y += line_height
    draw.text((margin, h - 50), footer, font=small, fill="#666666")
    return page


class PdfWriter:
    """A PDF of full-page JPEG images, written one page at a time so that the pages of a
    long deck are never all in memory (Pillow's multi-page save holds every page)."""

    def __init__(self, path: Path, title: str, dpi: int = DPI):
        self.fp = open(path, "wb")  # closed on leaving the ``with``
        self.dpi, self.offsets, self.pages = dpi, {}, []
        self.fp.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        info = title.encode("utf-16-be").hex().upper()
        self._obj(3, f"<< /Title <FEFF{info}> /Producer (lecture slides) >>".encode())

    def _obj(self, number: int, body: bytes, stream: bytes | None = None) -> None:
        self.offsets[number] = self.fp.tell()
        self.fp.write(b"%d 0 obj\n" % number + body)
        if stream is not None:
            self.fp.write(b"\nstream\n" + stream + b"\nendstream")
        self.fp.write(b"\nendobj\n")

    def add_page(self, jpeg: bytes, size: tuple[int, int]) -> None:
        """A page that is one RGB JPEG image of ``size`` pixels."""
        n = 4 + 3 * len(self.pages)  # page, contents, image
        w, h = (v * 72 / self.dpi for v in size)
        self._obj(n + 2, (f"<< /Type /XObject /Subtype /Image /Width {size[0]} "
                          f"/Height {size[1]} /ColorSpace /DeviceRGB /BitsPerComponent 8 "
                          f"/Filter /DCTDecode /Length {len(jpeg)} >>").encode(), jpeg)
        contents = f"q {w:.2f} 0 0 {h:.2f} 0 0 cm /Im Do Q".encode()
        self._obj(n + 1, b"<< /Length %d >>" % len(contents), contents)
        self._obj(n, (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w:.2f} {h:.2f}] "
                      f"/Resources << /XObject << /Im {n + 2} 0 R >> >> "
                      f"/Contents {n + 1} 0 R >>").encode())
        self.pages.append(n)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if exc_type is None:
            self._finish()
        self.fp.close()

    def _finish(self) -> None:
        kids = " ".join(f"{n} 0 R" for n in self.pages)
        self._obj(1, b"<< /Type /Catalog /Pages 2 0 R >>")
        self._obj(2, f"<< /Type /Pages /Kids [{kids}] /Count {len(self.pages)} >>".encode())
        xref, count = self.fp.tell(), max(self.offsets) + 1
        self.fp.write(b"xref\n0 %d\n0000000000 65535 f \n" % count)
        for n in range(1, count):
            self.fp.write(b"%010d 00000 n \n" % self.offsets[n])
        self.fp.write(b"trailer\n<< /Size %d /Root 1 0 R /Info 3 0 R >>\nstartxref\n%d\n%%%%EOF\n"
                      % (count, xref))
