"""Honor-roll rendering: `notices.render_pdf` against WeasyPrint on the bare table.

Run by hand, never in the test suite:

    .venv/bin/python benchmarks/honor_roll_render.py [--entries 1000] [--repeat 5]

It builds a 1,000-entry honor roll (streets, trades, demonstration marks) and renders
it through `render_pdf` (schema, Jinja2, print stylesheet through the sandboxed
fetcher, running header, page counters, QR code, SHA-256). In the same run it renders
the same rows as one bare HTML table with WeasyPrint directly: the same fonts (Noto Sans
CJK SC, bold header cells), A4, minimal CSS, no QR or running header. The renders are
interleaved, repeated, and the medians compared; the target is within 1.3x of bare.

The document's stylesheet uses `table-layout: fixed` (aligned columns across the
per-trade tables, and no measuring of every cell), which the bare table with default
CSS does not. So a second baseline, "bare-fixed", is the same bare table with only
`table-layout: fixed` added: the ratio to it is the cost of the document itself
(schema, template, grouping, header, counters, QR) with the table layout held equal.
No database, no network.
"""

from __future__ import annotations

import argparse
import html
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import weasyprint  # noqa: E402

from notices.render import render_pdf  # noqa: E402
from notices.serials import make_serial  # noqa: E402
from scoring.policy import DEFAULT  # noqa: E402

BASE_URL = "https://cxjl.example.gov.cn"
STREETS = ("天平路街道", "湖南路街道", "斜土路街道", "枫林路街道", "长桥街道", "龙华街道")
TRADES = ("水产", "蔬菜", "肉类", "粮油", "水果", "加油站", "眼镜店")
BARE_CSS = (
    '@page { size: A4; margin: 20mm; } body { font-family: "Noto Sans CJK SC"; font-size: 9pt; }'
    " table { border-collapse: collapse; width: 100%; } th { font-weight: 700; }"
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5, help="renders of each, interleaved")
    return parser.parse_args()


def honor_roll(count: int) -> dict:
    serial = make_serial("310104", 2026, 1)
    entries = [
        {
            "street": STREETS[i % len(STREETS)],
            "trade": TRADES[(i // len(STREETS)) % len(TRADES)],
            "name": f"徐汇区诚信计量商户第{i + 1}号经营部",
            "uscc": f"92310104{i:09d}X",
            "grade": "A",
            "address": f"龙华菜市场{i % 300 + 1}号摊位",
            "demonstration": i % 9 == 0,
        }
        for i in range(count)
    ]
    return {
        "bureau": "上海市徐汇区市场监督管理局",
        "serial": serial,
        "verify_url": f"{BASE_URL}/verify/{serial}",
        "district": "徐汇区",
        "as_of": "2026-04-01",
        "grade_label": DEFAULT.grade_label("A"),
        "entries": entries,
    }


def bare_html(context: dict, extra_css: str = "") -> str:
    """The same rows, in the grouped order the document prints them, as one plain table."""
    order = {s: i for i, s in enumerate(STREETS)}
    rows = sorted(context["entries"], key=lambda e: (order[e["street"]], e["trade"]))
    cells = "".join(
        f"<tr><td>{n}</td><td>{html.escape(e['name'])}</td><td>{html.escape(e['address'])}</td>"
        f"<td>{e['grade']}</td><td>{'示范' if e['demonstration'] else ''}</td></tr>"
        for n, e in enumerate(rows, start=1)
    )
    head = "".join(
        f"<th>{h}</th>" for h in ("序号", "经营者", "经营地址（摊位）", "等级", "示范单位")
    )
    return (
        f'<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<style>{BARE_CSS}{extra_css}</style></head><body><table>"
        f"<thead><tr>{head}</tr></thead><tbody>{cells}</tbody></table></body></html>"
    )


def timed(run: Callable[[], tuple[bytes, int]]) -> tuple[float, int, int]:
    start = time.perf_counter()
    pdf, pages = run()
    return time.perf_counter() - start, len(pdf), pages


def main() -> None:
    args = parse_args()
    context = honor_roll(args.entries)

    def document() -> tuple[bytes, int]:
        rendered = render_pdf("honor_roll", context, base_url=BASE_URL)
        return rendered.pdf, rendered.pages

    def baseline(html_text: str) -> Callable[[], tuple[bytes, int]]:
        def run() -> tuple[bytes, int]:
            rendered = weasyprint.HTML(string=html_text).render()
            return rendered.write_pdf(), len(rendered.pages)

        return run

    contenders = {
        "render_pdf": document,
        "bare": baseline(bare_html(context)),
        "bare-fixed": baseline(bare_html(context, " table { table-layout: fixed; }")),
    }
    for run in contenders.values():
        run()  # warm up: fontconfig, font files and imports
    results: dict[str, list[tuple[float, int, int]]] = {name: [] for name in contenders}
    for _ in range(args.repeat):
        for name, run in contenders.items():
            results[name].append(timed(run))

    print(f"honor roll, {args.entries} entries, {args.repeat} interleaved renders each")
    versions = f"python {platform.python_version()}, weasyprint {weasyprint.__version__}"
    print(f"{versions}, {platform.machine()}, {os.cpu_count()} CPUs")
    medians = {}
    for name, runs in results.items():
        times = [t for t, _, _ in runs]
        medians[name] = statistics.median(times)
        _, size, pages = runs[-1]
        spread = f"median {medians[name]:.2f} s, min {min(times):.2f} s, max {max(times):.2f} s"
        each = " ".join(f"{t:.2f}" for t in times)
        print(f"{name:>10}: {spread}  ({pages} pages, {size / 1024:.0f} KiB)  runs: {each}")
    for baseline_name in ("bare", "bare-fixed"):
        ratio = medians["render_pdf"] / medians[baseline_name]
        print(f"ratio render_pdf / {baseline_name} (medians): {ratio:.2f}x  (target <= 1.30x)")


if __name__ == "__main__":
    main()
