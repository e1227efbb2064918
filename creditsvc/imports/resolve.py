"""Names people write in spreadsheets, resolved to the ids the API takes."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import or_, select

from creditsvc.extensions import db
from creditsvc.models import District, Market, Street
from creditsvc.services.errors import Invalid


def _district(text: str) -> str:
    code = db.session.scalar(
        select(District.code).where(or_(District.code == text, District.name_zh == text))
    )
    if code is None:
        raise Invalid(f"no district {text!r} (give the code or the Chinese name)", "district")
    return code


def _by_name(model, district: str, text: str, field: str) -> int:
    if text.isdigit():
        found = db.session.scalar(select(model.id).where(model.id == int(text)))
    else:
        found = db.session.scalar(
            select(model.id).where(model.district_code == district, model.name == text)
        )
    if found is None:
        raise Invalid(f"no {field} {text!r} in district {district}", field)
    return found


def merchant_values(values: dict[str, str]) -> dict[str, str | int]:
    resolved: dict[str, str | int] = dict(values)
    names = {"street": resolved.pop("street", ""), "market": resolved.pop("market", "")}
    if not values.get("district"):
        return resolved  # the schema reports the missing district
    district = resolved["district"] = _district(values["district"])
    for column, model in (("street", Street), ("market", Market)):
        if names[column]:
            resolved[f"{column}_id"] = _by_name(model, district, str(names[column]), column)
    return resolved


RESOLVERS: dict[str, Callable[[dict[str, str]], dict]] = {
    "merchants": merchant_values,
    "inspections": dict,
    "complaints": dict,
}
