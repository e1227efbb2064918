"""Names people write in spreadsheets, resolved to the ids the API takes.

One resolver serves a whole file: the districts are read once, and a district's streets
and markets once, the first time a row names one of them, so a file of any length costs
a few queries, not a few per row."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from creditsvc.extensions import db
from creditsvc.models import District, Market, Street
from creditsvc.services.errors import Invalid

PLACES = (("street", Street), ("market", Market))


class MerchantResolver:
    """District by code or Chinese name; street and market by name in that district, or by id."""

    def __init__(self) -> None:
        self.districts: dict[str, str] = {}
        for code, name in db.session.execute(select(District.code, District.name_zh)):
            self.districts.setdefault(name, code)
            self.districts[code] = code
        self.names: dict[tuple[str, str], dict[str, int]] = {}  # (column, district) → name → id
        self.ids: dict[tuple[str, int], bool] = {}  # (column, id) → exists

    def _district(self, text: str) -> str:
        code = self.districts.get(text)
        if code is None:
            raise Invalid(f"no district {text!r} (give the code or the Chinese name)", "district")
        return code

    def _by_name(self, column: str, model, district: str, text: str) -> int:
        if text.isdigit():
            key = (column, int(text))
            if key not in self.ids:
                found = db.session.scalar(select(model.id).where(model.id == int(text)))
                self.ids[key] = found is not None
            if self.ids[key]:
                return int(text)
        else:
            if (column, district) not in self.names:
                stmt = select(model.name, model.id).where(model.district_code == district)
                named: dict[str, int] = {}
                for name, row_id in db.session.execute(stmt.order_by(model.id)):
                    named.setdefault(name, row_id)
                self.names[column, district] = named
            found_id = self.names[column, district].get(text)
            if found_id is not None:
                return found_id
        raise Invalid(f"no {column} {text!r} in district {district}", column)

    def __call__(self, values: dict[str, str]) -> dict[str, str | int]:
        resolved: dict[str, str | int] = dict(values)
        names = {"street": resolved.pop("street", ""), "market": resolved.pop("market", "")}
        if not values.get("district"):
            return resolved  # the schema reports the missing district
        district = resolved["district"] = self._district(values["district"])
        for column, model in PLACES:
            if names[column]:
                resolved[f"{column}_id"] = self._by_name(
                    column, model, district, str(names[column])
                )
        return resolved


class VerificationResolver(MerchantResolver):
    """A market by name within the row's district (or by id); the district is not kept."""

    def __call__(self, values: dict[str, str]) -> dict[str, str | int]:
        resolved: dict[str, str | int] = dict(values)
        market = str(resolved.pop("market", "") or "")
        district = str(resolved.pop("district", "") or "")
        if market:
            if not district and not market.isdigit():
                raise Invalid("a market is named within its district", "district")
            code = self._district(district) if district else ""
            resolved["market_id"] = self._by_name("market", Market, code, market)
        return resolved


# Each kind: a fresh resolver for one file.
RESOLVERS: dict[str, Callable[[], Callable[[dict[str, str]], dict]]] = {
    "merchants": MerchantResolver,
    "inspections": lambda: dict,
    "complaints": lambda: dict,
    "verifications": VerificationResolver,
}
