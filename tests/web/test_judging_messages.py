"""Issue 20's reasons read in Chinese on pages: USCC structure, counted lots."""

from __future__ import annotations

import re

import pytest

from creditsvc import uscc
from creditsvc.web import messages

ENGLISH_WORDS = re.compile(r"[A-Za-z]{2,}(?:[ ,.'-]+[A-Za-z]{2,})+")
HINT = "; an officer may register it with uscc_override_reason"


def structure_message(code: str) -> str:
    with pytest.raises(uscc.USCCError) as caught:
        uscc.parse(code)
    return str(caught.value)


@pytest.mark.parametrize(
    ("message", "chinese"),
    [
        (structure_message("000000000000000000"), "第1位 0 不是"),
        (
            structure_message("9YYYYYYYYYYYYYYYYG") + HINT,
            "第2位 Y 不是登记管理部门 9 下的机构类别代码",
        ),
        (structure_message("91990000MA1FL00007"), "第3至8位 990000 不是行政区划代码"),
        ("a counted lot is counted in whole pieces", "计数商品须按整件计数"),
        ("only an officer may override a USCC check", "只有检查人员可以登记"),
    ],
)
def test_issue_20_reasons_read_in_chinese(app, message, chinese):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        shown = messages.translate(message)
    assert chinese in shown and not ENGLISH_WORDS.search(shown)
