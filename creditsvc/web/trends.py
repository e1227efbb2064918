"""/statistics: the city's trends by month (grades, fair-scale re-weighs and shorts,
notices published), each as an inline SVG chart, a table and a CSV (issue 22).

Every figure is read from the kept monthly figures (services.statistics), refreshed
nightly: nothing here counts snapshots or readings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _

from creditsvc import clock, spreadsheets
from creditsvc.auth import allow
from creditsvc.models import STATISTICS_SERIES
from creditsvc.principals import PUBLIC
from creditsvc.rate_limits import public_reads
from creditsvc.replicas import serve_from_replicas
from creditsvc.services.registry import queries as registry_queries
from creditsvc.services.statistics import queries
from creditsvc.web import charts, labels

bp = Blueprint("trends", __name__)
serve_from_replicas(bp)  # anonymous reads from a hot standby (creditsvc.replicas)

GRADE_CSS = {"A": "grade-A", "B": "grade-B", "C": "grade-C", "D": "grade-D"}


@dataclass(frozen=True)
class Figure:
    """A chart and the same figures as a table; the CSV is the table's rows."""

    name: str  # of its CSV: /statistics/<name>.csv
    title: str
    chart: object
    headers: list[str]  # as the page shows them
    csv_headers: list[str]  # as the CSV names them (codes, for programs)
    rows: list[list[object]]
    legend: tuple[tuple[str, str], ...] = ()  # (colour class, layer name) when stacked


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.2f}" if whole else ""


def _grades(months: list[queries.MonthFigures]) -> Figure:
    keys = STATISTICS_SERIES["grades"]
    names = [*keys[:-1], _("Unrated")]
    colours = [GRADE_CSS.get(k, "grade-none") for k in keys]
    layers = [charts.Layer(*layer) for layer in zip(keys, names, colours, strict=True)]
    rows = [
        [m.label, *(m.figures[k] for k in keys), percent(m.figures["A"], _rated(m))] for m in months
    ]
    title = _("Businesses by grade at each month's end")
    return Figure(
        "grades",
        title,
        charts.stacked_columns(
            [charts.Column(m.label, m.figures) for m in months], layers, title, _summary(rows)
        ),
        [_("Month"), *names, _("Share at A (%)")],
        ["month", *keys, "share_a_percent"],
        rows,
        tuple((layer.css, layer.label) for layer in layers),
    )


def _rated(month: queries.MonthFigures) -> int:
    return sum(month.figures[k] for k in queries.RATED)


def _readings(months: list[queries.MonthFigures]) -> list[Figure]:
    rows = [
        [
            m.label,
            m.figures["total"],
            m.figures["assessable"],
            m.figures["short"],
            percent(m.figures["short"], m.figures["assessable"]),
        ]
        for m in months
    ]
    headers = [_("Month"), _("Re-weighs"), _("Assessable"), _("Short"), _("Short rate (%)")]
    csv_headers = ["month", "readings", "assessable", "short", "short_rate_percent"]
    count_title = _("Fair-scale re-weighs by month")
    rate_title = _("Short rate of assessable re-weighs by month")
    counts = charts.stacked_columns(
        [charts.Column(m.label, m.figures) for m in months],
        [charts.Layer("total", _("Re-weighs"), "")],
        count_title,
        _summary(rows),
    )
    rates = charts.stacked_columns(
        [charts.Column(r[0], {"rate": float(r[4] or 0)}) for r in rows],
        [charts.Layer("rate", _("Short rate (%)"), "short")],
        rate_title,
        _summary(rows),
        unit="%",
    )
    return [
        Figure("readings", count_title, counts, headers, csv_headers, rows),
        # The rates are a column of the table above: this chart has no table of its own.
        Figure("readings", rate_title, rates, [], [], []),
    ]


def _notices(months: list[queries.MonthFigures]) -> Figure:
    keys = STATISTICS_SERIES["notices"]
    names = [str(labels.NOTICE_KIND_LABELS.get(k, k)) for k in keys]
    rows = [[m.label, *(m.figures[k] for k in keys)] for m in months]
    title = _("Documents published by month, by kind")
    layers = [charts.Layer(k, n, f"kind-{k}") for k, n in zip(keys, names, strict=True)]
    return Figure(
        "notices",
        title,
        charts.stacked_columns(
            [charts.Column(m.label, m.figures) for m in months], layers, title, _summary(rows)
        ),
        [_("Month"), *names],
        ["month", *keys],
        rows,
        tuple((layer.css, layer.label) for layer in layers),
    )


def _summary(rows: list[list[object]]) -> str:
    """The chart's description: its latest month's figures (the table has them all)."""
    return " · ".join(str(cell) for cell in rows[-1]) if rows else ""


FIGURES: dict[str, Callable[[list[queries.MonthFigures]], list[Figure]]] = {
    "grades": lambda months: [_grades(months)],
    "readings": _readings,
    "notices": lambda months: [_notices(months)],
}


def _district() -> str | None:
    """The district chosen (None: the whole city); an unknown code is refused."""
    code = request.args.get("district", "").strip()
    if not code:
        return None
    if code not in {d.code for d in registry_queries.districts()}:
        abort(400, description="district must be a Shanghai district code")
    return code


def figures_of(name: str, district: str | None) -> list[Figure]:
    return FIGURES[name](queries.series(name, clock.today(), district))


@bp.get("/statistics")
@allow(PUBLIC)
@public_reads
def statistics():
    """Trends by month for the city or one district: grades, re-weighs and shorts, notices."""
    district = _district()
    districts = registry_queries.districts()
    return render_template(
        "public/statistics.html",
        district=district,
        districts=districts,
        district_names={d.code: labels.district_name(d) for d in districts},
        figures=[f for name in FIGURES for f in figures_of(name, district)],
        refreshed_at=queries.refreshed_at(),
    )


@bp.get("/statistics/<name>.csv")
@allow(PUBLIC)
@public_reads
def statistics_csv(name: str):
    """One series of /statistics as CSV (UTF-8 with BOM), for the city or a district."""
    if name not in FIGURES:
        abort(404, description=f"no statistics named {name}")
    district = _district()
    figure = figures_of(name, district)[0]
    scope = district or "city"
    return Response(
        spreadsheets.write_csv(figure.csv_headers, figure.rows),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="statistics-{name}-{scope}.csv"'},
    )
