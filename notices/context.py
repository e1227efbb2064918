"""The data a document template sees, validated and normalised by a schema per kind.

A caller (a job) builds a plain dict from the database and `load_context` turns it into
the template's context: strings trimmed, dates as `date`, the serial canonical, and
derived values (the unrated label, honor-roll grouping) filled in. No ORM object, no
callable, nothing the template could use to reach further than the page it prints.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from notices.serials import SerialError, parse_serial

# The bureau's zone (creditsvc.workdays.SHANGHAI; notices/ imports nothing of creditsvc).
SHANGHAI = ZoneInfo("Asia/Shanghai")

# Grades of the honest-metrology scheme (DESIGN.md §6). Their public names belong to the
# scoring policy in force, which the caller holds: it passes them in as `grade_label`.
GRADES = ("A", "B", "C", "D")
# A merchant not rated yet (too little evidence) still gets a placard with its live QR.
UNRATED_LABEL = "未评级"
# 统一社会信用代码 (GB 32100-2015): shape only; the check character is verified at registration.
USCC_SHAPE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}")
# Demonstration community / unit status (reference/rules.md §5).
DEMONSTRATION_STATUS = {
    "building": "创建中",
    "designated": "已命名",
    "under_review": "复评中",
    "revoked": "已撤销",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class Text(fields.Str):
    """A trimmed single-line string; control characters are refused, not printed."""

    def __init__(self, *, max_length: int = 200, **kwargs: Any) -> None:
        super().__init__(validate=validate.Length(min=1, max=max_length), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if _CONTROL.search(text):
            raise ValidationError("must not contain control characters")
        return text


class Day(fields.Date):
    """A calendar date from ISO text, a `date`, or a `datetime` (its date part; an aware
    moment's date in Shanghai, the bureau's day, whatever the host's zone)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.astimezone(SHANGHAI).date() if value.tzinfo else value.date()
        if isinstance(value, dt.date):
            return value
        day: dt.date = super()._deserialize(value, attr, data, **kwargs)
        return day


class SerialField(fields.Str):
    """A document serial, stored in its canonical printed form."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        try:
            return str(parse_serial(super()._deserialize(value, attr, data, **kwargs)))
        except SerialError as exc:
            raise ValidationError(str(exc)) from exc


def _uscc() -> fields.Str:
    """Every business a document names carries its 统一社会信用代码: two businesses of one
    name in one district are told apart only by it."""
    return fields.Str(required=True, validate=validate.Regexp(USCC_SHAPE))


def _site_url() -> fields.Url:
    return fields.Url(required=True, schemes={"http", "https"}, require_tld=False)


class DocumentContext(Schema):
    """What every document prints: issuing bureau, title, serial and its verify URL."""

    default_title = ""

    bureau = Text(required=True)
    serial = SerialField(required=True)
    verify_url = _site_url()
    document_title = Text(load_default=None)

    @validates_schema
    def _verify_url_names_serial(self, data: dict[str, Any], **kwargs: Any) -> None:
        # The printed QR must lead to this document's own verify page.
        url, serial = data.get("verify_url"), data.get("serial")
        if url and serial and not url.rstrip("/").endswith(f"/verify/{serial}"):
            raise ValidationError(f"must end with /verify/{serial}", "verify_url")

    @post_load
    def _default_title(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        if not data.get("document_title"):
            data["document_title"] = self.default_title
        return data


class ExposureEntry(Schema):
    business_name = Text(required=True)
    uscc = _uscc()
    address = Text(required=True)
    violation_name = Text(required=True)
    obligation_article = Text(required=True)
    penalty_article = Text(required=True)
    penalty_summary = Text(required=True, max_length=500)
    decision_number = Text(required=True, max_length=80)
    decision_date = Day(required=True)
    window_end = Day(required=True)

    @validates_schema
    def _window_after_decision(self, data: dict[str, Any], **kwargs: Any) -> None:
        end, decided = data.get("window_end"), data.get("decision_date")
        if end and decided and end <= decided:
            raise ValidationError("must be after the decision date", "window_end")


class ExposureContext(DocumentContext):
    """曝光通报 exposure notice: penalty decisions of a district and period (DESIGN.md §7)."""

    default_title = "计量违法行为曝光通报"

    district = Text(required=True)
    period_from = Day(required=True)
    period_to = Day(required=True)
    issued_on = Day(required=True)
    entries = fields.List(fields.Nested(ExposureEntry), required=True)

    @validates_schema
    def _decisions_in_period(self, data: dict[str, Any], **kwargs: Any) -> None:
        start, end = data.get("period_from"), data.get("period_to")
        if start is None or end is None:
            return
        if start > end:
            raise ValidationError("must not be after period_to", "period_from")
        outside = [
            e["decision_number"]
            for e in data.get("entries", [])
            if not start <= e["decision_date"] <= end
        ]
        if outside:
            raise ValidationError(f"decisions outside the period: {', '.join(outside)}", "entries")

    @post_load
    def _in_decision_order(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        data["entries"].sort(key=lambda e: (e["decision_date"], e["decision_number"]))
        return data


class HonorRollEntry(Schema):
    street = Text(required=True)
    trade = Text(required=True)
    name = Text(required=True)
    uscc = _uscc()
    # 诚信计量光荣榜 lists grade-A businesses only (DESIGN.md §7).
    grade = fields.Str(required=True, validate=validate.Equal("A", error="honor roll is grade A"))
    address = Text(required=True)
    demonstration = fields.Bool(load_default=False)


class HonorRollContext(DocumentContext):
    """诚信计量光荣榜 honor roll, grouped by street then trade in the order given."""

    default_title = "诚信计量光荣榜"

    district = Text(required=True)
    as_of = Day(required=True)
    # The name of grade A in the policy in force, printed in the lead paragraph.
    grade_label = Text(required=True, max_length=20)
    entries = fields.List(fields.Nested(HonorRollEntry), required=True)

    @post_load
    def _group(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        streets: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for entry in data["entries"]:
            streets.setdefault(entry["street"], {}).setdefault(entry["trade"], []).append(entry)
        data["streets"] = [
            {"name": street, "trades": [{"name": t, "entries": e} for t, e in trades.items()]}
            for street, trades in streets.items()
        ]
        data["demonstration_count"] = sum(e["demonstration"] for e in data["entries"])
        return data


class Designation(Schema):
    """Status and dates of a demonstration designation (re-evaluated every 3 to 5 years)."""

    status = fields.Str(required=True, validate=validate.OneOf(DEMONSTRATION_STATUS))
    designated_on = Day(load_default=None)
    review_due = Day(load_default=None)

    @validates_schema
    def _designation_dated(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("status") in ("designated", "under_review") and not data.get("designated_on"):
            raise ValidationError("a designation needs its date", "designated_on")

    @post_load
    def _status_label(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        data["status_label"] = DEMONSTRATION_STATUS[data["status"]]
        return data


class DemonstrationUnit(Designation):
    """A 诚信计量示范单位: a market, fuel station, restaurant, shop, hospital, optician..."""

    name = Text(required=True)
    uscc = _uscc()
    trade = Text(required=True)
    address = Text(required=True)


class DemonstrationCommunity(Designation):
    """A 诚信计量示范社(街)区 organised by a street or town, with its participating units."""

    name = Text(required=True)
    units = fields.List(fields.Nested(DemonstrationUnit), load_default=list)


class DemonstrationContext(DocumentContext):
    """诚信计量示范社(街)区 / 示范单位 listing (reference/rules.md §5)."""

    default_title = "诚信计量示范社（街）区及示范单位名录"

    district = Text(required=True)
    as_of = Day(required=True)
    communities = fields.List(fields.Nested(DemonstrationCommunity), required=True)


class PlacardContext(DocumentContext):
    """诚信计量公示牌 merchant placard: grade, date and a QR code to the live public page."""

    default_title = "诚信计量公示牌"

    merchant_name = Text(required=True)
    uscc = _uscc()
    address = Text(load_default=None)
    # None: not rated yet, printed as 未评级.
    grade = fields.Str(required=True, allow_none=True, validate=validate.OneOf(GRADES))
    # The grade's name in the scoring policy the caller holds; unrated: 未评级 or left out.
    grade_label = Text(load_default=None, max_length=20)
    as_of = Day(required=True)
    public_url = _site_url()
    # A designated demonstration unit (诚信计量示范单位) says so on its placard.
    demonstration = fields.Bool(load_default=False)

    @validates_schema
    def _label_fits_grade(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "grade" not in data:
            return
        label = data.get("grade_label")
        if data["grade"] is not None and not label:
            raise ValidationError(f"grade {data['grade']} needs its name", "grade_label")
        if data["grade"] is None and label not in (None, UNRATED_LABEL):
            raise ValidationError(f"an unrated merchant is {UNRATED_LABEL}", "grade_label")

    @post_load
    def _fill_label(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        if data["grade"] is None:
            data["grade_label"] = UNRATED_LABEL
        return data


SCHEMAS: Mapping[str, type[DocumentContext]] = {
    "exposure_notice": ExposureContext,
    "honor_roll": HonorRollContext,
    "demonstration_listing": DemonstrationContext,
    "placard": PlacardContext,
}


def load_context(kind: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Validate and normalise `data` for a document `kind`.

    Raises marshmallow's ValidationError (its `messages` name the fields) for data that
    must not be printed, and ValueError for an unknown kind.
    """
    try:
        schema = SCHEMAS[kind]
    except KeyError:
        raise ValueError(f"unknown document kind {kind!r}; one of {', '.join(SCHEMAS)}") from None
    context: dict[str, Any] = schema().load(data)
    return context
