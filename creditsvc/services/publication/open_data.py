"""The open-data catalogue (issue 22): each dataset the public API publishes, its fields and
what they mean, how often it changes, its rows and the size of its CSV.

Row counts are counted (one count query a dataset) and kept as any public answer is
(public_cache). Sizes are not: writing a city's CSV takes seconds, so `measure` writes
every export once a night, after the nightly roll, and keeps rows and bytes in
`open_data_figures`. Words live in `creditsvc.vocabulary`; the page and the DCAT JSON-LD
(`creditsvc.web.open_data`) both read this module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from marshmallow import Schema
from sqlalchemy import Select, func, select

from creditsvc import clock, spreadsheets
from creditsvc.extensions import db
from creditsvc.models import (
    DemonstrationUnit,
    InspectionPlan,
    InspectionPlanItem,
    Merchant,
    Notice,
    NoticeStatus,
    OpenDataFigures,
)
from creditsvc.models.base import utcnow
from creditsvc.models.risk import PlanStatus
from creditsvc.schemas.programme import PublicUnitOut
from creditsvc.schemas.public import DemonstrationOut, DocumentOut, HonorRollItemOut
from creditsvc.schemas.risk import PublicPlanRowOut
from creditsvc.schemas.standing import PublicMerchantOut
from creditsvc.services.programme import demonstration_units
from creditsvc.services.publication import public, public_cache
from creditsvc.services.risk import inspection_plans
from creditsvc.vocabulary import (
    OPEN_DATA_FIELD_WORDS,
    OPEN_DATASET_DESCRIPTIONS,
    OPEN_DATASET_WORDS,
)

# Update frequencies, as the EU's frequency vocabulary names them (DCAT-AP's
# dct:accrualPeriodicity takes one of these IRIs).
FREQUENCY_IRI = "http://publications.europa.eu/resource/authority/frequency/"
DAILY, ON_PUBLICATION, IRREGULAR = "DAILY", "UPDATE_CONT", "IRREG"


@dataclass(frozen=True)
class Dataset:
    """One dataset: where its JSON and CSV are (endpoint names), the schema whose fields
    are its columns, how often it changes, and how to read and count its rows."""

    key: str
    json_endpoint: str
    csv_endpoint: str
    schema: type[Schema]
    frequency: str
    rows: Callable[[], Iterable[Mapping]]
    counted: Callable[[], Select]
    keywords: tuple[str, ...]

    @property
    def fields(self) -> list[tuple[str, object]]:
        """Each column and the words saying what it means."""
        return [(name, OPEN_DATA_FIELD_WORDS[name]) for name in self.schema().fields]

    @property
    def title(self):
        return OPEN_DATASET_WORDS[self.key]

    @property
    def description(self):
        return OPEN_DATASET_DESCRIPTIONS[self.key]


def _notices_of(kind: str | None = None) -> Select:
    return public.documents_in_force({"kind": kind} if kind else {})


def _units_in_force() -> Select:
    return select(DemonstrationUnit.id).where(demonstration_units.in_force(clock.today()))


def _plan_rows() -> Select:
    return (
        select(InspectionPlanItem.id)
        .join(InspectionPlan, InspectionPlan.id == InspectionPlanItem.plan_id)
        .where(InspectionPlan.status == PlanStatus.PUBLISHED)
    )


DATASETS = (
    Dataset(
        "merchants",
        "public.PublicMerchants",
        "public.PublicMerchantsCsv",
        PublicMerchantOut,
        DAILY,  # every grade moves on with the nightly roll (decay follows the date)
        lambda: public.merchants_all({}),
        lambda: select(Merchant.id),
        ("诚信计量", "等级", "honest metrology", "grade"),
    ),
    Dataset(
        "documents",
        "public.PublicDocuments",
        "public.PublicDocumentsCsv",
        DocumentOut,
        ON_PUBLICATION,
        lambda: public.documents_all({}),
        _notices_of,
        ("曝光", "光荣榜", "exposure", "honor roll"),
    ),
    Dataset(
        "honor_roll",
        "public.PublicHonorRoll",
        "public.PublicHonorRollCsv",
        HonorRollItemOut,
        ON_PUBLICATION,
        lambda: public.honor_roll_all({}),
        lambda: public.entries_in_force("honor_roll", {}),
        ("光荣榜", "honor roll"),
    ),
    Dataset(
        "demonstrations",
        "public.PublicDemonstrations",
        "public.PublicDemonstrationsCsv",
        DemonstrationOut,
        ON_PUBLICATION,
        lambda: public.demonstrations({}),
        lambda: public.entries_in_force("demonstration", {}),
        ("示范社区", "demonstration community"),
    ),
    Dataset(
        "demonstration_units",
        "public.PublicDemonstrationUnits",
        "public.PublicDemonstrationUnitsCsv",
        PublicUnitOut,
        ON_PUBLICATION,
        lambda: demonstration_units.public_listing({}, clock.today()),
        _units_in_force,
        ("示范单位", "demonstration unit"),
    ),
    Dataset(
        "inspection_plans",
        "inspection_plans.PublishedPlans",
        "inspection_plans.PublishedPlansCsv",
        PublicPlanRowOut,
        IRREGULAR,  # a district publishes a plan after its period ends (一公开)
        inspection_plans.published_rows,
        _plan_rows,
        ("双随机", "一公开", "random inspection"),
    ),
)
BY_KEY = {d.key: d for d in DATASETS}


def row_count(dataset: Dataset) -> int:
    """The dataset's rows, counted, and kept for PUBLIC_CACHE_SECONDS as a listing's total."""
    stmt = dataset.counted()

    def count() -> str:
        return str(db.session.scalar(select(func.count()).select_from(stmt.subquery())))

    return int(public_cache.answer(("open-data", "rows", dataset.key), count).body or 0)


def modified(dataset: Dataset, figures: OpenDataFigures | None) -> datetime | date | None:
    """When the dataset last changed: the latest publication or withdrawal of a document
    of its kind; for the businesses, the nightly roll (its measurement); for the plans, the
    latest publication."""
    if dataset.key in ("documents", "honor_roll", "demonstrations"):
        kinds = {"honor_roll": "honor_roll", "demonstrations": "demonstration"}
        stmt = select(func.max(func.coalesce(Notice.withdrawn_at, Notice.published_at)))
        stmt = stmt.where(Notice.status != NoticeStatus.DRAFT, Notice.published_at.is_not(None))
        if dataset.key in kinds:
            stmt = stmt.where(Notice.kind == kinds[dataset.key])
        return db.session.scalar(stmt)
    if dataset.key == "inspection_plans":
        return db.session.scalar(select(func.max(InspectionPlan.published_on)))
    if dataset.key == "demonstration_units":
        return db.session.scalar(
            select(func.max(DemonstrationUnit.designated_on)).where(
                demonstration_units.in_force(clock.today())
            )
        )
    return figures.measured_at if figures else None


def figures() -> dict[str, OpenDataFigures]:
    """The last night's figures of each dataset measured."""
    return {row.dataset: row for row in db.session.scalars(select(OpenDataFigures))}


def measure() -> dict[str, int]:
    """Write each dataset's CSV as its export sends it, counting rows and bytes, and keep
    the figures; flushes (the job commits). Returns the bytes by dataset."""
    sizes = {}
    for dataset in DATASETS:
        counted = _Counted(dataset.rows())
        size = sum(len(piece) for piece in spreadsheets.csv_of(dataset.schema(), counted))
        kept = db.session.get(OpenDataFigures, dataset.key) or OpenDataFigures(dataset=dataset.key)
        kept.rows, kept.csv_bytes, kept.measured_at = counted.seen, size, utcnow()
        db.session.add(kept)
        sizes[dataset.key] = size
    db.session.flush()
    return sizes


class _Counted:
    """Rows passed on one by one, counted on the way."""

    def __init__(self, rows: Iterable[Mapping]) -> None:
        self.rows, self.seen = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.seen += 1
            yield row
