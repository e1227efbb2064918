"""Random inspection plans (双随机一公开) and officers' declared conflicts of interest.

Random object: within each risk class of the district's merchants, a share (the class's
ratio) is drawn at random; random inspector: each drawn merchant gets officers drawn at
random from the district's officers, those who declared a conflict with it excluded. The
seed is recorded: the same seed over the same population, officers and conflicts draws
the same plan, so anyone holding them can audit it. Publication (一公开) comes after the
period, and lists the businesses and outcomes, never their risk class.

Must-check (定向抽查, issue 20): merchants of the district with an open fair-scale alert
are added to the plan after the random draw, which is left as it was; their inspectors are
drawn from a second generator seeded from the same seed (`must_check`), so the seed still
reproduces the whole plan.

The draw uses only `random.Random(seed).random()`, whose sequence Python guarantees not to
change between versions (unlike `sample`, `choice` or numpy's generators).
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterator
from datetime import date

from flask import current_app
from sqlalchemy import exists, inspect, select

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import (
    RISK_CLASSES,
    Finding,
    Inspection,
    InspectionPlan,
    InspectionPlanItem,
    Merchant,
    OfficerConflict,
    PlanStatus,
    RiskScore,
    User,
    Void,
)
from creditsvc.principals import CITY, DISTRICT, Principal
from creditsvc.services import audit, lifecycle, scope
from creditsvc.services.errors import Conflict, Forbidden, Invalid, NotFound
from creditsvc.services.instruments import alerts
from creditsvc.services.registry.queries import merchant_in_scope
from creditsvc.services.risk import queries
from creditsvc.services.risk import training as risk_models

INSPECTORS_PER_MERCHANT = 2  # 行政执法 by at least two officers (行政处罚法第四十二条)
UNSCORED_CLASS = "B"  # a merchant the model has not scored yet: the general class
SEED_BITS = 62  # fits a signed BIGINT


def ratios(given: dict[str, float] | None) -> dict[str, float]:
    """The share of each class to draw: as given, else the setting RISK_PLAN_RATIOS."""
    configured = current_app.config["RISK_PLAN_RATIOS"]
    return {c: float((given or {}).get(c, configured[c])) for c in RISK_CLASSES}


def _pick(rnd: random.Random, items: list, k: int) -> list:
    """k items drawn without replacement (a partial Fisher–Yates shuffle on random())."""
    pool = list(items)
    for i in range(min(k, len(pool))):
        j = i + int(rnd.random() * (len(pool) - i))
        pool[i], pool[j] = pool[j], pool[i]
    return pool[: min(k, len(pool))]


def _population(district: str) -> dict[str, list[int]]:
    """Merchant ids of the district in each risk class, in id order."""
    rows = db.session.execute(
        select(Merchant.id, RiskScore.risk_class)
        .outerjoin(RiskScore, RiskScore.merchant_id == Merchant.id)
        .where(Merchant.district_code == district)
        .order_by(Merchant.id)
    ).all()
    classes: dict[str, list[int]] = {c: [] for c in RISK_CLASSES}
    for merchant_id, risk_class in rows:
        classes[risk_class or UNSCORED_CLASS].append(merchant_id)
    return classes


def _officers(district: str) -> list[int]:
    return list(
        db.session.scalars(
            select(User.id)
            .where(User.role == DISTRICT, User.district_code == district, User.active)
            .order_by(User.id)
        )
    )


def _conflicts(officers: list[int]) -> set[tuple[int, int]]:
    rows = db.session.execute(
        select(OfficerConflict.user_id, OfficerConflict.merchant_id).where(
            OfficerConflict.user_id.in_(officers)
        )
    ).all()
    return {(user, merchant) for user, merchant in rows}


def draw(
    seed: int,
    population: dict[str, list[int]],
    officers: list[int],
    conflicts: set[tuple[int, int]],
    shares: dict[str, float],
) -> list[tuple[int, str, list[int]]]:
    """The plan for `seed`: (merchant id, class, inspector ids) in class, then id order."""
    rnd = random.Random(seed)
    items = []
    for risk_class in RISK_CLASSES:
        members = population[risk_class]
        count = int(shares[risk_class] * len(members) + 0.5)
        for merchant in sorted(_pick(rnd, members, count)):
            free = [o for o in officers if (o, merchant) not in conflicts]
            if not free:
                raise Invalid(f"no officer free of a declared conflict for merchant id {merchant}")
            items.append((merchant, risk_class, _pick(rnd, free, INSPECTORS_PER_MERCHANT)))
    return items


def must_check(
    seed: int,
    drawn: list[tuple[int, str, list[int]]],
    must: list[int],
    population: dict[str, list[int]],
    officers: list[int],
    conflicts: set[tuple[int, int]],
) -> list[tuple[int, str, list[int]]]:
    """The must-check merchants the random draw left out, with their class and inspectors
    (drawn from `Random(f"must-check:{seed}")`), in id order."""
    rnd = random.Random(f"must-check:{seed}")
    taken = {merchant for merchant, _, _ in drawn}
    classes = {m: c for c, members in population.items() for m in members}
    items = []
    for merchant in sorted(set(must) - taken):
        free = [o for o in officers if (o, merchant) not in conflicts]
        if not free:
            raise Invalid(f"no officer free of a declared conflict for merchant id {merchant}")
        risk_class = classes.get(merchant, UNSCORED_CLASS)
        items.append((merchant, risk_class, _pick(rnd, free, INSPECTORS_PER_MERCHANT)))
    return items


def create_plan(p: Principal, data: dict) -> InspectionPlan:
    """Draw and store a plan for a district and period; the seed is given or made."""
    district = data["district"]
    if not scope.may_write_district(p, district):
        raise Forbidden("plans are drawn for your own district only", "district")
    if data["period_end"] < data["period_start"]:
        raise Invalid("the period ends before it starts", "period_end")
    officers = _officers(district)
    if not officers:
        raise Invalid(f"district {district} has no active officer to inspect", "district")
    seed = data.get("seed")
    seed = secrets.randbits(SEED_BITS) if seed is None else seed
    shares = ratios(data.get("ratios"))
    population = _population(district)
    conflicts = _conflicts(officers)
    drawn = draw(seed, population, officers, conflicts, shares)
    must = alerts.open_alert_merchants(district)
    added = must_check(seed, drawn, must, population, officers, conflicts)
    model = risk_models.latest()
    plan = InspectionPlan(
        district_code=district,
        period_start=data["period_start"],
        period_end=data["period_end"],
        seed=seed,
        ratios=shares,
        population={c: len(population[c]) for c in RISK_CLASSES},
        model_id=model.id if model else None,
        created_by=p.name,
        items=[
            InspectionPlanItem(
                position=i, merchant_id=m, risk_class=c, inspector_ids=o, must_check=m in must
            )
            for i, (m, c, o) in enumerate(drawn + added)
        ],
    )
    db.session.add(plan)
    db.session.flush()
    audit.record(p.name, "create", plan, district_code=district)
    return plan


def publish(p: Principal, plan: InspectionPlan) -> InspectionPlan:
    """Make the plan's list public (一公开), once its period is over."""
    if not scope.may_write_district(p, plan.district_code):
        raise Forbidden("plans are published by their district's officers")
    lifecycle.require(plan, PlanStatus.DRAWN)
    today = clock.today()
    if today <= plan.period_end:
        raise Conflict(f"a plan is published after its period, which ends {plan.period_end}")
    before = audit.state(plan)
    lifecycle.move(plan, PlanStatus.PUBLISHED)
    plan.published_on, plan.published_by = today, p.name
    audit.record(p.name, "publish", plan, before=before)
    return plan


def attach_inspection(p: Principal, inspection: Inspection, plan_id: int | None) -> None:
    """Record that an inspection carried out a plan's draw (it then feeds the training)."""
    if plan_id is None:
        return
    queries.plan(p, plan_id, field="plan")  # another district's plan looks absent (issue 17)
    item = db.session.scalar(
        select(InspectionPlanItem).where(
            InspectionPlanItem.plan_id == plan_id,
            InspectionPlanItem.merchant_id == inspection.merchant_id,
        )
    )
    if item is None:
        raise Invalid("the merchant was not drawn in that plan", "plan")
    if inspection.kind != "random":
        raise Invalid("an inspection under a plan is of kind 'random'", "kind")
    inspection.plan_id = plan_id
    db.session.flush()


def declare_conflict(p: Principal, data: dict) -> OfficerConflict:
    """An officer (by default the caller) declares a conflict of interest with a merchant."""
    username = data.get("officer") or (p.user.username if p.user else None)
    officer = db.session.scalar(select(User).where(User.username == username))
    if officer is None or officer.role != DISTRICT:
        raise NotFound("no such district officer", "officer")
    if p.role != CITY and officer.district_code != p.district_code:
        raise Forbidden("conflicts are declared for officers of your own district", "officer")
    merchant = merchant_in_scope(p, data["merchant"])
    taken = select(OfficerConflict.id).where(
        OfficerConflict.user_id == officer.id, OfficerConflict.merchant_id == merchant.id
    )
    if db.session.scalar(taken) is not None:
        raise Conflict("this conflict is already declared", "merchant")
    conflict = OfficerConflict(
        user_id=officer.id, merchant_id=merchant.id, reason=data["reason"], declared_by=p.name
    )
    db.session.add(conflict)
    db.session.flush()
    # The city officer may name a merchant of another district than the officer's.
    audit.record(
        p.name,
        "create",
        conflict,
        district_code=officer.district_code,
        also=[merchant.district_code],
    )
    return conflict


# Views ---------------------------------------------------------------------------------


def _outcomes(plan: InspectionPlan) -> dict[int, tuple[date, bool]]:
    """Per merchant: the date of its first inspection under the plan and whether it was
    clean; voided inspections do not count."""
    has_finding = exists().where(Finding.inspection_id == Inspection.id)
    voided = exists().where(Void.evidence_kind == "inspection", Void.evidence_id == Inspection.id)
    rows = db.session.execute(
        select(Inspection.merchant_id, Inspection.inspected_on, ~has_finding)
        .where(Inspection.plan_id == plan.id, ~voided)
        .order_by(Inspection.inspected_on.desc())
    ).all()
    return {merchant: (day, bool(clean)) for merchant, day, clean in rows}


def _rows(plan: InspectionPlan) -> list[dict]:
    outcomes = _outcomes(plan)
    rows = []
    for item in plan.items:
        day, clean = outcomes.get(item.merchant_id, (None, None))
        outcome = "not inspected" if day is None else "clean" if clean else "violations"
        rows.append(
            {
                "item": item,
                "uscc": item.merchant.uscc,
                "name": item.merchant.name,
                "inspected_on": day,
                "outcome": outcome,
            }
        )
    return rows


def officer_view(plan: InspectionPlan) -> dict:
    """The whole plan, with each merchant's class at the draw and its inspectors."""
    ids = {i for item in plan.items for i in item.inspector_ids}
    names = dict(db.session.execute(select(User.id, User.username).where(User.id.in_(ids))).all())
    items = []
    for row in _rows(plan):
        item = row.pop("item")
        inspectors = [names.get(i, str(i)) for i in item.inspector_ids]
        items.append(
            {
                **row,
                "position": item.position,
                "risk_class": item.risk_class,
                "must_check": item.must_check,
                "inspectors": inspectors,
            }
        )
    columns = {attr.key: getattr(plan, attr.key) for attr in inspect(plan).mapper.column_attrs}
    return {**columns, "items": items}


def public_view(plan: InspectionPlan) -> dict:
    """What 一公开 publishes: the businesses drawn and the outcomes, no risk class.

    Listed by USCC: the draw's own order runs class by class, so its last entries would
    tell the internal class D (issue 17, finding 5)."""
    rows = sorted(_rows(plan), key=lambda row: row["uscc"])
    items = [{k: v for k, v in row.items() if k != "item"} for row in rows]
    return {
        "id": plan.id,
        "district": plan.district_code,
        "period_start": plan.period_start,
        "period_end": plan.period_end,
        "seed": plan.seed,
        "published_on": plan.published_on,
        "items": items,
    }


def published_rows() -> Iterator[dict]:
    """Every business of every published plan, newest plan first, as `public_view` lists
    it: the rows of the open-data CSV."""
    for plan in db.session.scalars(queries.published_plans()):
        view = public_view(plan)
        facts = {k: view[k] for k in ("district", "period_start", "period_end", "seed")}
        facts |= {"plan": plan.id, "published_on": plan.published_on}
        for item in view["items"]:
            yield facts | item
