"""Documents fit for an archive and for everyone (DESIGN.md §7): every kind is PDF/A-2b,
tagged for screen readers, with every font embedded. The PDFs are opened, not trusted:
poppler's `pdfinfo` and `pdffonts`, and the XMP packet read with pypdf."""

from __future__ import annotations

import pytest

from notices.render import render_pdf
from tests.documents import pdfa_problems, read_pdf
from tests.unit.test_notices_render import BASE, KINDS, pdffonts, run_tool


@pytest.fixture(scope="module")
def rendered():
    return {kind: render_pdf(kind, make(), base_url=BASE).pdf for kind, (make, _) in KINDS.items()}


def pdfinfo(pdf: bytes, tmp_path) -> dict[str, str]:
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf)
    lines = run_tool("pdfinfo", str(path), text=True).stdout.splitlines()
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in lines)}


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_is_pdfa_2b(rendered, kind):
    assert pdfa_problems(rendered[kind]) == []


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_is_tagged_in_chinese_with_every_font_embedded(rendered, kind, tmp_path):
    assert pdfinfo(rendered[kind], tmp_path)["Tagged"] == "yes"
    root = read_pdf(rendered[kind]).trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "zh-CN"  # a screen reader reads it as Chinese
    fonts = pdffonts(rendered[kind], tmp_path)
    assert fonts and all(font["emb"] == "yes" for font in fonts)


def test_the_pdfa_check_fails_on_a_plain_pdf():
    from weasyprint import HTML

    plain = HTML(string="<p lang=zh>诚信</p>").write_pdf()
    assert "no XMP metadata stream" in pdfa_problems(plain)
