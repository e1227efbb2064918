"""The registry: streets, communities, markets, stalls, devices, merchants, instruments."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from creditsvc import uscc as uscc_rules
from creditsvc.models import COMMUNITY_STATUSES, INSTRUMENT_KINDS, TRADES
from creditsvc.schemas.common import Date, Moment, PageArgs, RowId, Text

Name = validate.Length(min=1, max=128)


def district_field(**kwargs) -> fields.Str:
    """A district's GB/T 2260 code, given as `district` in the API."""
    return Text(
        data_key="district",
        validate=validate.Regexp(r"^31\d{4}$", error="not a Shanghai district code"),
        **kwargs,
    )


def _strip_strings(data: object) -> object:
    if isinstance(data, dict):
        return {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
    return data


class StrippedSchema(Schema):
    @pre_load
    def strip(self, data, **kwargs):
        return _strip_strings(data)


# Streets and communities ---------------------------------------------------------


class StreetIn(StrippedSchema):
    district_code = district_field(required=True)
    name = Text(required=True, validate=validate.Length(min=1, max=64))
    kind = Text(load_default="street", validate=validate.OneOf(["street", "town"]))


class StreetOut(Schema):
    id = fields.Int()
    district = fields.Str(attribute="district_code")
    name = fields.Str()
    kind = fields.Str()


class StreetArgs(PageArgs):
    district = Text()
    q = Text(validate=validate.Length(max=64))


class CommunityIn(StrippedSchema):
    street_id = RowId(required=True)
    name = Text(required=True, validate=Name)
    applied_on = Date()


class CommunityOut(Schema):
    id = fields.Int()
    street_id = fields.Int()
    district = fields.Str(attribute="district_code")
    name = fields.Str()
    status = fields.Str()
    applied_on = fields.Date(allow_none=True)
    accepted_on = fields.Date(allow_none=True)


class CommunityArgs(PageArgs):
    district = Text()
    street_id = RowId()
    status = Text(validate=validate.OneOf(COMMUNITY_STATUSES))


# Markets, stalls, devices ------------------------------------------------------


class USCCField(fields.Str):
    """A USCC, normalised (spaces trimmed, upper-cased) and fully checked."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return uscc_rules.parse(text).code
        except uscc_rules.USCCError as exc:
            raise ValidationError(str(exc)) from exc


class MarketIn(StrippedSchema):
    name = Text(required=True, validate=Name)
    district_code = district_field(required=True)
    street_id = RowId(allow_none=True)
    address = Text(load_default="", validate=validate.Length(max=256))
    host_name = Text(load_default="", validate=validate.Length(max=128))
    host_uscc = USCCField(allow_none=True)


class MarketUpdate(StrippedSchema):
    name = Text(validate=Name)
    street_id = RowId(allow_none=True)
    address = Text(validate=validate.Length(max=256))
    host_name = Text(validate=validate.Length(max=128))
    host_uscc = USCCField(allow_none=True)


class MarketOut(Schema):
    id = fields.Int()
    name = fields.Str()
    district = fields.Str(attribute="district_code")
    street_id = fields.Int(allow_none=True)
    address = fields.Str()
    host_name = fields.Str()
    host_uscc = fields.Str(allow_none=True)


class MarketArgs(PageArgs):
    district = Text()
    street_id = RowId()
    q = Text(validate=validate.Length(max=64))


class StallIn(StrippedSchema):
    market_id = RowId(required=True)
    number = Text(required=True, validate=validate.Length(min=1, max=32))
    merchant = USCCField(allow_none=True)


class StallUpdate(StrippedSchema):
    merchant = USCCField(allow_none=True, required=True)


class StallOut(Schema):
    id = fields.Int()
    market_id = fields.Int()
    number = fields.Str()
    merchant = fields.Function(lambda s: s.merchant.uscc if s.merchant else None)


class StallArgs(PageArgs):
    market_id = RowId()


class DeviceIn(StrippedSchema):
    serial = Text(
        required=True,
        validate=[
            validate.Length(min=3, max=64),
            validate.Regexp(r"^[A-Za-z0-9._-]+$", error="letters, digits, '.', '_' or '-' only"),
        ],
    )
    market_id = RowId(required=True)
    high_accuracy = fields.Bool(load_default=False)
    verification_due = Date(allow_none=True)


class DeviceUpdate(StrippedSchema):
    high_accuracy = fields.Bool()
    verification_due = Date(allow_none=True)
    active = fields.Bool()


class DeviceOut(Schema):
    id = fields.Int()
    serial = fields.Str()
    market_id = fields.Int()
    high_accuracy = fields.Bool()
    k = fields.Int(
        metadata={"description": "re-weigh multiplier (零售商品称重计量监督管理办法 第六条)"}
    )
    verification_due = fields.Date(allow_none=True)
    active = fields.Bool()


class DeviceArgs(PageArgs):
    market_id = RowId()


# Merchants and instruments ----------------------------------------------------


class MerchantIn(StrippedSchema):
    uscc = Text(required=True, validate=validate.Length(min=1, max=64))
    uscc_override_reason = Text(multiline=True, validate=validate.Length(min=5, max=500))
    name = Text(required=True, validate=Name)
    trade = Text(required=True, validate=validate.OneOf(TRADES))
    district_code = district_field(required=True)
    street_id = RowId(allow_none=True)
    market_id = RowId(allow_none=True)
    address = Text(load_default="", validate=validate.Length(max=256))

    @validates_schema
    def check_uscc(self, data, **kwargs):
        """GB 32100: an override reason may excuse a code failing its structure or check
        character (rules.md §3), never a wrong length or a character outside the alphabet."""
        try:
            data["uscc"] = uscc_rules.parse(data["uscc"]).code
            if "uscc_override_reason" in data:
                raise ValidationError(
                    "only a code failing its structure or check character may be overridden",
                    "uscc_override_reason",
                )
        except uscc_rules.USCCError as exc:
            if not (exc.overridable and data.get("uscc_override_reason")):
                hint = (
                    "; an officer may register it with uscc_override_reason"
                    if exc.overridable
                    else ""
                )
                raise ValidationError(f"{exc}{hint}", "uscc") from exc
            data["uscc"] = uscc_rules.normalise(data["uscc"])


class MerchantUpdate(StrippedSchema):
    name = Text(validate=Name)
    trade = Text(validate=validate.OneOf(TRADES))
    street_id = RowId(allow_none=True)
    market_id = RowId(allow_none=True)
    address = Text(validate=validate.Length(max=256))


class MerchantOut(Schema):
    uscc = fields.Str()
    uscc_override_reason = fields.Str(allow_none=True)
    name = fields.Str()
    trade = fields.Str()
    district = fields.Str(attribute="district_code")
    street_id = fields.Int(allow_none=True)
    street = fields.Function(lambda m: m.street.name if m.street else None)
    market_id = fields.Int(allow_none=True)
    market = fields.Function(lambda m: m.market.name if m.market else None)
    address = fields.Str()
    commitment_signed_on = fields.Date(allow_none=True)
    created_at = Moment()
    updated_at = Moment()


class MerchantArgs(PageArgs):
    q = Text(validate=validate.Length(max=64), metadata={"description": "name or USCC"})
    district = Text()
    trade = Text(validate=validate.OneOf(TRADES))
    street_id = RowId()
    market_id = RowId()


class InstrumentIn(StrippedSchema):
    kind = Text(required=True, validate=validate.OneOf(INSTRUMENT_KINDS))
    serial = Text(required=True, validate=validate.Length(min=1, max=64))
    verification_due = Date(allow_none=True)


class InstrumentOut(Schema):
    id = fields.Int()
    kind = fields.Str()
    serial = fields.Str()
    verification_due = fields.Date(allow_none=True)
