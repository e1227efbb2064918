"""The live badge a business shows on its online shop or WeChat page (issue 22, item 4):
its grade in the placard's colours, the day it was assessed, the service's name and the
business's name, drawn as SVG (text, self-contained) and as PNG (Pillow, for platforms
that refuse SVG).

Both are drawn from one `Face`: the words already in the badge's language. Nothing is
fetched: the PNG's font is the system's CJK font, found on disk by file name as Pillow
looks for fonts (fonts-noto-cjk, else fonts-wqy-microhei); the SVG names a CJK-capable
font stack and the viewer's own fonts draw it.
"""

from __future__ import annotations

import functools
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

# The badge's size in CSS pixels; the PNG is drawn at twice that, sharp on phones.
WIDTH, HEIGHT = 320, 88
PNG_SCALE = 2
# The grade square on the left, and where the text begins beside it.
SQUARE = HEIGHT
TEXT_X = SQUARE + 12
TEXT_WIDTH = WIDTH - TEXT_X - 10
# Text sizes (px) of the four lines: the service, the business, the grade, its date; and
# the baseline (px from the top) of each.
SERVICE_SIZE, NAME_SIZE, GRADE_SIZE, DATE_SIZE, LETTER_SIZE = 11, 16, 13, 11, 48
BASELINES = {"service": 19, "name": 41, "grade": 61, "date": 78}
# The fonts the SVG asks the viewer for, CJK first (no web font: nothing is fetched).
FONT_STACK = (
    "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Hiragino Sans GB', "
    "'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif"
)
# The PNG's fonts: a file name Pillow finds under the system's font folders, and the
# face in the collection (Noto Sans CJK's third face is Simplified Chinese).
PNG_FONTS = {
    "bold": (("NotoSansCJK-Bold.ttc", 2), ("wqy-microhei.ttc", 0)),
    "regular": (("NotoSansCJK-Regular.ttc", 2), ("wqy-microhei.ttc", 0)),
}
# The grade palette's one source (static/css/grades.css), as the site and the placard.
PALETTE = Path(__file__).resolve().parent.parent / "static" / "css" / "grades.css"
TEXT_COLOUR, MUTED_COLOUR, BACKGROUND = "#1b1b1b", "#4a4a4a", "#ffffff"


@dataclass(frozen=True)
class Face:
    """What a badge shows, in its language: the grade's letter ("" when unrated), its
    palette name, and the four lines of text."""

    letter: str
    colour_name: str
    service: str
    name: str
    grade_line: str
    date_line: str
    title: str  # the whole badge in one sentence: the SVG's <title>, the image's alt

    @property
    def colour(self) -> str:
        return palette()[self.colour_name]


@functools.cache
def palette() -> dict[str, str]:
    """The grade colours by name (grade-a … grade-none), read from grades.css."""
    css = PALETTE.read_text(encoding="utf-8")
    return dict(re.findall(r"--(grade-[a-z]+):\s*(#[0-9a-fA-F]{6})", css))


def colour_name(grade: str | None) -> str:
    return f"grade-{grade.lower()}" if grade else "grade-none"


def text_width(text: str, size: float) -> float:
    """About how wide `text` is drawn at `size` px: a wide (CJK) character one em, others
    a little over half of one. Enough to shorten a long name before it overflows."""
    wide = sum(1 for ch in text if unicodedata.east_asian_width(ch) in "WF")
    return (wide + 0.6 * (len(text) - wide)) * size


def shortened(text: str, size: float, room: float = TEXT_WIDTH) -> str:
    """`text` cut to fit `room` px at `size` px, with an ellipsis where it was cut."""
    if text_width(text, size) <= room:
        return text
    while text and text_width(text + "…", size) > room:
        text = text[:-1]
    return text + "…"


# SVG ---------------------------------------------------------------------------------


def svg_context(face: Face) -> dict:
    """What templates/public/badge.svg draws (the template escapes every text)."""
    return {
        "face": face,
        "width": WIDTH,
        "height": HEIGHT,
        "square": SQUARE,
        "text_x": TEXT_X,
        "name": shortened(face.name, NAME_SIZE),
        "grade_line": shortened(face.grade_line, GRADE_SIZE),
        "date_line": shortened(face.date_line, DATE_SIZE),
        "service": shortened(face.service, SERVICE_SIZE),
        "baselines": BASELINES,
        "fonts": FONT_STACK,
        "sizes": {
            "service": SERVICE_SIZE,
            "name": NAME_SIZE,
            "grade": GRADE_SIZE,
            "date": DATE_SIZE,
            "letter": LETTER_SIZE,
        },
        "colours": {"text": TEXT_COLOUR, "muted": MUTED_COLOUR, "background": BACKGROUND},
    }


# PNG ---------------------------------------------------------------------------------


class FontMissing(RuntimeError):
    """No CJK font is installed for the PNG badge (scripts/system-packages.sh installs one)."""


@functools.cache
def _font(weight: str, size: int) -> ImageFont.FreeTypeFont:
    for name, index in PNG_FONTS[weight]:
        try:
            return ImageFont.truetype(name, size, index=index)
        except OSError:
            continue
    raise FontMissing(f"no CJK font for the PNG badge: install fonts-noto-cjk ({weight})")


def png(face: Face) -> bytes:
    """The badge as PNG, WIDTH × HEIGHT drawn at PNG_SCALE."""
    s = PNG_SCALE
    image = Image.new("RGB", (WIDTH * s, HEIGHT * s), BACKGROUND)
    draw = ImageDraw.Draw(image)
    colour = face.colour
    draw.rectangle((0, 0, WIDTH * s - 1, HEIGHT * s - 1), outline=colour, width=2 * s)
    draw.rectangle((0, 0, SQUARE * s, HEIGHT * s), fill=colour)
    letter = face.letter or "—"
    draw.text(
        (SQUARE * s / 2, HEIGHT * s / 2),
        letter,
        fill=BACKGROUND,
        font=_font("bold", LETTER_SIZE * s),
        anchor="mm",
    )
    x = TEXT_X * s
    lines = (
        ("service", face.service, "regular", SERVICE_SIZE, MUTED_COLOUR),
        ("name", face.name, "bold", NAME_SIZE, TEXT_COLOUR),
        ("grade", face.grade_line, "bold", GRADE_SIZE, colour),
        ("date", face.date_line, "regular", DATE_SIZE, MUTED_COLOUR),
    )
    for line, text, weight, size, fill in lines:
        if text:
            position = (x, BASELINES[line] * s)
            font = _font(weight, size * s)
            draw.text(position, shortened(text, size), fill=fill, font=font, anchor="ls")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
