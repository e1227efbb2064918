"""A verification institute's sheet (检定机构, issue 20): `operations.register` and
`operations.record_verification` for many rows, with the same scope checks and errors,
from a few set-based reads per chunk; then one bulk insert of the new instruments and of
the records, one audit write of each, and one update of the due dates they move.

An instrument is found by its serial and kind under its holder; one not registered yet is
registered with its first verification (an earlier row of the same file counts as
registered). Its due date follows its newest record, as `operations.follow_newest` has it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, func, select, update

from creditsvc import bulk
from creditsvc.extensions import db
from creditsvc.models import (
    Device,
    Instrument,
    Market,
    Merchant,
    Stall,
    VerificationRecord,
)
from creditsvc.models.base import utcnow
from creditsvc.principals import Principal
from creditsvc.services import audit, scope
from creditsvc.services.errors import DomainError, NotFound
from creditsvc.services.instruments.operations import due_after

HOLDERS = ("merchant_id", "stall_id", "market_id")
RECORD_KEYS = ("certificate_number", "institute", "verified_on", "result", "next_due")
Key = tuple[str, str, str, int]  # serial, kind, holder column, holder id


class VerificationBatch:
    def __init__(self, p: Principal) -> None:
        self.p = p
        self.new: dict[Key, dict] = {}  # instruments this file registers, by key

    def check(self, rows: list[tuple[int, dict]]) -> tuple[list[tuple[int, dict]], list]:
        """The rows that pass, each with its instrument's key and holder, and the errors."""
        usccs = {d["merchant"] for _, d in rows if d.get("merchant")}
        merchants = dict(
            db.session.execute(
                select(Merchant.uscc, Merchant).where(
                    Merchant.uscc.in_(usccs), scope.merchants(self.p)
                )
            ).all()
        )
        market_ids = {d["market_id"] for _, d in rows if d.get("market_id")}
        markets = {
            m.id: m
            for m in db.session.scalars(
                select(Market).where(Market.id.in_(market_ids), scope.markets(self.p))
            )
        }
        stalls = {
            (s.market_id, s.number): s.id
            for s in db.session.scalars(select(Stall).where(Stall.market_id.in_(markets)))
        }
        serials = {d["serial"] for _, d in rows}
        existing = {
            (i.serial, i.kind, *self._holder_of(i)): i.id
            for i in db.session.scalars(select(Instrument).where(Instrument.serial.in_(serials)))
        }
        passed, failed = [], []
        for number, data in rows:
            try:
                holder, district = self._holder(data, merchants, markets, stalls)
            except DomainError as exc:
                failed.append((number, exc))
                continue
            key: Key = (data["serial"], data["kind"], *holder)
            item = {"key": key, "district": district, "data": data, "id": existing.get(key)}
            if item["id"] is None and key not in self.new:
                self.new[key] = item
            passed.append((number, item))
        return passed, failed

    @staticmethod
    def _holder_of(instrument: Instrument) -> tuple[str, int]:
        column = next(c for c in HOLDERS if getattr(instrument, c) is not None)
        return column, getattr(instrument, column)

    @staticmethod
    def _holder(data: dict, merchants: dict, markets: dict, stalls: dict):
        if data.get("merchant"):
            merchant = merchants.get(data["merchant"])
            if merchant is None:
                raise NotFound("no such merchant, or not yours to see", "merchant")
            return ("merchant_id", merchant.id), merchant.district_code
        market = markets.get(data["market_id"])
        if market is None:
            raise NotFound("no such market, or not yours to see", "market_id")
        if data.get("stall"):
            stall_id = stalls.get((market.id, data["stall"]))
            if stall_id is None:
                raise NotFound(f"no stall {data['stall']} in this market", "stall")
            return ("stall_id", stall_id), market.district_code
        return ("market_id", market.id), market.district_code

    def write(self, rows: list[tuple[int, dict]]) -> None:
        """Insert the chunk's new instruments and its records; move the due dates."""
        items = [item for _, item in rows]
        now = utcnow()
        # The first row naming each instrument not registered yet, once.
        fresh = list(
            {
                item["key"]: self.new[item["key"]]
                for item in items
                if item["id"] is None and "row" not in self.new[item["key"]]
            }.values()
        )
        ids = bulk.reserve_ids(db.session, Instrument.__table__, len(fresh))
        instrument_rows = []
        for row_id, item in zip(ids, fresh, strict=True):
            serial, kind, column, holder = item["key"]
            row = {
                "id": row_id,
                "merchant_id": None,
                "stall_id": None,
                "market_id": None,
                "device_id": None,
                "district_code": item["district"],
                "kind": kind,
                "serial": serial,
                "verification_due": None,
                "due_notified_for": None,
                "created_at": now,
                "updated_at": now,
            }
            row[column] = holder
            item["row"] = row
            instrument_rows.append(row)
        for item in items:
            if item["id"] is None:
                item["id"] = self.new[item["key"]]["row"]["id"]
        record_ids = bulk.reserve_ids(db.session, VerificationRecord.__table__, len(items))
        record_rows = [
            {
                "id": record_id,
                "instrument_id": item["id"],
                **{k: item["data"].get(k) for k in RECORD_KEYS},
                "recorded_by": self.p.name,
                "recorded_at": now,
            }
            for record_id, item in zip(record_ids, items, strict=True)
        ]
        bulk.Loader(db.session).load(
            [(Instrument.__table__, instrument_rows), (VerificationRecord.__table__, record_rows)]
        )
        audit.record_created_rows(self.p.name, "instruments", instrument_rows)
        districts = [item["district"] for item in items]
        audit.record_created_rows(
            self.p.name, "verification_records", record_rows, district_codes=districts
        )
        self._follow_newest({item["id"] for item in items})

    def _follow_newest(self, instrument_ids: set[int]) -> None:
        """Each instrument's (and its scale's) due date from its newest record: one read of
        the newest records, one update of the instruments and one of the devices."""
        newest = (
            select(
                VerificationRecord.instrument_id,
                VerificationRecord.result,
                VerificationRecord.verified_on,
                VerificationRecord.next_due,
                func.row_number()
                .over(
                    partition_by=VerificationRecord.instrument_id,
                    order_by=(VerificationRecord.verified_on.desc(), VerificationRecord.id.desc()),
                )
                .label("rank"),
            )
            .where(VerificationRecord.instrument_id.in_(instrument_ids))
            .subquery()
        )
        rows = db.session.execute(select(newest).where(newest.c.rank == 1)).all()
        dues: list[dict[str, int | date | None]] = [
            {"key": r.instrument_id, "due": due_after(r.result, r.verified_on, r.next_due)}
            for r in rows
        ]
        if not dues:
            return
        table = Instrument.__table__
        db.session.execute(
            update(table)
            .where(table.c.id == bindparam("key"))
            .values(verification_due=bindparam("due")),
            dues,
            execution_options={"synchronize_session": False},
        )
        devices = Device.__table__
        linked = select(Instrument.device_id).where(
            Instrument.id == bindparam("key"), Instrument.device_id.is_not(None)
        )
        db.session.execute(
            update(devices)
            .where(devices.c.id.in_(linked.scalar_subquery()))
            .values(verification_due=bindparam("due"), lapse_notified_on=None),
            dues,
            execution_options={"synchronize_session": False},
        )
