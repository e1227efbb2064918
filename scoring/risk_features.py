"""Point-in-time features and targets of the internal risk model (DESIGN.md §6).

One function, `build_features`, serves training (many as-of dates) and scoring (today):
features of a merchant as of day D read only evidence known on D —

- findings and inspections by the inspection date (on or before D);
- complaints by the day received; a complaint counts as substantiated only from the day
  it was decided (a complaint received before D but decided after it is "not yet");
- fair-scale readings in the twelve whole calendar months before D's month, so a partly
  elapsed month never mixes evidence from after D into a training row;
- the signed self-commitment from the day it was signed (the registry keeps the latest
  signing, so an earlier commitment renewed after D reads as unsigned: lost, not leaked);
- district and market base rates from inspections on or before D only.

The target (`targets`) is the DESIGN.md §6 event: a major or serious finding at an
inspection within the HORIZON days after D. Dates are day ordinals (`date.toordinal()`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

SEVERITIES = ("minor", "major", "serious")
# Finding types, by violation code (violation_catalogue.csv); any other code is "conduct".
CODE_GROUPS = {
    "CHEAT": "cheating",
    "TAMPER": "cheating",  # 计量法第二十六、二十七条
    "SHORT_RETAIL": "short",
    "SHORT_PREPACK": "short",
    "SHORT_NOTABLE": "short",
    "UNVERIFIED": "instrument",
    "FAIRSCALE": "instrument",
}
GROUPS = ("cheating", "short", "instrument", "conduct")
HALF_LIFE_DAYS = 365  # the scorecard's decay (DESIGN.md §6)
LOOKBACK_DAYS = 3 * 365  # nothing older than three years counts, as in the scorecard
RECENT_DAYS = 365
READING_MONTHS = 12
HORIZON_DAYS = 180
NO_DAY = np.iinfo(np.int64).max  # "never": a commitment not signed, a complaint not decided
SHORT_PRIOR = (1.0, 49.0)  # Beta prior of the short-weight rate: 2 %, worth 50 readings
BASE_RATE_STRENGTH = 20.0  # inspections' worth of the city rate mixed into a local rate


def group_of(code: str) -> int:
    """Position in GROUPS of a violation code's finding type."""
    return GROUPS.index(CODE_GROUPS.get(code, "conduct"))


def month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def _ordinal_month(days: np.ndarray) -> np.ndarray:
    """Month index (year × 12 + month − 1) of day ordinals."""
    as_dates = (days - 719163).astype("datetime64[D]")  # ordinal of 1970-01-01
    months = as_dates.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
    return months + 1970 * 12


@dataclass(frozen=True)
class Merchants:
    trade: np.ndarray  # position in `trades`
    district: np.ndarray  # position in the caller's list of districts
    market: np.ndarray  # position in the caller's list of markets, -1 for none
    commitment_day: np.ndarray  # day signed, NO_DAY when not signed


@dataclass(frozen=True)
class Inspections:
    merchant: np.ndarray  # row of the merchant
    day: np.ndarray
    clean: np.ndarray  # without any finding
    bad: np.ndarray  # with a major or serious finding: the target event


@dataclass(frozen=True)
class Findings:
    merchant: np.ndarray
    day: np.ndarray  # the inspection's date
    severity: np.ndarray  # position in SEVERITIES
    group: np.ndarray  # position in GROUPS


@dataclass(frozen=True)
class Complaints:
    merchant: np.ndarray
    received: np.ndarray
    decided: np.ndarray  # day substantiated, NO_DAY when not (yet) substantiated


@dataclass(frozen=True)
class Readings:
    """Fair-scale re-weighs counted per merchant and calendar month."""

    merchant: np.ndarray
    month: np.ndarray  # month_index()
    assessable: np.ndarray
    short: np.ndarray


@dataclass(frozen=True)
class RiskEvidence:
    """Everything the features read, for `size` merchants (rows), as plain arrays."""

    size: int
    trades: tuple[str, ...]
    merchants: Merchants
    inspections: Inspections
    findings: Findings
    complaints: Complaints
    readings: Readings


@dataclass(frozen=True)
class Features:
    """A feature matrix: one row per (as-of date, merchant), dates outermost."""

    X: np.ndarray
    names: tuple[str, ...]
    merchant: np.ndarray  # row of the merchant in the evidence
    as_of: np.ndarray  # day ordinal of each row

    def take(self, mask: np.ndarray) -> Features:
        return Features(self.X[mask], self.names, self.merchant[mask], self.as_of[mask])


def feature_names(trades: Sequence[str]) -> tuple[str, ...]:
    return (
        *(f"findings_{s}_1y" for s in SEVERITIES),
        *(f"findings_{s}_3y" for s in SEVERITIES),
        *(f"findings_{s}_decayed" for s in SEVERITIES),
        *(f"findings_{g}_decayed" for g in GROUPS),
        "inspections_3y",
        "clean_inspections_3y",
        "days_since_inspection",
        "never_inspected",
        "complaints_1y",
        "complaints_substantiated_1y",
        "complaints_substantiated_decayed",
        "reweighs_12m_log",
        "short_reweighs_12m",
        "short_rate_12m",
        "commitment_signed",
        "in_market",
        "district_base_rate",
        "market_base_rate",
        *(f"trade_{t}" for t in trades),
    )


def _count(n: int, rows: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    return np.bincount(rows, weights=weights, minlength=n).astype(float)[:n]


def _decay(age: np.ndarray) -> np.ndarray:
    return np.power(0.5, age / HALF_LIFE_DAYS)


def _findings(ev: RiskEvidence, day: int) -> list[np.ndarray]:
    f, n = ev.findings, ev.size
    age = day - f.day
    seen = (age >= 0) & (age < LOOKBACK_DAYS)
    recent = seen & (age < RECENT_DAYS)
    weight = np.where(seen, _decay(age), 0.0)
    columns = [_count(n, f.merchant[recent & (f.severity == s)]) for s in range(3)]
    columns += [_count(n, f.merchant[seen & (f.severity == s)]) for s in range(3)]
    columns += [_count(n, f.merchant, weight * (f.severity == s)) for s in range(3)]
    columns += [_count(n, f.merchant, weight * (f.group == g)) for g in range(len(GROUPS))]
    return columns


def _inspections(ev: RiskEvidence, day: int) -> list[np.ndarray]:
    i, n = ev.inspections, ev.size
    age = day - i.day
    seen = (age >= 0) & (age < LOOKBACK_DAYS)
    since = np.full(n, float(LOOKBACK_DAYS + 1))
    np.minimum.at(since, i.merchant[seen], age[seen].astype(float))
    total = _count(n, i.merchant[seen])
    clean = _count(n, i.merchant[seen & i.clean])
    return [total, clean, since, (total == 0).astype(float)]


def _complaints(ev: RiskEvidence, day: int) -> list[np.ndarray]:
    c, n = ev.complaints, ev.size
    age = day - c.received
    recent = (age >= 0) & (age < RECENT_DAYS)
    # Substantiated as of `day`: decided by then. NO_DAY never is.
    substantiated = c.decided <= day
    counted = substantiated & (age >= 0) & (age < LOOKBACK_DAYS)
    decayed = np.where(counted, _decay(np.maximum(age, 0)), 0.0)
    return [
        _count(n, c.merchant[recent]),
        _count(n, c.merchant[recent & substantiated]),
        _count(n, c.merchant, decayed),
    ]


def _readings(ev: RiskEvidence, day: int) -> list[np.ndarray]:
    r, n = ev.readings, ev.size
    this_month = int(_ordinal_month(np.array([day]))[0])
    window = (r.month < this_month) & (r.month >= this_month - READING_MONTHS)
    assessable = _count(n, r.merchant[window], r.assessable[window].astype(float))
    short = _count(n, r.merchant[window], r.short[window].astype(float))
    a, b = SHORT_PRIOR
    return [np.log1p(assessable), short, (short + a) / (assessable + a + b)]


def _base_rate(groups: np.ndarray, size: int, bad: np.ndarray, seen: np.ndarray) -> np.ndarray:
    """Per group: share of inspections with a major or serious finding, shrunk to the city's."""
    valid = seen & (groups >= 0)
    total = np.bincount(groups[valid], minlength=size).astype(float)[:size]
    worse = np.bincount(groups[valid], weights=bad[valid], minlength=size)[:size]
    city = (bad[seen].sum() + 1.0) / (seen.sum() + 2.0)
    return (worse + BASE_RATE_STRENGTH * city) / (total + BASE_RATE_STRENGTH)


def _context(ev: RiskEvidence, day: int) -> list[np.ndarray]:
    m, i = ev.merchants, ev.inspections
    age = day - i.day
    seen = (age >= 0) & (age < LOOKBACK_DAYS)
    bad = i.bad.astype(float)
    district = m.district[i.merchant]
    market = m.market[i.merchant]
    districts = int(m.district.max(initial=-1)) + 1
    markets = int(m.market.max(initial=-1)) + 1
    district_rate = _base_rate(district, districts, bad, seen)[m.district]
    market_rate = _base_rate(market, markets, bad, seen)
    in_market = m.market >= 0
    # A merchant outside any market takes its district's rate.
    own_market = market_rate[np.maximum(m.market, 0)] if markets else district_rate
    market_column = np.where(in_market, own_market, district_rate)
    return [
        (m.commitment_day <= day).astype(float),
        in_market.astype(float),
        district_rate,
        market_column,
    ]


def _one_day(ev: RiskEvidence, day: int) -> np.ndarray:
    trades = np.zeros((ev.size, len(ev.trades)))
    trades[np.arange(ev.size), ev.merchants.trade] = 1.0
    columns = [
        *_findings(ev, day),
        *_inspections(ev, day),
        *_complaints(ev, day),
        *_readings(ev, day),
        *_context(ev, day),
    ]
    return np.column_stack([*columns, trades])


def build_features(ev: RiskEvidence, as_of: Sequence[int] | np.ndarray | int) -> Features:
    """Features of every merchant as of each day in `as_of` (day ordinals), from evidence
    dated on or before that day only: the one function for training and for scoring."""
    days = np.atleast_1d(np.asarray(as_of, dtype=np.int64))
    names = feature_names(ev.trades)
    blocks = [_one_day(ev, int(day)) for day in days]
    X = np.vstack(blocks) if blocks else np.empty((0, len(names)))
    return Features(
        X=X,
        names=names,
        merchant=np.tile(np.arange(ev.size), len(days)),
        as_of=np.repeat(days, ev.size),
    )


def targets(
    ev: RiskEvidence, merchant: np.ndarray, as_of: np.ndarray, horizon: int = HORIZON_DAYS
) -> tuple[np.ndarray, np.ndarray]:
    """For each (merchant, as-of day) row: whether it was inspected in the `horizon` days
    after the day, and whether such an inspection had a major or serious finding.

    A merchant not inspected in the window has no outcome: the model predicts what the
    next inspection finds, so such rows are left out of training (`observed` is False).
    """
    i, n = ev.inspections, ev.size
    observed = np.zeros(len(merchant), dtype=bool)
    bad = np.zeros(len(merchant), dtype=bool)
    for day in np.unique(as_of):
        rows = np.flatnonzero(as_of == day)
        window = (i.day > day) & (i.day <= day + horizon)
        seen = np.bincount(i.merchant[window], minlength=n)[:n] > 0
        worse = np.bincount(i.merchant[window & i.bad], minlength=n)[:n] > 0
        observed[rows] = seen[merchant[rows]]
        bad[rows] = worse[merchant[rows]]
    return bad, observed


def training_set(
    ev: RiskEvidence, as_of: Sequence[int] | np.ndarray, horizon: int = HORIZON_DAYS
) -> tuple[Features, np.ndarray]:
    """The rows with an outcome and their targets, built one as-of date at a time so that
    only one date's features of every merchant are ever held at once."""
    parts, ys = [], []
    for day in np.asarray(as_of, dtype=np.int64):
        features = build_features(ev, int(day))
        bad, observed = targets(ev, features.merchant, features.as_of, horizon)
        parts.append(features.take(observed))
        ys.append(bad[observed])
    names = feature_names(ev.trades)
    if not parts:
        empty = np.empty(0, dtype=np.int64)
        return Features(np.empty((0, len(names))), names, empty, empty), np.empty(0, dtype=bool)
    stacked = Features(
        X=np.vstack([f.X for f in parts]),
        names=names,
        merchant=np.concatenate([f.merchant for f in parts]),
        as_of=np.concatenate([f.as_of for f in parts]),
    )
    return stacked, np.concatenate(ys)
