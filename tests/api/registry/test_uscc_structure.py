"""Issue 20: a USCC is checked for its structure (GB 32100-2015), not only its check
character; the officer's override with a reason still registers a code that fails."""

import pytest

from creditsvc.extensions import db
from creditsvc.models import AuditEntry, Merchant

# Both have a fitting check character; neither can be a real code.
IMPOSSIBLE = ["000000000000000000", "9YYYYYYYYYYYYYYYYG"]


def body(uscc, **more):
    return {"uscc": uscc, "name": "结构检查商户", "trade": "other", "district": "310104", **more}


@pytest.mark.parametrize("code", IMPOSSIBLE)
def test_structurally_invalid_codes_are_refused(world, code):
    response = world.city().post("/api/v1/merchants", json=body(code))
    assert response.status_code == 422
    reason = " ".join(response.json["errors"]["json"]["uscc"])
    assert "does not exist" in reason and "uscc_override_reason" in reason
    assert db.session.query(Merchant).count() == 0


def test_an_officer_registers_one_with_a_recorded_reason(world):
    reason = "登记机关核发的试点代码，营业执照原件已核对"
    response = world.district().post(
        "/api/v1/merchants", json=body(IMPOSSIBLE[1], uscc_override_reason=reason)
    )
    assert response.status_code == 201
    assert (response.json["uscc"], response.json["uscc_override_reason"]) == (
        IMPOSSIBLE[1],
        reason,
    )
    entry = db.session.query(AuditEntry).filter_by(entity="merchants", action="create").one()
    assert entry.reason == reason


def test_a_market_host_may_not_override_the_structure(world):
    market = world.market()
    response = world.host(market).post(
        "/api/v1/merchants",
        json=body(IMPOSSIBLE[0], uscc_override_reason="试点代码，已核对原件", market_id=market.id),
    )
    assert response.status_code == 403
    assert db.session.query(Merchant).count() == 0


def test_every_factory_code_is_well_formed(world):
    from creditsvc import uscc

    for _ in range(3):
        merchant = world.merchant()
        assert uscc.parse(merchant.uscc).code == merchant.uscc
