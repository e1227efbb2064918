"""The service's own words (issue 18, item 9): the violation catalogue a notice cites is
punctuated as Chinese, a confiscation is worded once, and the re-weigh has one name."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from creditsvc.catalogue import violations
from creditsvc.config import PROJECT_ROOT
from creditsvc.models import PenaltyDecision
from creditsvc.services.publication.eligibility import penalty_summary

HAN = r"[\u3400-\u9fff]"
ASCII_MARK_IN_CHINESE = re.compile(rf"{HAN}\s*[(),:;?!/]|[(),:;?!/]\s*{HAN}")
# docs/glossary.md: 复称 is the re-weigh's name; 复秤 is the variant retired.
RETIRED = "复秤"
USER_TEXT = ("creditsvc", "scoring", "notices", "templates", "translations")
USER_TEXT_SUFFIXES = {".py", ".html", ".po", ".csv", ".css", ".txt"}


@pytest.mark.parametrize("code", sorted(violations()))
def test_catalogue_wording_printed_on_notices_is_punctuated_as_chinese(code):
    violation = violations()[code]
    for text in (
        violation.name_zh,
        violation.obligation_basis,
        violation.penalty_basis,
        violation.penalty_summary,
    ):
        assert ASCII_MARK_IN_CHINESE.findall(text) == [], text


@pytest.mark.parametrize("typed", ["作弊秤一台", "没收作弊秤一台"])
def test_a_confiscation_is_worded_once_however_it_was_typed(typed):
    penalty = PenaltyDecision(fine_yuan=Decimal("2000"), confiscation=typed)
    assert penalty_summary(penalty) == "罚款2000元；没收作弊秤一台"


def test_the_re_weigh_has_one_name_in_the_service_s_own_text():
    found = [
        f"{path.relative_to(PROJECT_ROOT)}:{number}"
        for root in USER_TEXT
        for path in sorted((PROJECT_ROOT / root).rglob("*"))
        if path.suffix in USER_TEXT_SUFFIXES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if RETIRED in line
    ]
    assert found == []
