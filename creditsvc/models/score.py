"""Scoring policies, score snapshots and each merchant's current standing."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Boolean, Date, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from creditsvc.models.base import Base, UTCDateTime, utcnow


class ScoringPolicy(Base):
    """A version of the scorecard policy document; the highest version is in force."""

    __tablename__ = "scoring_policies"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    document: Mapped[dict] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(96))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ScoreSnapshot(Base):
    """One scoring of one merchant: enough to recompute and defend the grade later.

    Snapshots are history: the database refuses to update or delete one (a trigger,
    migration 0010). Neither they nor the standings carry foreign keys. PostgreSQL
    checks a key by locking the row it refers to, and a first city-wide rescore, which
    writes 200,000 of each, spent more time on those checks than on anything but the
    readings pass. Nothing they would guard against can happen here: merchants are
    never deleted (the registry closes them), snapshots are only added, and a standing
    is always copied from its snapshot row in the statement that moves it
    (`services.snapshots`).
    """

    __tablename__ = "score_snapshots"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    merchant_id: Mapped[int] = mapped_column(Integer, index=True)
    as_of: Mapped[date] = mapped_column(Date)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    policy_version: Mapped[int] = mapped_column(Integer)
    rated: Mapped[bool] = mapped_column(Boolean)
    score: Mapped[float | None] = mapped_column(Float)
    grade: Mapped[str | None] = mapped_column(String(1))
    reasons: Mapped[list] = mapped_column(JSON)
    inputs_hash: Mapped[str] = mapped_column(String(64))
    run_id: Mapped[str | None] = mapped_column(String(64))


class CurrentScore(Base):
    """The pointer to each merchant's current snapshot, with the facts lists filter on.

    It moves in the same transaction that writes the new snapshot, so a crash
    mid-run leaves the previous standing in place. It repeats the snapshot's inputs
    hash, so a rescore learns what changed from this table alone.
    """

    __tablename__ = "current_scores"

    merchant_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    snapshot_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    rated: Mapped[bool] = mapped_column(Boolean)
    score: Mapped[float | None] = mapped_column(Float)
    grade: Mapped[str | None] = mapped_column(String(1), index=True)
    as_of: Mapped[date] = mapped_column(Date)
    policy_version: Mapped[int] = mapped_column(Integer)
    inputs_hash: Mapped[str] = mapped_column(String(64))


class ReadingTally(Base):
    """Per merchant, its fair-scale re-weighs counted once for a whole full rescore.

    A full rescore counts the readings table in one pass into these rows, keyed by the
    run, and each district's job reads its merchants' rows instead of scanning the
    readings again; the run's rows are deleted when it finishes. "recent" is the shorter
    of the rated and fair-scale windows, "older" the rest of the longer one.
    """

    __tablename__ = "reading_tallies"

    run_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    merchant_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recent_total: Mapped[int] = mapped_column(Integer)
    recent_assessable: Mapped[int] = mapped_column(Integer)
    recent_short: Mapped[int] = mapped_column(Integer)
    older_total: Mapped[int] = mapped_column(Integer)
    older_assessable: Mapped[int] = mapped_column(Integer)
    older_short: Mapped[int] = mapped_column(Integer)
