"""/grades explains policy version 2 in force (issue 20): its number, adoption day, the
formula in words and what changed from version 1, in Chinese and English."""

from __future__ import annotations

import copy

import pytest

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.principals import Principal
from creditsvc.services.errors import Invalid
from creditsvc.services.standing import policies
from scoring.policy import POLICY_V1


def page(client) -> str:
    response = client.get("/grades")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_grades_explain_version_2_in_both_languages(world, client):
    zh = page(client)
    assert "现行第 2 版评分规则" in zh
    assert f"第 2 版自 {clock.today().isoformat()} 起施行" in zh
    assert "得分 = 100 − 扣分 + 无问题检查加分 − 公平秤扣分" in zh
    assert "与第 1 版相比的变化" in zh and "87.2 分（B）" in zh and "93.2 分（A）" in zh
    assert "同一问题只扣一次分" in zh
    assert "30 天内至少有 30 次复称、短秤率达到 15.0% 或以上" in zh

    client.get("/lang/en")
    en = page(client)
    assert "version 2" in en and "What changed from version 1" in en
    assert "Score = 100 − deductions + clean-inspection credit − fair-scale points" in en
    assert "One fault is deducted once" in en
    assert "at least 30 re-weighs in 30 days show a short-weight rate of 15.0% or more" in en


def test_a_version_without_the_settled_arithmetic_cannot_be_adopted(world):
    document = copy.deepcopy(POLICY_V1) | {"version": 3}
    with pytest.raises(Invalid, match="arithmetic"):
        policies.create(Principal(role="city"), document, "back to version 1")
    db.session.rollback()
    assert policies.current().version == 2
