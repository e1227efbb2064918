"""Printed documents (DESIGN.md §7): the PDFs are opened, not trusted.

Fonts are read with poppler's `pdffonts`, text and structure with pypdf. The font check
is shown to fail when the CJK font is missing (a non-existent family in a test-only
stylesheet; a fontconfig that sees no CJK font). The text layer alone cannot show it:
WeasyPrint writes a ToUnicode map for the fallback glyphs, so a page of boxes can still
extract as the right Chinese with pdftotext.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError
from pypdf import PdfReader

from notices.context import load_context
from notices.fetcher import ASSET_ROOTS, AssetFetcher, ResourceRefused
from notices.qr import qr_data_uri
from notices.render import html_to_pdf, render_html, render_pdf
from notices.serials import Serial, SerialError, check_digit, make_serial, parse_serial

PROJECT = Path(__file__).resolve().parents[2]
BASE = "https://cxjl.example.gov.cn"
BUREAU = "上海市徐汇区市场监督管理局"
HOSTILE_NAMES = [
    '<link rel="attachment" href="file:///etc/passwd">',
    '<img src="file:///etc/passwd">',
    "<style>@import url(file:///etc/passwd);</style>",
    '<a rel="attachment" href="file:///etc/passwd">附件</a>',
]


# ---------------------------------------------------------------- contexts


def _head(sequence: int) -> dict:
    serial = make_serial("310104", 2026, sequence)
    return {"bureau": BUREAU, "serial": serial, "verify_url": f"{BASE}/verify/{serial}"}


def exposure(n: int = 3) -> dict:
    entry = {
        "address": "漕溪北路88号",
        "violation_name": "使用以欺骗消费者为目的的计量器具(作弊秤)",
        "obligation_article": "计量法第二十七条",
        "penalty_article": "计量法第二十七条; 计量法实施细则第四十八条",
        "penalty_summary": "没收计量器具和全部违法所得，并处罚款2000元",
        "window_end": "2029-02-01",
    }
    entries = [
        {
            **entry,
            "business_name": f"上海徐汇鲜活水产经营部{i}",
            "uscc": f"92310104MA1FL{i:04d}X",
            "decision_number": f"沪市监徐处〔2026〕{i:04d}号",
            "decision_date": f"2026-02-{i + 1:02d}",
        }
        for i in range(n)
    ]
    period = {"period_from": "2026-01-01", "period_to": "2026-03-31", "issued_on": "2026-04-10"}
    return {**_head(1), "district": "徐汇区", **period, "entries": entries}


def honor_roll(n: int = 200) -> dict:
    streets, trades = ("天平路街道", "湖南路街道", "斜土路街道"), ("水产", "蔬菜", "肉类", "粮油")
    entries = [
        {
            "street": streets[i % 3],
            "trade": trades[i % 4],
            "name": f"龙华菜市场诚信商户{i}",
            "uscc": f"92310104{i:04d}MA1FLX",
            "grade": "A",
            "address": f"龙华菜市场{i}号摊位",
            "demonstration": i % 7 == 0,
        }
        for i in range(n)
    ]
    head = {**_head(2), "district": "徐汇区", "as_of": "2026-04-01", "grade_label": "诚信"}
    return {**head, "entries": entries}


def demonstration() -> dict:
    unit = {"trade": "集贸市场", "address": "天平路1号", "status": "designated"}
    community = {
        "name": "天平路街道诚信计量示范街区",
        "status": "designated",
        "designated_on": "2023-05-01",
        "review_due": "2027-05-01",
        "units": [
            {
                **unit,
                "name": "天平菜市场",
                "uscc": "12310104425000000X",
                "designated_on": "2023-05-01",
            },
            {
                **unit,
                "name": "中石化天平加油站",
                "uscc": "91310104MA1FL0001X",
                "status": "revoked",
                "designated_on": "2023-05-01",
            },
        ],
    }
    building = {"name": "湖南路街道", "status": "building"}
    return {
        **_head(3),
        "district": "徐汇区",
        "as_of": "2026-04-01",
        "communities": [community, building],
    }


def placard(name: str = "上海徐汇诚信水产经营部") -> dict:
    uscc = "91310104MA1FL0000X"
    return {
        **_head(4),
        "merchant_name": name,
        "uscc": uscc,
        "grade": "A",
        "grade_label": "诚信",
        "as_of": "2026-04-01",
        "public_url": f"{BASE}/merchants/{uscc}",
        "address": "龙华菜市场12号摊位",
    }


# ---------------------------------------------------------------- PDF readers


def run_tool(name: str, *args: str, text: bool = False) -> subprocess.CompletedProcess:
    """Run poppler-utils or fontconfig's command line tools (scripts/system-packages.sh test)."""
    path = shutil.which(name)
    assert path, f"{name} missing: run scripts/system-packages.sh test"
    return subprocess.run([path, *args], capture_output=True, text=text, check=True)  # noqa: S603


def pdffonts(pdf: bytes, tmp_path: Path) -> list[dict[str, str]]:
    """Rows of poppler's `pdffonts`, columns sliced by the dashed header line."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    header, dashes, *rows = run_tool("pdffonts", str(path), text=True).stdout.splitlines()
    spans, start = [], 0
    for dash in dashes.split(" "):
        spans.append((start, start + len(dash)))
        start += len(dash) + 1
    keys = [header[a:b].strip() for a, b in spans]
    return [{k: row[a:b].strip() for k, (a, b) in zip(keys, spans, strict=True)} for row in rows]


def cjk_font_problems(fonts: list[dict[str, str]]) -> list[str]:
    """Why the PDF would not print its Chinese properly; empty when every font is an
    embedded Noto CJK face with a real bold among them (a fallback font or Type 3
    glyphs mean some characters were drawn as boxes or synthesised)."""
    problems = [] if fonts else ["no font at all"]
    for font in fonts:
        if font["emb"] != "yes":
            problems.append(f"{font['name']} is not embedded")
        if "Type 3" in font["type"]:
            problems.append(f"{font['name']} is a Type 3 font")
        if "CJK" not in font["name"]:
            problems.append(f"{font['name']} is a fallback, not the CJK font")
    if not any("CJK" in f["name"] and "Bold" in f["name"] for f in fonts):
        problems.append("no bold CJK face")
    return problems


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def squeeze(text: str) -> str:
    return "".join(text.split())


def embedded_files(pdf: bytes) -> list[str]:
    """Every trace of an embedded file: the catalogue's name tree and annotations."""
    reader = PdfReader(io.BytesIO(pdf))
    found = []
    names = reader.trailer["/Root"].get("/Names")
    if names is not None and "/EmbeddedFiles" in names.get_object():
        found.append("/EmbeddedFiles")
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            if annot.get_object().get("/Subtype") == "/FileAttachment":
                found.append("/FileAttachment")
    return found


# ---------------------------------------------------------------- documents

KINDS = {
    "exposure_notice": (exposure, "上海徐汇鲜活水产经营部2"),
    "honor_roll": (honor_roll, "龙华菜市场诚信商户199"),
    "demonstration_listing": (demonstration, "中石化天平加油站"),
    "placard": (placard, "上海徐汇诚信水产经营部"),
}


@pytest.fixture(scope="module")
def rendered():
    return {kind: render_pdf(kind, make(), base_url=BASE) for kind, (make, _) in KINDS.items()}


@pytest.mark.parametrize("kind", KINDS)
def test_pdf_embeds_the_cjk_font_with_a_real_bold(rendered, kind, tmp_path):
    assert cjk_font_problems(pdffonts(rendered[kind].pdf, tmp_path)) == []


@pytest.mark.parametrize("kind", KINDS)
def test_every_page_carries_bureau_serial_and_page_x_of_y(rendered, kind):
    document, (make, name) = rendered[kind], KINDS[kind]
    texts = page_texts(document.pdf)
    serial = make()["serial"]
    assert len(texts) == document.pages
    assert name in squeeze("".join(texts))
    for number, text in enumerate(texts, start=1):
        assert serial in text and BUREAU in text
        assert f"第{number}页/共{document.pages}页" in squeeze(text)


@pytest.mark.parametrize("kind", KINDS)
def test_pages_are_a4_and_the_digest_is_of_the_bytes(rendered, kind):
    document = rendered[kind]
    assert document.sha256 == hashlib.sha256(document.pdf).hexdigest()
    reader = PdfReader(io.BytesIO(document.pdf))
    assert reader.metadata.author == BUREAU
    assert reader.metadata.title == load_context(kind, KINDS[kind][0]())["document_title"]
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


def test_honor_roll_of_200_runs_to_several_pages(rendered):
    document = rendered["honor_roll"]
    assert document.pages > 3
    text = squeeze("".join(page_texts(document.pdf)))
    assert f"共{document.pages}页" in text
    assert all(f"龙华菜市场诚信商户{i}" in text for i in range(200))


def test_placard_is_one_page_with_both_qr_codes():
    html = render_html("placard", placard())
    assert qr_data_uri(f"{BASE}/merchants/91310104MA1FL0000X") in html
    assert qr_data_uri(placard()["verify_url"]) in html


def test_a_page_rasterises_with_ink(rendered, tmp_path):
    path = tmp_path / "p.pdf"
    path.write_bytes(rendered["placard"].pdf)
    run_tool("pdftoppm", "-r", "50", "-png", str(path), str(tmp_path / "p"))
    from PIL import Image

    image = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    width, height = image.size
    assert abs(width - 413) <= 1 and abs(height - 585) <= 1  # A4 (210 × 297 mm) at 50 dpi
    assert image.getextrema()[0] < 64  # black present: text and QR drawn


def test_rendering_is_deterministic():
    assert render_pdf("placard", placard(), base_url=BASE).sha256 == (
        render_pdf("placard", placard(), base_url=BASE).sha256
    )


# ---------------------------------------------------------------- the font check fails without the font


def test_font_check_fails_for_a_missing_font_family(tmp_path):
    css = (ASSET_ROOTS["documents"] / "print.css").read_text(encoding="utf-8")
    (tmp_path / "print.css").write_text(css.replace("Noto Sans CJK SC", "No Such Font"), "utf-8")
    fetcher = AssetFetcher(roots={"documents": tmp_path})
    pdf = html_to_pdf(render_html("placard", placard()), base_url=BASE, fetcher=fetcher)
    problems = cjk_font_problems(pdffonts(pdf, tmp_path))
    assert any("fallback" in p for p in problems), problems


@pytest.mark.slow
def test_font_check_fails_when_no_cjk_font_is_installed(tmp_path):
    listing = run_tool("fc-list", "--format", "%{file}\n", text=True).stdout.split()
    plain = sorted(f for f in listing if "CJK" not in f and f.endswith(".ttf"))
    if not plain:
        pytest.skip("no non-CJK font to stand in for a machine without fonts-noto-cjk")
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "only.ttf").symlink_to(plain[0])
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        f'<?xml version="1.0"?><fontconfig><dir>{tmp_path / "fonts"}</dir>'
        f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>"
    )
    script = (
        "import json, sys; from notices.render import render_pdf; "
        "sys.stdout.buffer.write(render_pdf('placard', json.loads(sys.argv[1]), base_url=sys.argv[2]).pdf)"
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "PYTHONPATH": str(PROJECT)}
    run = subprocess.run(  # noqa: S603 (this interpreter, a fixed script)
        [sys.executable, "-c", script, json.dumps(placard()), BASE], capture_output=True, env=env
    )
    assert run.returncode == 0, run.stderr.decode()[-2000:]
    assert cjk_font_problems(pdffonts(run.stdout, tmp_path))


# ---------------------------------------------------------------- sandbox


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_merchant_name_prints_as_text_and_fetches_nothing(name):
    pdf = render_pdf("placard", placard(name), base_url=BASE).pdf
    text = "".join(page_texts(pdf))
    assert squeeze(name) in squeeze(text)
    assert "root:x:0:0" not in text
    assert embedded_files(pdf) == []


def test_hostile_names_in_a_table_print_as_text():
    data = exposure(len(HOSTILE_NAMES))
    for entry, name in zip(data["entries"], HOSTILE_NAMES, strict=True):
        entry["business_name"] = name
    pdf = render_pdf("exposure_notice", data, base_url=BASE).pdf
    text = squeeze("".join(page_texts(pdf)))
    assert all(squeeze(name) in text for name in HOSTILE_NAMES)
    assert "root:x:0:0" not in text and embedded_files(pdf) == []


def test_raw_markup_cannot_embed_files_even_past_autoescape():
    html = (
        '<html><head><link rel="attachment" href="file:///etc/passwd">'
        '<link rel="attachment" href="notices://documents/print.css"></head><body><p>测试</p>'
        '<img src="file:///etc/passwd"><a rel="attachment" href="notices://documents/print.css">附</a>'
        '<iframe src="file:///etc/passwd"></iframe><object data="file:///etc/passwd"></object>'
        "<style>@import url(file:///etc/passwd);</style></body></html>"
    )
    pdf = html_to_pdf(html, base_url=BASE)
    assert embedded_files(pdf) == []
    assert "root:x:0:0" not in "".join(page_texts(pdf))


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://127.0.0.1:5000/static/css/site.css",
        "https://example.org/x.png",
        "ftp://example.org/x.css",
        "print.css",
        "/etc/passwd",
        "notices://documents/../../../etc/passwd",
        "notices://documents/%2e%2e/%2e%2e/static/css/site.css",
        "notices://documents//etc/passwd.css",
        "notices://documents/..%2f..%2fstatic%2fcss%2fsite.css",
        "notices://elsewhere/print.css",
        "notices://documents/layout.html",
        "notices://documents/missing.css",
        "notices://documents/",
    ],
)
def test_fetcher_refuses(url):
    with pytest.raises(ResourceRefused):
        AssetFetcher().fetch(url)


def test_fetcher_serves_the_print_stylesheet_and_data_uris():
    response = AssetFetcher().fetch("notices://documents/print.css")
    assert response.content_type == "text/css"
    assert b"@page" in response.read()
    assert AssetFetcher().fetch("data:text/plain;base64,6K+a5L+h").read() == "诚信".encode()


def test_fetcher_judges_symlinks_by_where_they_land(tmp_path):
    (tmp_path / "inside.css").write_text("p {}")
    (tmp_path / "alias.css").symlink_to(tmp_path / "inside.css")
    (tmp_path / "passwd.css").symlink_to("/etc/passwd")
    fetcher = AssetFetcher(roots={"documents": tmp_path})
    assert fetcher.fetch("notices://documents/alias.css").read() == b"p {}"
    with pytest.raises(ResourceRefused, match="outside"):
        fetcher.fetch("notices://documents/passwd.css")


# ---------------------------------------------------------------- contexts


def test_context_is_normalised():
    data = placard("  上海徐汇诚信水产经营部 ")
    data["serial"] = data["serial"].lower().replace("-", " - ")
    context = load_context("placard", data)
    assert context["merchant_name"] == "上海徐汇诚信水产经营部"
    assert context["serial"] == make_serial("310104", 2026, 4)
    assert context["grade_label"] == "诚信" and context["document_title"] == "诚信计量公示牌"
    assert str(context["as_of"]) == "2026-04-01"
    naive = dt.datetime(2026, 4, 1, 9, 30)  # noqa: DTZ001 - a naive moment is its own calendar day
    from_objects = load_context("placard", {**data, "as_of": naive})
    assert from_objects["as_of"] == dt.date(2026, 4, 1)
    # 23:30 UTC on 31 March is 07:30 on 1 April in Shanghai: the bureau's day is printed.
    utc = dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC)
    assert load_context("placard", {**data, "as_of": utc})["as_of"] == dt.date(2026, 4, 1)


def test_an_unrated_merchant_gets_a_placard_that_says_so():
    data = {**placard("新开张摊"), "grade": None, "grade_label": None}
    assert load_context("placard", data)["grade_label"] == "未评级"
    text = squeeze("".join(page_texts(render_pdf("placard", data, base_url=BASE).pdf)))
    assert "新开张摊" in text and "未评级" in text
    assert not any(label in text for label in ("基本诚信", "警示", "失信", "评定日期"))


def test_grade_names_are_printed_as_the_caller_gives_them():
    # The scoring policy in force names the grades; the renderer keeps no copy of them.
    assert "守信" in render_html("placard", {**placard(), "grade_label": "守信"})
    assert "A 级（守信）" in render_html("honor_roll", {**honor_roll(2), "grade_label": "守信"})


def test_honor_roll_groups_by_street_then_trade_in_order_given():
    context = load_context("honor_roll", honor_roll(12))
    assert [s["name"] for s in context["streets"]] == ["天平路街道", "湖南路街道", "斜土路街道"]
    first = context["streets"][0]["trades"]
    assert [t["name"] for t in first] == ["水产", "粮油", "肉类", "蔬菜"]
    assert sum(len(t["entries"]) for s in context["streets"] for t in s["trades"]) == 12


@pytest.mark.parametrize(
    ("kind", "change", "field"),
    [
        ("placard", {"grade": "E"}, "grade"),
        ("placard", {"grade_label": None}, "grade_label"),
        ("placard", {"grade_label": " "}, "grade_label"),
        ("honor_roll", {"grade_label": None}, "grade_label"),
        ("placard", {"grade": None, "grade_label": "诚信"}, "grade_label"),
        ("placard", {"uscc": "91310104MA1FL0000"}, "uscc"),
        ("placard", {"owner_id_number": "310104199001011234"}, "owner_id_number"),
        ("placard", {"verify_url": f"{BASE}/verify/SHJL-310104-2026-000001-5"}, "verify_url"),
        ("placard", {"merchant_name": "名称\x00"}, "merchant_name"),
        (
            "placard",
            {"serial": "SHJL-310104-2026-000004-" + str(int(check_digit("3101042026000004")) ^ 1)},
            "serial",
        ),
        ("exposure_notice", {"period_to": "2026-01-31"}, "entries"),
        ("exposure_notice", {"period_from": "2026-04-01"}, "period_from"),
    ],
)
def test_context_rejects(kind, change, field):
    data = {**KINDS[kind][0](), **change}
    with pytest.raises(ValidationError) as raised:
        load_context(kind, data)
    assert field in raised.value.messages


def test_honor_roll_admits_grade_a_only():
    data = honor_roll(3)
    data["entries"][1]["grade"] = "B"
    with pytest.raises(ValidationError, match="grade A"):
        load_context("honor_roll", data)


def test_unknown_kind_and_off_site_qr_are_refused():
    with pytest.raises(ValueError, match="unknown document kind"):
        render_html("receipt", placard())
    with pytest.raises(ValueError, match="not on the public site"):
        render_pdf("placard", placard(), base_url="https://other.example.org")
    with pytest.raises(ValueError, match="http"):
        render_pdf("placard", placard(), base_url=str(PROJECT))


# ---------------------------------------------------------------- serials

districts = st.from_regex(r"[0-9]{6}", fullmatch=True)
years = st.integers(1000, 9999)
sequences = st.integers(1, 999_999)


@given(districts, years, sequences)
def test_serial_round_trip(district, year, sequence):
    text = make_serial(district, year, sequence)
    assert parse_serial(text) == Serial(district, year, sequence)
    assert str(parse_serial(f"  {text.lower()} ")) == text


@settings(max_examples=300)
@given(districts, years, sequences, st.data())
def test_any_single_character_change_is_caught(district, year, sequence, data):
    text = make_serial(district, year, sequence)
    position = data.draw(st.integers(0, len(text) - 1))
    replacement = data.draw(st.characters(codec="utf-8").filter(lambda c: c != text[position]))
    mistyped = text[:position] + replacement + text[position + 1 :]
    # Either refused, or a cosmetic change (case, full width) of the very same serial.
    with contextlib.suppress(SerialError):
        assert parse_serial(mistyped) == Serial(district, year, sequence)


@given(districts, years, sequences, st.data())
def test_any_wrong_digit_or_adjacent_swap_is_refused(district, year, sequence, data):
    text = make_serial(district, year, sequence)
    digits = [i for i, ch in enumerate(text) if ch.isdigit()]
    i = data.draw(st.sampled_from(digits))
    wrong = data.draw(st.sampled_from([d for d in "0123456789" if d != text[i]]))
    with pytest.raises(SerialError, match="check digit"):
        parse_serial(text[:i] + wrong + text[i + 1 :])
    pairs = [i for i in digits if i + 1 in digits and text[i] != text[i + 1]]
    if pairs:
        j = data.draw(st.sampled_from(pairs))
        with pytest.raises(SerialError, match="check digit"):
            parse_serial(text[:j] + text[j + 1] + text[j] + text[j + 2 :])


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("SHJX-310104-2026-000123-0", "prefix"),
        ("SHJL-310104-2026-000123", "shaped"),
        ("SHJL-31O104-2026-000123-0", "shaped"),
        ("SHJL-310104-2026-000000-" + check_digit("3101042026000000"), "never issued"),
        ("SHJL-310104-2026-000123-" + str(int(check_digit("3101042026000123")) ^ 1), "check digit"),
    ],
)
def test_parse_serial_names_the_problem(text, problem):
    with pytest.raises(SerialError, match=problem):
        parse_serial(text)


@pytest.mark.parametrize(
    ("district", "year", "sequence"), [("3101", 2026, 1), ("310104", 26, 1), ("310104", 2026, 0)]
)
def test_make_serial_refuses_what_it_cannot_print(district, year, sequence):
    with pytest.raises(SerialError):
        make_serial(district, year, sequence)
