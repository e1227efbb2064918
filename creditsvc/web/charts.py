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
