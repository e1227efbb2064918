"""Demo inspections (检查) with findings, net-content lots and penalty decisions.

Findings are coded from the violation catalogue with its default severity, sometimes
escalated; a lot's verdict comes from `scoring.netcontent.assess_lot` on measurements drawn
around its nominal quantity, and a failing lot brings its SHORT_PREPACK finding, exactly as
`services.inspections.record_inspection` does. A few of the least honest merchants are
caught cheating in the last year (grade D) and a few ordinary ones commit one serious
violation (grade C), so every grade shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from creditsvc.catalogue import violation
from creditsvc.demo import names
from creditsvc.demo.logins import ACTOR as RECORDED_BY
from creditsvc.demo.plan import DISTRICT_CODES, INSTRUMENTS, CityPlan, seeded_generator
from creditsvc.demo.streams import (
    HISTORY_DAYS,
    OFFICERS_PER_DISTRICT,
    Stream,
    Subjects,
    allocate,
    days_before,
    merchant_blocks,
)
from creditsvc.models import INSPECTION_KINDS, SEVERITIES, TRADES, Finding, Inspection
from creditsvc.models import NetContentLot as Lot
from creditsvc.models import PenaltyDecision as Penalty
from creditsvc.services.evidence.inspections import SHORT_PREPACK
from scoring import netcontent

TRADE_WEIGHT = np.array(
    [
        {
            "market_stall": 1.0,
            "restaurant": 0.6,
            "supermarket": 1.5,
            "fuel_station": 1.5,
            "optical_shop": 1.0,
            "pharmacy_hospital": 0.8,
            "other": 0.5,
        }[trade]
        for trade in TRADES
    ]
)
CODES = (
    "REFUSE_RECHECK",
    "SHORT_NOTABLE",
    "UNVERIFIED",
    "SHORT_RETAIL",
    "FAIRSCALE",
    "CHEAT",
    "TAMPER",
)
CHEATING = (CODES.index("CHEAT"), CODES.index("TAMPER"))  # 计量法第二十六、二十七条
SHORT_RETAIL, UNVERIFIED = CODES.index("SHORT_RETAIL"), CODES.index("UNVERIFIED")
WITH_INSTRUMENT = frozenset({"UNVERIFIED", "CHEAT", "TAMPER"})
# How often each trade commits each violation, before honesty weighs in (CODES order).
CODE_WEIGHTS = np.array(
    [
        {
            "market_stall": (3, 1, 3, 4, 0, 1, 0.5),
            "restaurant": (1, 1, 3, 2, 0, 0.5, 0.2),
            "supermarket": (1, 2, 3, 3, 1, 0.3, 0.2),
            "fuel_station": (0.5, 2, 4, 0, 0, 1, 1),
            "optical_shop": (1, 0, 4, 0, 0, 0.2, 0.5),
            "pharmacy_hospital": (1, 1, 3, 2, 0, 0.2, 0.2),
            "other": (1, 2, 2, 2, 0, 0.3, 0.2),
        }[trade]
        for trade in TRADES
    ],
    dtype=float,
)
CODE_SEVERITY = np.array([SEVERITIES.index(violation(code).default_severity) for code in CODES])
LOT_SHARE = np.array(
    [
        {"supermarket": 0.5, "other": 0.2, "pharmacy_hospital": 0.2, "market_stall": 0.03}.get(
            t, 0.0
        )
        for t in TRADES
    ]
)
# Prepackaged goods (定量包装商品) whose net content is checked: name, nominal, unit.
PREPACKED = (
    ("东北大米", 5000, "g"),
    ("东北大米", 10000, "g"),
    ("小麦面粉", 2500, "g"),
    ("食用植物调和油", 5000, "mL"),
    ("酿造酱油", 500, "mL"),
    ("挂面", 1000, "g"),
    ("苏打饼干", 200, "g"),
    ("奶糖", 500, "g"),
    ("绿茶", 250, "g"),
    ("饮用天然水", 550, "mL"),
    ("食用盐", 400, "g"),
    ("洗衣液", 2000, "mL"),
    ("速冻汤圆", 500, "g"),
    ("枸杞", 250, "g"),
    ("西洋参片", 100, "g"),
)
# Kinds (INSPECTION_KINDS positions): complaint-led more often where the merchant is
# dishonest (0.1 + 0.3 x dishonesty); otherwise routine, random (双随机) or campaign.
COMPLAINT_LED = INSPECTION_KINDS.index("complaint")
OTHER_KINDS = ((0, 1, 3), (0.55, 0.3, 0.15))
FORCED_SHARE = 0.002  # of merchants, at least 2 each: caught cheating (D), one serious slip (C)
PENALTY_SHARE = (0.15, 0.55, 0.9)  # of inspections by their worst severity
WARNING_SHARE = (0.4, 0.1, 0.0)
FINES = (
    (200, 500, 1000, 2000),
    (1000, 2000, 5000, 10000, 20000, 30000),
    (5000, 10000, 30000, 50000),
)
CHEAT_FINES = (1000, 2000)  # 计量法实施细则第四十八条: 可并处2000元以下罚款
# 行政处罚法第五十一条: on-the-spot (simplified) decisions up to 200 yuan for a person
# (个体工商户) and 3,000 yuan for an organisation.
SIMPLIFIED_LIMIT = {"2": 200, "1": 3000}
INSTRUMENT_WORD = {
    "pricing_scale": "电子计价秤",
    "fuel_dispenser": "燃油加油机",
    "lensmeter": "焦度计",
}
DESCRIPTIONS = {
    "REFUSE_RECHECK": "消费者当场要求复称，经营者拒绝复核",
    "SHORT_NOTABLE": "结算量与实际量之差超过{instrument}最大允许误差",
    "UNVERIFIED": "{instrument}超过检定周期未申请检定，仍在使用",
    "SHORT_RETAIL": "现场复称{goods}，短缺{grams}克，超过允许负偏差",
    "FAIRSCALE": "未按规定设置公平秤或未进行日常校验",
    "CHEAT": "{instrument}加装遥控作弊装置",
    "TAMPER": "擅自调整{instrument}计量参数，破坏其准确度",
}
NOTES = ("现场检查未发现计量违法行为", "已责令当场改正，依法立案调查")
NONE, CAUGHT, SLIPPED = 0, 1, 2  # forced cases


@dataclass
class Numbering:
    """Running ids of findings, lots and penalties, and decision serials per district-year."""

    finding: int
    lot: int
    penalty: int
    serials: dict[tuple[str, int], int] = field(default_factory=dict)

    def decision_number(self, district: str, year: int) -> str:
        """E.g. 沪市监徐处〔2025〕123号: the district bureau's short name, year and serial."""
        serial = self.serials[district, year] = self.serials.get((district, year), 0) + 1
        return f"沪市监{names.DISTRICTS[district][0][0]}处〔{year}〕{serial}号"


def chunks(city: CityPlan, subjects: Subjects, pools: list[list[str]]) -> Stream:
    """Inspections with their lots, findings and penalties, block by block of merchants."""
    rng = seeded_generator(city.seed, "inspections")
    forced = _forced(subjects, city.evidence.inspections, rng)
    # Steep in dishonesty, here and in the findings and complaints: at 0.75 inspections a
    # merchant in three years, a gentler slope left the risk model too little history to
    # learn from (see BENCHMARKS.md, 'Risk model').
    weight = TRADE_WEIGHT[subjects.trade] * (0.3 + 3.0 * (1 - subjects.honesty))
    extra = allocate(city.evidence.inspections - int((forced > NONE).sum()), weight, rng)
    first = city.layout.first_id
    numbering = Numbering(first("findings"), first("net_content_lots"), first("penalty_decisions"))
    for block, who, start in merchant_blocks(extra + (forced > NONE)):
        rng = seeded_generator(city.seed, "inspections", block + 1)
        ids = first("inspections") + start + np.arange(len(who))
        batch = _Batch(city, subjects, who, forced, rng)
        lots = batch.lots(ids, numbering)
        yield Inspection.__table__, batch.inspection_rows(ids, pools)
        yield Lot.__table__, lots
        yield Finding.__table__, batch.finding_rows(ids, numbering)
        yield Penalty.__table__, batch.penalty_rows(ids, numbering)


def _forced(subjects: Subjects, total: int, rng: np.random.Generator) -> np.ndarray:
    """CAUGHT for the least honest few, SLIPPED for a few of middling honesty."""
    forced = np.full(len(subjects.honesty), NONE)
    each = min(max(2, round(FORCED_SHARE * len(forced))), total // 2, len(forced) // 4)
    if each <= 0:
        return forced
    order = np.argsort(subjects.honesty, kind="stable")
    forced[order[:each]] = CAUGHT
    middle = order[len(order) * 2 // 5 : len(order) * 3 // 5]
    forced[rng.choice(middle, size=min(each, len(middle)), replace=False)] = SLIPPED
    return forced


def _sample(weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One column index per row of `weights`, drawn in proportion to the row."""
    cumulative = weights.cumsum(axis=1)
    u = rng.random(len(weights)) * cumulative[:, -1]
    return (u[:, None] >= cumulative).sum(axis=1)


def _evening(dates: np.ndarray) -> np.ndarray:
    """17:00 in Shanghai (09:00 UTC) of each date: when the day's record was entered."""
    return dates.astype("datetime64[s]") + np.timedelta64(9 * 3600, "s")


class _Batch:
    """One block of inspections, drawn together and then written table by table."""

    def __init__(self, city: CityPlan, subjects: Subjects, who, forced, rng) -> None:
        self.city, self.subjects, self.who, self.forced, self.rng = city, subjects, who, forced, rng
        self.honesty = subjects.honesty[who]
        # A forced case is the first inspection of its merchant.
        self.force = np.where(np.r_[True, who[1:] != who[:-1]], forced[who], NONE)
        days = rng.integers(1, HISTORY_DAYS + 1, len(who))
        days[self.force > NONE] = rng.integers(20, 330, int((self.force > NONE).sum()))
        self.dates = days_before(np.datetime64(city.as_of, "D"), days)
        # per inspection: [code, severity, instrument id, description, lot id]
        self.findings: list[list[list]] = [[] for _ in who]
        self._draw_findings()

    def _draw_findings(self) -> None:
        rng, h = self.rng, self.honesty
        found = rng.random(len(h)) < 0.03 + 1.2 * (1 - h) ** 1.3
        count = np.where(found, 1 + rng.poisson(0.8 * (1 - h)), 0)
        count[self.force > NONE] = np.maximum(count[self.force > NONE], 1)
        row = np.repeat(np.arange(len(h)), count)
        merchants = self.who[row]
        by_severity = np.stack(
            [np.ones(len(row)), 0.3 + 3.0 * (1 - h[row]), 10 * (1 - h[row]) ** 3]
        )
        weights = CODE_WEIGHTS[self.subjects.trade[merchants]] * by_severity[CODE_SEVERITY].T
        weights[np.ix_(self.forced[merchants] == SLIPPED, CHEATING)] = 0  # C, not D
        code = _sample(weights, rng)
        severity = CODE_SEVERITY[code] + (rng.random(len(row)) < 0.3 * (1 - h[row]))
        self._force_first(row, code, severity)
        instruments = self.subjects.instrument(merchants, rng)
        severity = np.minimum(severity, SEVERITIES.index("serious"))
        for r, c, s, instrument in zip(row, code, severity, instruments, strict=True):
            name = CODES[c]
            if any(found[0] == name for found in self.findings[r]):
                continue  # one finding per violation and inspection
            uses = instrument if name in WITH_INSTRUMENT else None
            described = self._describe(name, int(self.who[r]))
            self.findings[r].append([name, SEVERITIES[s], uses, described, None])

    def _force_first(self, row: np.ndarray, code: np.ndarray, severity: np.ndarray) -> None:
        """The first finding of a forced inspection: cheating (D) or a serious slip (C)."""
        firsts = np.flatnonzero(np.r_[True, row[1:] != row[:-1]]) if len(row) else row
        for i in firsts[self.force[row[firsts]] > NONE]:
            if self.force[row[i]] == CAUGHT:
                code[i] = CODES.index("CHEAT" if self.rng.random() < 0.7 else "TAMPER")
            else:  # short weight where the trade weighs goods, else an unverified instrument
                weighs = CODE_WEIGHTS[self.subjects.trade[self.who[row[i]]], SHORT_RETAIL] > 0
                code[i] = SHORT_RETAIL if weighs and self.rng.random() < 0.6 else UNVERIFIED
            severity[i] = SEVERITIES.index("serious")

    def _describe(self, code: str, merchant: int) -> str:
        trade = TRADES[self.subjects.trade[merchant]]
        goods = (
            list(names.GOODS)[self.subjects.goods[merchant]] if trade == "market_stall" else "商品"
        )
        return DESCRIPTIONS[code].format(
            instrument=INSTRUMENT_WORD[INSTRUMENTS[trade][0]],
            goods=goods,
            grams=int(self.rng.integers(15, 150)),
        )

    def lots(self, ids: np.ndarray, numbering: Numbering) -> list[dict]:
        """Net-content checks, mostly in supermarkets; a failing lot adds SHORT_PREPACK."""
        n, rng = len(self.who), self.rng
        share = LOT_SHARE[self.subjects.trade[self.who]]
        count = np.where(rng.random(n) < share, 1 + (rng.random(n) < 0.25), 0)
        return [self._lot(int(r), int(ids[r]), numbering) for r in np.repeat(np.arange(n), count)]

    def _lot(self, r: int, inspection_id: int, numbering: Numbering) -> dict:
        rng = self.rng
        name, nominal, unit = PREPACKED[int(rng.integers(len(PREPACKED)))]
        batch_size = int(np.exp(rng.uniform(np.log(5), np.log(5000))))
        sample = netcontent.sampling_plan(batch_size).sample_size  # JJF 1070-2005 表3
        tolerance = float(netcontent.tolerance_T(nominal, unit))
        if rng.random() < 0.03 + 0.6 * (1 - self.honesty[r]) ** 2:  # filled short
            mean, spread = nominal - rng.uniform(0.2, 1.2) * tolerance, rng.uniform(0.3, 0.6)
        else:
            mean, spread = nominal + rng.uniform(0.2, 1.0) * tolerance, rng.uniform(0.15, 0.35)
        measured = [f"{q:.1f}" for q in rng.normal(mean, spread * tolerance, sample).clip(0)]
        verdict = netcontent.assess_lot(nominal, unit, batch_size, [Decimal(q) for q in measured])
        lot_id, numbering.lot = numbering.lot, numbering.lot + 1
        product = f"{name} {_spec(nominal, unit)}"
        if verdict.verdict == "fail":
            reasons = f"{product}: " + "; ".join(verdict.reasons)
            severity = violation(SHORT_PREPACK).default_severity
            self.findings[r].append([SHORT_PREPACK, severity, None, reasons, lot_id])
        return {
            "id": lot_id,
            "inspection_id": inspection_id,
            "product": product,
            "nominal": Decimal(nominal),
            "unit": unit,
            "batch_size": batch_size,
            "measurements": measured,
            "plan": netcontent.DEFAULT_PLAN,
            "tolerance": verdict.tolerance,
            "t1": verdict.t1,
            "t2": verdict.t2,
            "mean": verdict.mean,
            "mean_limit": verdict.mean_limit,
            "verdict": verdict.verdict,
            "reasons": list(verdict.reasons),
        }

    def inspection_rows(self, ids: np.ndarray, pools: list[list[str]]) -> dict:
        n, rng = len(self.who), self.rng
        kind = rng.choice(OTHER_KINDS[0], n, p=OTHER_KINDS[1])
        kind[rng.random(n) < 0.1 + 0.3 * (1 - self.honesty)] = COMPLAINT_LED
        kind[self.force > NONE] = COMPLAINT_LED
        districts = self.subjects.district[self.who]
        first = rng.integers(OFFICERS_PER_DISTRICT, size=n)
        second = (first + rng.integers(1, OFFICERS_PER_DISTRICT, size=n)) % OFFICERS_PER_DISTRICT
        entered = _evening(self.dates)
        return {
            "id": ids,
            "merchant_id": self.subjects.ids[self.who],
            "district_code": [DISTRICT_CODES[d] for d in districts],
            "inspected_on": self.dates,
            "kind": [INSPECTION_KINDS[k] for k in kind],
            "officers": [
                [pools[d][a], pools[d][b]] for d, a, b in zip(districts, first, second, strict=True)
            ],
            "notes": [NOTES[bool(found)] for found in self.findings],
            "recorded_by": [RECORDED_BY] * n,
            "created_at": entered,
            "updated_at": entered,
        }

    def finding_rows(self, ids: np.ndarray, numbering: Numbering) -> list[dict]:
        rows = []
        for r, found in enumerate(self.findings):
            for code, severity, instrument, description, lot in found:
                rows.append(
                    {
                        "id": numbering.finding,
                        "inspection_id": int(ids[r]),
                        "code": code,
                        "severity": severity,
                        "description": description,
                        "instrument_id": instrument,
                        "lot_id": lot,
                    }
                )
                numbering.finding += 1
        return rows

    def penalty_rows(self, ids: np.ndarray, numbering: Numbering) -> list[dict]:
        """Decisions for some inspections with findings, 3-45 days later, before today."""
        rows, today = [], np.datetime64(self.city.as_of, "D")
        for r, found in enumerate(self.findings):
            if not found:
                continue
            worst = max(SEVERITIES.index(f[1]) for f in found)
            if self.force[r] == NONE and self.rng.random() >= PENALTY_SHARE[worst]:
                continue
            decided = self.dates[r] + np.timedelta64(int(self.rng.integers(3, 46)), "D")
            if decided < today:
                rows.append(self._penalty(r, int(ids[r]), worst, decided.item(), numbering))
        return rows

    def _penalty(self, r: int, inspection_id: int, worst: int, decided, numbering) -> dict:
        rng, merchant = self.rng, self.who[r]
        cheating = any(f[0] in ("CHEAT", "TAMPER") for f in self.findings[r])
        warning = not cheating and rng.random() < WARNING_SHARE[worst]
        fine = 0 if warning else int(rng.choice(CHEAT_FINES if cheating else FINES[worst]))
        gains = int(rng.integers(2, 50)) * 100
        confiscation = f"作弊计量器具1台及违法所得{gains}元" if cheating else ""
        person = "2" if TRADES[self.subjects.trade[merchant]] == "market_stall" else "1"
        simplified = not confiscation and fine <= SIMPLIFIED_LIMIT[person]
        district = DISTRICT_CODES[self.subjects.district[merchant]]
        penalty_id, numbering.penalty = numbering.penalty, numbering.penalty + 1
        return {
            "id": penalty_id,
            "inspection_id": inspection_id,
            "decision_number": numbering.decision_number(district, decided.year),
            "decided_on": decided,
            "procedure": "simplified" if simplified else "ordinary",
            "fine_yuan": Decimal(fine),
            "confiscation": confiscation,
            "warning_only": warning,
        }


def _spec(nominal: int, unit: str) -> str:
    """500 g → "500g", 5000 g → "5kg", 5000 mL → "5L"."""
    if nominal >= 1000:
        return f"{nominal / 1000:g}{'kg' if unit == 'g' else 'L'}"
    return f"{nominal}{unit}"
