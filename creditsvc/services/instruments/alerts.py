"""Fair-scale alerts (issue 20, seed §四.2): a business whose short-weight rate on the
market's fair scales stays above the policy's threshold over enough readings is not
given a D by the scale alone. Its district's officers are told, and it goes on the
must-check list (定向抽查) of the district's next random inspection plan; the
inspection decides, and closes the alert.

The rate is the posterior the scorecard estimates (`scoring.scorecard.posterior_short_rate`,
with the policy's fair-scale prior), over the alert's own window. Thresholds live in the
policy document, key `fair_scale_alert`; a policy without it uses ALERT_DEFAULTS."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import numpy as np
from sqlalchemy import func, select

from creditsvc.extensions import db
from creditsvc.models import Device, FairScaleAlert, Merchant, Reading, ReadingDay, Void
from creditsvc.models.base import utcnow
from creditsvc.services import audit
from creditsvc.services.accounts import notifications
from creditsvc.services.standing import policies
from creditsvc.workdays import SHANGHAI
from scoring.policy import Policy
from scoring.scorecard import posterior_short_rate

ALERT_DEFAULTS = {"short_rate": 0.15, "min_readings": 30, "window_days": 30}


def thresholds(policy: Policy) -> dict:
    """The policy's `fair_scale_alert`, with the defaults for what it leaves out."""
    return {**ALERT_DEFAULTS, **(policy.document.get("fair_scale_alert") or {})}


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=SHANGHAI)


def _counts(first: date, last: date) -> list[tuple]:
    """Per merchant with readings on the days of the window: assessable and short ones,
    summed from the daily tallies (voided readings are not in them)."""
    stmt = (
        select(ReadingDay.merchant_id, func.sum(ReadingDay.assessable), func.sum(ReadingDay.short))
        .where(ReadingDay.day.between(first, last))
        .group_by(ReadingDay.merchant_id)
        .having(func.sum(ReadingDay.readings) > 0)
        .order_by(ReadingDay.merchant_id)
    )
    return db.session.execute(stmt).all()


def _places(merchant_ids: list[int], first: date, last: date) -> dict[int, tuple]:
    """A stall and a market the merchants' readings of the window were taken at, for the
    alert to name: asked only for the few merchants over the threshold."""
    voided = select(Void.evidence_id).where(Void.evidence_kind == "reading")
    stmt = (
        select(Reading.merchant_id, func.max(Reading.stall_id), func.max(Device.market_id))
        .join(Device, Device.id == Reading.device_id)
        .where(
            Reading.merchant_id.in_(merchant_ids),
            Reading.measured_at >= _midnight(first),
            Reading.measured_at < _midnight(last + timedelta(days=1)),
            Reading.id.not_in(voided),
        )
        .group_by(Reading.merchant_id)
    )
    return {row[0]: (row[1], row[2]) for row in db.session.execute(stmt)}


def raise_alerts(today: date, actor: str = "system:fair-scale-alerts") -> list[FairScaleAlert]:
    """Open an alert for each merchant over the threshold without one open; tell its
    district's officers. Flushes; the caller commits."""
    policy = policies.current()
    limits = thresholds(policy)
    prior = policy.document["fair_scale"]
    first = today - timedelta(days=int(limits["window_days"]) - 1)
    rows = _counts(first, today)
    if not rows:
        return []
    table = np.array([(r[1], r[2]) for r in rows], dtype=np.float64)
    rates = posterior_short_rate(
        table[:, 1], table[:, 0], prior["prior_short"], prior["prior_within"]
    )
    over = [
        (row, float(rate))
        for row, rate in zip(rows, rates, strict=True)
        if row[1] >= limits["min_readings"] and rate > limits["short_rate"]
    ]
    if not over:
        return []
    ids = [row[0] for row, _ in over]
    places = _places(ids, first, today)
    already = set(
        db.session.scalars(
            select(FairScaleAlert.merchant_id).where(
                FairScaleAlert.merchant_id.in_(ids), FairScaleAlert.closed_at.is_(None)
            )
        )
    )
    merchants = {m.id: m for m in db.session.scalars(select(Merchant).where(Merchant.id.in_(ids)))}
    opened = []
    for (merchant_id, assessable, short), rate in over:
        if merchant_id in already:
            continue
        stall_id, market_id = places[merchant_id]
        merchant = merchants[merchant_id]
        alert = FairScaleAlert(
            merchant_id=merchant_id,
            district_code=merchant.district_code,
            stall_id=stall_id,
            market_id=market_id,
            opened_on=today,
            rate=round(rate, 4),
            readings=int(assessable),
            short=int(short),
            policy_version=policy.version,
        )
        db.session.add(alert)
        db.session.flush()
        audit.record(actor, "create", alert)
        notifications.notify(
            notifications.district_officers(merchant.district_code),
            f"公平秤预警：{merchant.name}",
            f"{merchant.name}（{merchant.uscc}）近{limits['window_days']}天公平秤复称"
            f"{int(assessable)}次、短缺{int(short)}次，估计短缺率{rate:.1%}，"
            f"超过{limits['short_rate']:.0%}。已列入下一次双随机抽查计划的定向抽查名单。",
            "fair_scale_alert",
            alert.id,
        )
        opened.append(alert)
    return opened


def close_by_inspections(actor: str, inspections: list[tuple[int, int, date]]) -> int:
    """Close each open alert of a merchant inspected on or after the day it opened."""
    if not inspections:
        return 0
    by_merchant: dict[int, list[tuple[int, date]]] = {}
    for inspection_id, merchant_id, day in inspections:
        by_merchant.setdefault(merchant_id, []).append((inspection_id, day))
    stmt = select(FairScaleAlert).where(
        FairScaleAlert.merchant_id.in_(by_merchant), FairScaleAlert.closed_at.is_(None)
    )
    closed = 0
    for alert in db.session.scalars(stmt):
        after = [(i, d) for i, d in by_merchant[alert.merchant_id] if d >= alert.opened_on]
        if not after:
            continue
        before = audit.state(alert)
        alert.closed_at = utcnow()
        alert.closed_by_inspection_id = min(after, key=lambda x: (x[1], x[0]))[0]
        audit.record(actor, "close", alert, before=before)
        closed += 1
    return closed


def on_inspection_recorded(_sender, *, actor: str, inspections, **_) -> None:
    close_by_inspections(actor, inspections)


def open_alert_merchants(district_code: str) -> list[int]:
    """Merchants of the district with an open alert: the plan's must-check list."""
    stmt = select(FairScaleAlert.merchant_id).where(
        FairScaleAlert.district_code == district_code, FairScaleAlert.closed_at.is_(None)
    )
    return sorted(set(db.session.scalars(stmt)))
