"""Charts drawn on the server as inline SVG: no JavaScript, no library, nothing fetched.

The SVG carries a title and a description for screen readers; the page shows the same
figures as a table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 96, 12, 34  # grade names sit right of the plot
MAX_SCORE = 100.0


@dataclass(frozen=True)
class Point:
    day: date
    score: float | None  # None: unrated on that day, drawn as a gap


@dataclass(frozen=True)
class Band:
    grade: str
    low: float  # the grade's minimum score
    label: str


def _x(day: date, first: date, last: date) -> float:
    span = (last - first).days
    inner = WIDTH - LEFT - RIGHT
    return LEFT + (inner / 2 if span == 0 else inner * (day - first).days / span)


def _y(score: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - max(0.0, min(score, MAX_SCORE)) / MAX_SCORE)


def _bands(bands: Sequence[Band]) -> list[str]:
    parts, top = [], MAX_SCORE
    for band in sorted(bands, key=lambda b: -b.low):
        y_top, y_low = _y(top), _y(band.low)
        parts.append(
            f'<rect class="band band-{escape(band.grade)}" x="{LEFT}" y="{y_top:.1f}" '
            f'width="{WIDTH - LEFT - RIGHT}" height="{y_low - y_top:.1f}"/>'
            f'<text class="band-label" x="{WIDTH - RIGHT + 6}" y="{y_top + 14:.1f}" '
            f'text-anchor="start">{escape(band.grade)} {escape(band.label)}</text>'
        )
        if band.low > 0:
            parts.append(
                f'<text class="tick" x="{LEFT - 6}" y="{y_low + 4:.1f}" '
                f'text-anchor="end">{band.low:g}</text>'
            )
        top = band.low
    return parts


def _runs(points: Sequence[Point]) -> list[list[Point]]:
    """Consecutive rated points: an unrated stretch breaks the line."""
    runs: list[list[Point]] = [[]]
    for p in points:
        if p.score is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(p)
    return [r for r in runs if r]


def _line(points: Sequence[Point], first: date, last: date) -> list[str]:
    parts = []
    for run in _runs(points):
        coords = " ".join(f"{_x(p.day, first, last):.1f},{_y(p.score):.1f}" for p in run)
        parts.append(f'<polyline class="score-line" points="{coords}"/>')
    final = next((p for p in reversed(points) if p.score is not None), None)
    if final is not None:
        parts.append(
            f'<circle class="score-dot" cx="{_x(final.day, first, last):.1f}" '
            f'cy="{_y(final.score):.1f}" r="4"/>'
        )
    return parts


def _axis(first: date, last: date) -> list[str]:
    base = HEIGHT - BOTTOM
    parts = [
        f'<line class="axis" x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}"/>',
        f'<text class="tick" x="{LEFT - 6}" y="{_y(MAX_SCORE) + 4:.1f}" '
        f'text-anchor="end">{MAX_SCORE:g}</text>',
    ]
    days = [first] if first == last else [first, first + (last - first) / 2, last]
    anchors = ["middle"] if first == last else ["start", "middle", "end"]
    for day, anchor in zip(days, anchors, strict=True):
        parts.append(
            f'<text class="tick" x="{_x(day, first, last):.1f}" y="{base + 20}" '
            f'text-anchor="{anchor}">{day.isoformat()}</text>'
        )
    return parts


@dataclass(frozen=True)
class Marker:
    day: date  # a day ahead, e.g. when the grade rises if nothing new happens
    label: str


def _marker(marker: Marker, first: date, last: date) -> list[str]:
    x = _x(marker.day, first, last)
    return [
        f'<line class="rise" x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{HEIGHT - BOTTOM}"/>',
        f'<text class="rise-label" x="{x - 6:.1f}" y="{HEIGHT - BOTTOM - 8}" '
        f'text-anchor="end">{escape(marker.label)}</text>',
    ]


def score_chart(
    points: Sequence[Point],
    bands: Sequence[Band],
    title: str,
    summary: str,
    marker: Marker | None = None,
) -> Markup:
    """The score over time on the grade bands, as an `<svg>` element to put in a page;
    a marker extends the time axis to its day and draws a dashed line there."""
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="chart-title chart-desc" preserveAspectRatio="xMidYMid meet">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(summary)}</desc>',
        *_bands(bands),
    ]
    if points:
        first, last = points[0].day, points[-1].day
        if marker is not None and marker.day > last:
            last = marker.day
            parts += _marker(marker, first, last)
        parts += _axis(first, last) + _line(points, first, last)
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated text is escaped above


# Bar charts of the officer console: counts by category, rates by item -----------------

BAR_WIDTH = 56
BAR_GAP = 24
PLOT_HEIGHT = 160
ROW_HEIGHT = 28
LABEL_WIDTH = 180
TRACK_WIDTH = 300
VALUE_WIDTH = 140


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as printed, e.g. "12" or "3.1%"
    css: str = ""  # an extra class, e.g. "grade-A"


def _open(width: int, height: int, title: str, description: str) -> list[str]:
    return [
        f'<svg class="chart bars" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>",
    ]


def column_chart(bars: list[Bar], title: str) -> Markup:
    """Vertical bars, one per category, its value printed above it."""
    top = max((b.value for b in bars), default=0) or 1
    width = len(bars) * (BAR_WIDTH + BAR_GAP) + BAR_GAP
    height = PLOT_HEIGHT + 56
    description = "; ".join(f"{b.label}: {b.text}" for b in bars)
    parts = _open(width, height, title, description)
    base = PLOT_HEIGHT + 20
    parts.append(f'<line class="axis" x1="0" y1="{base}" x2="{width}" y2="{base}"/>')
    for i, bar in enumerate(bars):
        x = BAR_GAP + i * (BAR_WIDTH + BAR_GAP)
        h = round(PLOT_HEIGHT * bar.value / top)
        middle = x + BAR_WIDTH // 2
        parts += [
            f'<rect class="bar {escape(bar.css)}" x="{x}" y="{base - h}" '
            f'width="{BAR_WIDTH}" height="{h}"/>',
            f'<text class="value" x="{middle}" y="{base - h - 6}" text-anchor="middle">'
            f"{escape(bar.text)}</text>",
            f'<text class="label" x="{middle}" y="{base + 22}" text-anchor="middle">'
            f"{escape(bar.label)}</text>",
        ]
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated text is escaped above


def row_chart(bars: list[Bar], title: str, scale_max: float | None = None) -> Markup:
    """Horizontal bars, one row per item: label, bar, printed value."""
    top = scale_max or max((b.value for b in bars), default=0) or 1
    width = LABEL_WIDTH + TRACK_WIDTH + VALUE_WIDTH
    height = max(1, len(bars)) * ROW_HEIGHT + 8
    description = "; ".join(f"{b.label}: {b.text}" for b in bars)
    parts = _open(width, height, title, description)
    for i, bar in enumerate(bars):
        y = 4 + i * ROW_HEIGHT
        length = round(TRACK_WIDTH * min(bar.value, top) / top)
        label = bar.label if len(bar.label) <= 12 else bar.label[:11] + "…"
        parts += [
            f'<text class="label" x="{LABEL_WIDTH - 8}" y="{y + 18}" text-anchor="end">'
            f"{escape(label)}</text>",
            f'<rect class="track" x="{LABEL_WIDTH}" y="{y + 4}" '
            f'width="{TRACK_WIDTH}" height="18"/>',
            f'<rect class="bar {escape(bar.css)}" x="{LABEL_WIDTH}" y="{y + 4}" '
            f'width="{length}" height="18"/>',
            f'<text class="value" x="{LABEL_WIDTH + TRACK_WIDTH + 8}" y="{y + 18}">'
            f"{escape(bar.text)}</text>",
        ]
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated text is escaped above


# Months side by side, each column a stack of layers (grades, kinds of notice) ---------

COLUMN_WIDTH = 20
COLUMN_GAP = 8
STACK_LEFT, STACK_TOP, STACK_HEIGHT, STACK_RIGHT = 52, 14, 180, 28
MONTH_LABEL_EVERY = 6


@dataclass(frozen=True)
class Layer:
    key: str
    label: str
    css: str  # its colour's class, e.g. "grade-A"


@dataclass(frozen=True)
class Column:
    label: str  # e.g. "2026-01"
    values: dict[str, float]  # layer key → value


def _month_labels(columns: Sequence[Column], base: float) -> list[str]:
    """Every sixth label and the last: 24 side by side would overlap on a phone."""
    parts, last = [], len(columns) - 1
    for i, column in enumerate(columns):
        if i % MONTH_LABEL_EVERY and i != last:
            continue
        x = STACK_LEFT + COLUMN_GAP + i * (COLUMN_WIDTH + COLUMN_GAP) + COLUMN_WIDTH / 2
        parts.append(
            f'<text class="tick" x="{x:.1f}" y="{base + 20}" text-anchor="middle">'
            f"{escape(column.label)}</text>"
        )
    return parts


def stacked_columns(
    columns: Sequence[Column],
    layers: Sequence[Layer],
    title: str,
    description: str,
    unit: str = "",
) -> Markup:
    """One column per month, its layers stacked bottom-up in the order given; the scale
    runs from 0 to the tallest column, printed at the top left with `unit`."""
    top = (
        max((sum(c.values.get(layer.key, 0) for layer in layers) for c in columns), default=0) or 1
    )
    width = STACK_LEFT + len(columns) * (COLUMN_WIDTH + COLUMN_GAP) + COLUMN_GAP + STACK_RIGHT
    base = STACK_TOP + STACK_HEIGHT
    parts = _open(width, base + 30, title, description)
    parts[0] = parts[0].replace('class="chart bars"', 'class="chart bars stacked"')
    parts += [
        f'<line class="axis" x1="{STACK_LEFT}" y1="{base}" x2="{width}" y2="{base}"/>',
        f'<text class="tick" x="{STACK_LEFT - 6}" y="{STACK_TOP + 4}" text-anchor="end">'
        f"{top:.4g}{escape(unit)}</text>",
        f'<text class="tick" x="{STACK_LEFT - 6}" y="{base + 4}" text-anchor="end">0</text>',
    ]
    for i, column in enumerate(columns):
        x = STACK_LEFT + COLUMN_GAP + i * (COLUMN_WIDTH + COLUMN_GAP)
        y = float(base)
        for layer in layers:
            h = STACK_HEIGHT * column.values.get(layer.key, 0) / top
            if h <= 0:
                continue
            y -= h
            parts.append(
                f'<rect class="bar {escape(layer.css)}" x="{x}" y="{y:.1f}" '
                f'width="{COLUMN_WIDTH}" height="{h:.1f}"/>'
            )
    parts += _month_labels(columns, base)
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated text is escaped above


# A schematic map: one rounded square per district, roughly where it lies ---------------

TILE, TILE_GAP = 116, 8


@dataclass(frozen=True)
class Tile:
    row: int
    col: int
    name: str
    text: str  # the figure printed under the name, e.g. "62%"
    href: str
    title: str  # what a pointer's tooltip and a screen reader say of the link
    css: str  # its colour bin's class


def tile_map(tiles: Sequence[Tile], title: str, description: str) -> Markup:
    """Each tile a link (`<a>` with a `<title>`) holding a rounded square, the name and
    the figure; the drawing scales with its viewBox, so it fits a phone's width."""
    rows = max((t.row for t in tiles), default=0) + 1
    cols = max((t.col for t in tiles), default=0) + 1
    step = TILE + TILE_GAP
    parts = [
        f'<svg class="chart tile-map" viewBox="0 0 {cols * step} {rows * step}" role="img" '
        f'aria-label="{escape(title)}" preserveAspectRatio="xMidYMid meet">',
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>",
    ]
    for tile in tiles:
        x, y = tile.col * step + TILE_GAP / 2, tile.row * step + TILE_GAP / 2
        middle = x + TILE / 2
        parts.append(
            f'<a href="{escape(tile.href)}" class="tile {escape(tile.css)}">'
            f"<title>{escape(tile.title)}</title>"
            f'<rect x="{x}" y="{y}" width="{TILE}" height="{TILE}" rx="14"/>'
            f'<text class="name" x="{middle}" y="{y + TILE / 2 - 4}" text-anchor="middle">'
            f"{escape(tile.name)}</text>"
            f'<text class="figure" x="{middle}" y="{y + TILE / 2 + 24}" text-anchor="middle">'
            f"{escape(tile.text)}</text></a>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated text is escaped above
