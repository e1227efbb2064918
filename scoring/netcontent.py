"""Net content of prepackaged goods (定量包装商品净含量), JJF 1070 lot test.

Each unit is compared with the permitted shortfall T (《定量包装商品计量监督管理办法》
附表3, ``tables/prepackaged_tolerance_T.csv``): a T1 defect when ``Qn-2T ≤ q < Qn-T``,
a T2 defect when ``q < Qn-2T``. A lot passes when it has no T2 defect, at most the
allowed T1 defects, and (batches above 10 units) a sample mean ``≥ Qn - λ·s``
(reference/rules.md §2). The sampling plan is a value loaded by name, JJF 1070-2005 by
default, so the 2023 table can replace it without touching the rule.

Every unit of rules.md §2 is judged (JJF 1070-2023 附录 / 附表3): mass in g or kg and
volume in mL or L through the T table, looked up in g or mL (a kg or L lot is judged in
g or mL: 1 kg is Qn 1000 g, T 15 g); length in m (no shortfall up to 5 m, 2 % above);
area in m² (3 %); counted goods (none short up to 50 pieces, 1 % above, rounded up). The
lot's figures (T, mean, limit) are in its judging unit (`judging_unit`).

Figures are Decimals. Measurements enter through their shortest ``repr``; the mean and
its limit are rounded to 0.01 (GB/T 8170 round-half-even) and compared as reported, so
a published lot verdict can be re-checked from the published figures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_EVEN, Decimal
from functools import cache
from typing import Literal

from scoring.tables import amount, optional, read_table

DEFAULT_PLAN = "jjf1070-2005"
PLAN_FILES = {DEFAULT_PLAN: "prepackaged_sampling_2005.csv"}
T_TABLE_UNITS = ("g", "mL")  # one T table serves mass and volume


@dataclass(frozen=True)
class Unit:
    """A unit a lot may be declared in: its kind, the unit it is judged in and the factor
    from it to that unit."""

    kind: Literal["mass", "volume", "length", "area", "count"]
    judged_in: str
    factor: Decimal


# 定量包装商品计量监督管理办法 附表3 and JJF 1070: the units of rules.md §2.
UNITS: dict[str, Unit] = {
    "g": Unit("mass", "g", Decimal(1)),
    "kg": Unit("mass", "g", Decimal(1000)),
    "mL": Unit("volume", "mL", Decimal(1)),
    "L": Unit("volume", "mL", Decimal(1000)),
    "m": Unit("length", "m", Decimal(1)),
    "m2": Unit("area", "m2", Decimal(1)),
    "pcs": Unit("count", "pcs", Decimal(1)),
}
# Length and area tolerances are percentages of Qn; kept to 0.001 of the unit, rounded up
# as T is (附表3 注), which the lot record stores exactly.
PERCENT_QUANTUM = Decimal("0.001")
FIGURE_QUANTUM = Decimal("0.01")
LotResult = Literal["pass", "fail"]


@dataclass(frozen=True)
class PlanRow:
    """One row of a sampling plan; ``sample_size`` None means the whole batch."""

    batch_from: int
    batch_to: int | None
    sample_size: int | None
    lam: Decimal | None
    allowed_t1: int
    allowed_t2: int


@dataclass(frozen=True)
class SamplingTable:
    """A named sampling plan (e.g. JJF 1070-2005 表3)."""

    name: str
    rows: tuple[PlanRow, ...]


@dataclass(frozen=True)
class SamplingPlan:
    """What a batch of ``batch_size`` units requires under ``plan``."""

    plan: str
    batch_size: int
    sample_size: int
    lam: Decimal | None
    allowed_t1: int
    allowed_t2: int


@dataclass(frozen=True)
class LotVerdict:
    """The outcome of a lot test with the figures it rests on."""

    verdict: LotResult
    tolerance: Decimal
    t1: int
    t2: int
    mean: Decimal
    mean_limit: Decimal | None
    std_dev: Decimal | None
    sample_size: int
    reasons: tuple[str, ...]


class SampleSizeError(ValueError):
    """The number of measurements differs from what the sampling plan requires."""

    def __init__(self, batch_size: int, required: int, given: int) -> None:
        super().__init__(f"batch of {batch_size} needs {required} measurements, got {given}")
        self.batch_size = batch_size
        self.required = required
        self.given = given


@dataclass(frozen=True)
class _TRow:
    """A T-table row: T is ``absolute`` when given, else ``percent`` of Qn."""

    above: Decimal
    up_to: Decimal
    percent: Decimal
    absolute: Decimal | None


def tolerance_T(nominal: float | Decimal, unit: str = "g") -> Decimal:  # noqa: N802
    """Permitted shortfall T for nominal quantity Qn in g or mL (附表3, JJF 1070).

    T is rounded up: to 0.1 for Qn ≤ 1000, to a whole g/mL above. 附表3 注 says only
    "修约至0.1 g(mL) / 修约至 g(mL)"; OIML R 87, which the table reproduces, says "rounded
    up to the next 1/10 … next whole g or mL", so we round up (ROUND_CEILING). Note that
    this enlarges T, which favours the packer, not the consumer; it matters only where
    the percentage gives a finer figure (e.g. 16 g → 1.44 → 1.5; 1001 g → 15.015 → 16).
    """
    if unit not in T_TABLE_UNITS:
        raise ValueError(f"unit must be g or mL for the T table, got {unit!r}")
    qn = amount("nominal", nominal)
    row = next((r for r in _t_rows() if r.above < qn <= r.up_to), None)
    if row is None:
        top = _t_rows()[-1].up_to
        raise ValueError(f"nominal {qn} {unit} is outside the T table (0, {top}]")
    raw = row.absolute if row.absolute is not None else qn * row.percent / 100
    quantum = Decimal("0.1") if qn <= 1000 else Decimal("1")
    return raw.quantize(quantum, rounding=ROUND_CEILING)


def length_shortfall_allowed(nominal_m: float | Decimal) -> Decimal:
    """Length goods (附表3): no shortfall up to 5 m, Qn x 2 % above (in m)."""
    qn = amount("nominal_m", nominal_m)
    return Decimal(0) if qn <= 5 else qn * Decimal("0.02")


def area_shortfall_allowed(nominal: float | Decimal) -> Decimal:
    """Area goods (附表3): Qn x 3 % for every Qn, in the unit of Qn."""
    return amount("nominal", nominal) * Decimal("0.03")


def count_shortfall_allowed(nominal: int) -> int:
    """Counted goods (附表3): none up to 50; above, Qn x 1 % raised to a whole count."""
    if isinstance(nominal, bool) or not isinstance(nominal, int) or nominal < 0:
        raise ValueError(f"nominal count must be a non-negative integer, got {nominal!r}")
    return 0 if nominal <= 50 else math.ceil(nominal / 100)


def judging_unit(unit: str) -> str:
    """The unit a lot declared in `unit` is judged and reported in (kg → g, L → mL)."""
    return _unit(unit).judged_in


def _unit(unit: str) -> Unit:
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, got {unit!r}")
    return UNITS[unit]


def in_judging_unit(value: float | Decimal, unit: str, name: str = "nominal") -> Decimal:
    """A quantity declared in `unit` in its judging unit (1.5 kg → 1500 g)."""
    return amount(name, value) * _unit(unit).factor


def tolerance(nominal: float | Decimal, unit: str) -> Decimal:
    """The permitted shortfall for one unit of a lot of Qn `nominal` `unit`, in the
    judging unit (rules.md §2; 定量包装商品计量监督管理办法 附表3; JJF 1070)."""
    kind = _unit(unit).kind
    qn = in_judging_unit(nominal, unit)
    if kind in ("mass", "volume"):
        return tolerance_T(qn, judging_unit(unit))
    if kind == "length":
        return length_shortfall_allowed(qn).quantize(PERCENT_QUANTUM, rounding=ROUND_CEILING)
    if kind == "area":
        return area_shortfall_allowed(qn).quantize(PERCENT_QUANTUM, rounding=ROUND_CEILING)
    if qn != qn.to_integral_value():
        raise ValueError(f"a counted lot's nominal quantity is a whole number, got {qn}")
    return Decimal(count_shortfall_allowed(int(qn)))


@cache
def load_sampling_table(name: str = DEFAULT_PLAN) -> SamplingTable:
    """A packaged sampling plan by name (see ``PLAN_FILES``)."""
    if name not in PLAN_FILES:
        raise ValueError(f"unknown sampling plan {name!r}; known: {', '.join(PLAN_FILES)}")
    rows = tuple(
        PlanRow(
            batch_from=int(row["batch_from"]),
            batch_to=int(row["batch_to"]) if row["batch_to"] else None,
            sample_size=None if row["sample_size"] == "all" else int(row["sample_size"]),
            lam=optional(row["lambda"]),
            allowed_t1=int(row["allowed_t1"]),
            allowed_t2=int(row["allowed_t2"]),
        )
        for row in read_table(PLAN_FILES[name])
    )
    return SamplingTable(name, rows)


def sampling_plan(batch_size: int, plan: str | SamplingTable = DEFAULT_PLAN) -> SamplingPlan:
    """Sample size, λ and allowed defects for a batch (JJF 1070-2005 表3 by default)."""
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    table = load_sampling_table(plan) if isinstance(plan, str) else plan
    for row in table.rows:
        if row.batch_from <= batch_size and (row.batch_to is None or batch_size <= row.batch_to):
            return SamplingPlan(
                plan=table.name,
                batch_size=batch_size,
                sample_size=batch_size if row.sample_size is None else row.sample_size,
                lam=row.lam,
                allowed_t1=row.allowed_t1,
                allowed_t2=row.allowed_t2,
            )
    raise ValueError(f"plan {table.name} has no row for a batch of {batch_size}")


def assess_lot(
    nominal: float | Decimal,
    unit: str,
    batch_size: int,
    measurements: Sequence[float | Decimal],
    plan: str | SamplingTable = DEFAULT_PLAN,
) -> LotVerdict:
    """Judge a lot by its sampled net contents (JJF 1070; rules.md §2).

    ``measurements`` are the actual contents of the sampled units in ``unit`` (any of
    ``UNITS``); their number must equal the plan's sample size (the whole batch for 1-10
    units), else :class:`SampleSizeError`. Lots of 1-10 units have no mean test
    (``mean_limit`` None). The figures returned are in ``judging_unit(unit)``.
    """
    allowed = tolerance(nominal, unit)
    sampling = sampling_plan(batch_size, plan)
    if len(measurements) != sampling.sample_size:
        raise SampleSizeError(batch_size, sampling.sample_size, len(measurements))
    qn = in_judging_unit(nominal, unit)
    qs = [in_judging_unit(q, unit, "measurement") for q in measurements]
    t2 = sum(1 for q in qs if q < qn - 2 * allowed)
    t1 = sum(1 for q in qs if qn - 2 * allowed <= q < qn - allowed)
    mean = _figure(sum(qs, Decimal(0)) / len(qs))

    reasons = _defect_reasons(t1, t2, sampling)
    std_dev = mean_limit = None
    if sampling.lam is not None:
        std_dev = _sample_std_dev(qs)
        mean_limit = _figure(qn - sampling.lam * std_dev)
        if mean < mean_limit:
            reasons.append(f"mean {mean} below limit {mean_limit}")
    return LotVerdict(
        verdict="fail" if reasons else "pass",
        tolerance=allowed,
        t1=t1,
        t2=t2,
        mean=mean,
        mean_limit=mean_limit,
        std_dev=None if std_dev is None else _figure(std_dev),
        sample_size=sampling.sample_size,
        reasons=tuple(reasons),
    )


def _defect_reasons(t1: int, t2: int, sampling: SamplingPlan) -> list[str]:
    reasons = []
    if t2 > sampling.allowed_t2:
        reasons.append(_defects(t2, "T2", sampling.allowed_t2))
    if t1 > sampling.allowed_t1:
        reasons.append(_defects(t1, "T1", sampling.allowed_t1))
    return reasons


def _defects(count: int, kind: str, allowed: int) -> str:
    """E.g. "2 T2 defects (none allowed)", "4 T1 defects (3 allowed)"."""
    plural = "" if count == 1 else "s"
    limit = "none allowed" if allowed == 0 else f"{allowed} allowed"
    return f"{count} {kind} defect{plural} ({limit})"


def _sample_std_dev(qs: Sequence[Decimal]) -> Decimal:
    """Sample standard deviation s with n - 1 (JJF 1070), exact until the square root."""
    mean = sum(qs, Decimal(0)) / len(qs)
    return (sum(((q - mean) ** 2 for q in qs), Decimal(0)) / (len(qs) - 1)).sqrt()


def _figure(value: Decimal) -> Decimal:
    return value.quantize(FIGURE_QUANTUM, rounding=ROUND_HALF_EVEN)


@cache
def _t_rows() -> tuple[_TRow, ...]:
    return tuple(
        _TRow(
            above=Decimal(row["nominal_above"]),
            up_to=Decimal(row["nominal_up_to"]),
            percent=optional(row["t_percent_of_nominal"]) or Decimal(0),
            absolute=optional(row["t_absolute"]),
        )
        for row in read_table("prepackaged_tolerance_T.csv")
    )
