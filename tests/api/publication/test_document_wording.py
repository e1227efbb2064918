"""The words of every published document (issue 18, item 9): Chinese punctuation in
Chinese text, no word printed twice, read from the PDFs the public downloads."""

from __future__ import annotations

import re

import pytest

from tests.documents import KINDS, pdf_of, public_pdf, publish_every_kind, read_pdf

HAN = r"[\u3400-\u9fff]"
# An ASCII bracket, colon, semicolon, comma, question or exclamation mark touching a Chinese
# character: Chinese text takes the full-width mark (GB/T 15834-2011 标点符号用法).
ASCII_MARK_IN_CHINESE = re.compile(rf"{HAN}[(),:;?!]|[(),:;?!]{HAN}")
# A word of two or more characters printed twice in a row (没收没收).
DOUBLED = re.compile(rf"({HAN}{{2,}})\1")


@pytest.fixture
def texts(world) -> dict[str, str]:
    documents = publish_every_kind(world)
    anonymous = world.anonymous()
    return {k: lines_of(pdf_of(anonymous, public_pdf(d)).data) for k, d in documents.items()}


def lines_of(pdf: bytes) -> str:
    """The PDF's text, a line of print per line, without the spaces letter-spacing adds:
    a word is doubled within a line of print, not across a table's cells."""
    text = "\n".join(page.extract_text() for page in read_pdf(pdf).pages)
    return "\n".join("".join(line.split()) for line in text.splitlines())


def test_every_kind_uses_chinese_punctuation_and_prints_no_word_twice(texts):
    assert set(texts) == set(KINDS)
    for kind, text in texts.items():
        assert ASCII_MARK_IN_CHINESE.findall(text) == [], kind
        assert DOUBLED.findall(text) == [], kind
    # What the checks read: the catalogue's wording and the confiscation, once.
    exposure = "".join(texts["exposure"].split())
    assert "（作弊秤、作弊加油机）" in exposure and "罚款20000元；没收作弊秤一台" in exposure


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("没收没收作弊秤", True),
        ("处罚依据:计量法", True),
        ("集贸市场计量监督管理办法(2025)", True),
        ("计量法第二十七条; 计量法实施细则", True),
        ("没收作弊秤；集贸市场计量监督管理办法（2025）", False),
        ("https://cxjl.example.gov.cn/verify/SHJL-310104-2026-000001-5", False),
    ],
)
def test_the_checks_catch_what_they_guard_against(text, wrong):
    squeezed = "".join(text.split())
    assert bool(ASCII_MARK_IN_CHINESE.search(squeezed) or DOUBLED.search(squeezed)) is wrong
