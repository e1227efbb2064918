"""Demo complaints (投诉) and the transitions of their status.

A complaint is received, verified within a few days and decided some weeks later:
substantiated more often against dishonest merchants, otherwise unfounded or withdrawn
(sometimes before verification began). Complaints of the last weeks are still open. No
complainant's contact is invented: `contact_encrypted` stays empty.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np

from creditsvc.demo import names
from creditsvc.demo.logins import ACTOR as RECORDED_BY
from creditsvc.demo.plan import DISTRICT_CODES, CityPlan, seeded_generator
from creditsvc.demo.streams import (
    HISTORY_DAYS,
    OFFICERS_PER_DISTRICT,
    Stream,
    Subjects,
    allocate,
    days_before,
    merchant_blocks,
)
from creditsvc.models import CHANNELS, TRADES, Complaint, ComplaintStatus, ComplaintTransition

TRADE_WEIGHT = np.array(
    [
        {"market_stall": 1.5, "supermarket": 1.2, "restaurant": 1.0, "fuel_station": 0.8}.get(
            t, 0.5
        )
        for t in TRADES
    ]
)
# Channel shares (CHANNELS order: 12345, 12315, fair_scale, walk_in, other); the fair
# scale's one-key complaint exists only in markets.
STALL_CHANNELS = (0.35, 0.2, 0.35, 0.1, 0.0)
SHOP_CHANNELS = (0.5, 0.35, 0.0, 0.15, 0.0)
ALLEGATIONS = {
    "market_stall": (
        "在该摊位购买{goods}，到公平秤复称少了{grams}克",
        "摊主的电子秤疑似被改装，称重明显偏重",
        "要求复称{goods}，摊主拒绝并态度恶劣",
    ),
    "supermarket": ("购买的称重{goods}回家复称短缺{grams}克", "预包装商品净含量明显不足"),
    "restaurant": ("点的活鲜按斤计价，实际分量短缺约{grams}克", "菜品称重后当面调换，分量不足"),
    "fuel_station": ("加油{liters}升，油箱实际进油明显不足，怀疑加油机作弊",),
    "optical_shop": ("配制的眼镜度数与验光单不符", "验光设备疑似未经检定"),
    "pharmacy_hospital": ("购买的中药饮片称重短缺{grams}克",),
    "other": ("购买的散装商品复称短缺{grams}克", "经营者拒绝当面复称"),
}
REASONS = {
    "verifying": "已受理，转属地市场监管所核查",
    "substantiated": "经现场复称核实，投诉属实，已依法处理",
    "unfounded": "经核查，未发现计量违法行为",
    "withdrawn": "经调解双方达成和解，投诉人撤回投诉",
}
WITHDRAWN_SHARE = 0.08
OFFICE_HOUR_UTC = 2  # 10:00 in Shanghai


def chunks(city: CityPlan, subjects: Subjects, pools: list[list[str]]) -> Stream:
    """Complaints and their transitions, block by block of merchants."""
    rng = seeded_generator(city.seed, "complaints")
    weight = TRADE_WEIGHT[subjects.trade] * (0.1 + 6.0 * (1 - subjects.honesty) ** 2)
    counts = allocate(city.evidence.complaints, weight, rng)
    first = city.layout.first_id
    transition_id = first("complaint_transitions")
    for block, who, start in merchant_blocks(counts):
        rng = seeded_generator(city.seed, "complaints", block + 1)
        ids = first("complaints") + start + np.arange(len(who))
        complaints, transitions = _block(city, subjects, who, ids, rng, pools)
        for number, transition in enumerate(transitions):
            transition["id"] = transition_id + number
        transition_id += len(transitions)
        yield Complaint.__table__, complaints
        yield ComplaintTransition.__table__, transitions


def _block(city, subjects: Subjects, who, ids, rng, pools) -> tuple[list[dict], list[dict]]:
    received = days_before(np.datetime64(city.as_of, "D"), rng.integers(1, HISTORY_DAYS, len(who)))
    stall = subjects.trade[who] == TRADES.index("market_stall")
    shares = np.where(stall[:, None], STALL_CHANNELS, SHOP_CHANNELS)
    channel = (rng.random(len(who))[:, None] >= shares.cumsum(axis=1)).sum(axis=1)
    substantiated = rng.random(len(who)) < 0.05 + 1.2 * (1 - subjects.honesty[who])
    outcome = np.where(substantiated, 2, 3)  # COMPLAINT_STATUSES: substantiated, unfounded
    outcome[rng.random(len(who)) < WITHDRAWN_SHARE] = 4
    verify_after = rng.integers(0, 4, len(who))
    decide_after = verify_after + rng.integers(5, 46, len(who))
    complaints, transitions = [], []
    for i, merchant in enumerate(who):
        district = int(subjects.district[merchant])
        actor = pools[district][int(rng.integers(OFFICERS_PER_DISTRICT))]
        day = received[i].item()
        steps = _steps(day, int(verify_after[i]), int(decide_after[i]), int(outcome[i]), rng)
        steps = [(status, at) for status, at in steps if at.date() < city.as_of]
        complaint = _complaint(int(ids[i]), subjects, int(merchant), int(channel[i]), day, rng)
        _settle(complaint, steps, transitions, actor)
        complaints.append(complaint)
    return complaints, transitions


def _steps(received: date, verify: int, decide: int, outcome: int, rng) -> list:
    """(to_status, moment) of each transition, in order."""
    final = ("received", "verifying", "substantiated", "unfounded", "withdrawn")[outcome]
    if final == "withdrawn" and rng.random() < 0.5:  # withdrawn before verification began
        return [(final, _moment(received, verify, rng))]
    return [("verifying", _moment(received, verify, rng)), (final, _moment(received, decide, rng))]


def _moment(day: date, after: int, rng) -> datetime:
    """Office hours (10:00-18:00 in Shanghai) `after` days after `day`."""
    seconds = (after * 24 + OFFICE_HOUR_UTC) * 3600 + int(rng.integers(0, 8 * 3600))
    return _aware(np.datetime64(day, "s") + np.timedelta64(seconds, "s"))


def _aware(moment: np.datetime64) -> datetime:
    return moment.astype("datetime64[us]").item().replace(tzinfo=UTC)


def _complaint(
    complaint_id: int, subjects: Subjects, merchant: int, channel: int, day, rng
) -> dict:
    trade = TRADES[subjects.trade[merchant]]
    template = ALLEGATIONS[trade][int(rng.integers(len(ALLEGATIONS[trade])))]
    allegation = template.format(
        goods=list(names.GOODS)[subjects.goods[merchant]] if trade == "market_stall" else "商品",
        grams=int(rng.integers(3, 30)) * 10,
        liters=int(rng.integers(20, 60)),
    )
    name = CHANNELS[channel]
    prefix = {"12345": "12345", "12315": "12315", "fair_scale": "FS"}.get(name)
    opened = _aware(np.datetime64(day, "s") + np.timedelta64(OFFICE_HOUR_UTC * 3600, "s"))
    return {
        "id": complaint_id,
        "merchant_id": int(subjects.ids[merchant]),
        "district_code": DISTRICT_CODES[subjects.district[merchant]],
        "channel": name,
        "received_on": day,
        "reference": f"{prefix}-{day:%Y%m%d}-{complaint_id:07d}" if prefix else None,
        "allegation": allegation,
        "status": "received",
        "decided_on": None,
        "contact_encrypted": None,
        "recorded_by": RECORDED_BY,
        "created_at": opened,
        "updated_at": opened,
    }


def _settle(complaint: dict, steps: list, transitions: list[dict], actor: str) -> None:
    """Append the complaint's transitions; its status and decision follow the last one."""
    for status, at in steps:
        transitions.append(
            {
                "complaint_id": complaint["id"],
                "from_status": complaint["status"],
                "to_status": status,
                "actor": actor,
                "reason": REASONS[status],
                "at": at,
            }
        )
        complaint["status"], complaint["updated_at"] = status, at
        if status != ComplaintStatus.VERIFYING:
            complaint["decided_on"] = at.date()
