"""What the officer console's pages share: the blueprint, the district in view,
form posts checked by the API's own marshmallow schemas, and paging.

Every view is `@allow(*OFFICERS)`; what it shows comes through the WHERE clauses of
`creditsvc.services.scope`, so another district's record answers 404, never data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TypeVar

from flask import Blueprint, abort, flash, g, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError
from werkzeug.wrappers import Response

from creditsvc import auth, idempotency
from creditsvc import uscc as uscc_rules
from creditsvc.models import District
from creditsvc.principals import CITY
from creditsvc.schemas.common import IdempotencyKeyField
from creditsvc.services import calendar
from creditsvc.services.errors import DomainError, Invalid
from creditsvc.services.registry import queries as registry_queries
from creditsvc.web.messages import translate

bp = Blueprint("console", __name__, url_prefix="/console")
T = TypeVar("T")

# A job could not be started because Redis is down (issue 17): nothing was done.
QUEUE_DOWN = _l(
    "The job queue is unavailable, so nothing was started and nothing was changed. "
    "Try again in a few minutes."
)


@bp.app_template_global("label_of")
def label_of(labels: Mapping, code: object) -> str:
    """A code's translated label, or the code itself when it has none."""
    return str(labels.get(code, code if code is not None else "—"))


@bp.app_template_global("new_idempotency_key")
def new_idempotency_key() -> str:
    """The hidden key of an evidence form, new each time the form is drawn."""
    return idempotency.new_key()


def sent_before() -> tuple[Response | None, dict[str, list[str]]]:
    """An evidence form sent again under its hidden key (a double click, or Back and send
    again), issue 17: the first answer again, saying so, and nothing stored twice. Sent
    before with other values: no answer, and the reason for the form."""
    raw = request.form.get(idempotency.FORM_FIELD)
    try:
        key = IdempotencyKeyField().deserialize(raw) if raw else None
        first = idempotency.begin(key, idempotency.FORM_FIELD, "form")
    except ValidationError:
        return None, {"": [_("The form is damaged: open it again.")]}
    except Invalid:
        reason = _(
            "This form had been sent before with other values, which were recorded. "
            "Send it again to record these values as well."
        )
        return None, {"": [reason]}
    if first is not None:
        flash(_("Already recorded: this form had been sent before."), "info")
    return first, {}


def districts() -> list[District]:
    return registry_queries.districts()


@bp.context_processor
def _console_context() -> dict:
    """The district picker's choices and the years whose holiday calendar deadlines need
    but nobody loaded (services.calendar), on the city officer's pages only: only the
    city officer can load a year."""
    if auth.current().role != CITY:
        return {"all_districts": [], "missing_calendar_years": []}
    return {
        "all_districts": districts(),
        "missing_calendar_years": calendar.years_needed_missing(),
    }


def district_in_view() -> str | None:
    """The district a page shows: a district officer's own; for the city officer the
    `district` picked (None: all). Asking for another district is a 404 (not data)."""
    p = auth.current()
    asked = request.args.get("district") or None
    if p.role == CITY:
        if asked is not None and registry_queries.district(asked) is None:
            abort(404)
        return asked
    if asked is not None and asked != p.district_code:
        abort(404)
    return p.district_code


def _flatten(errors: object, prefix: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(errors, Mapping):
        for key, value in errors.items():
            path = prefix if key == "_schema" else (f"{prefix}.{key}" if prefix else str(key))
            yield from _flatten(value, path)
    elif isinstance(errors, list | tuple):
        for item in errors:
            yield from _flatten(item, prefix)
    else:
        yield prefix, str(errors)


def field_errors(
    errors: object, fields: set[str], rename: Callable[[str], str] = str
) -> dict[str, list[str]]:
    """Marshmallow's nested messages as {form field name: [reasons]}. `rename` maps a
    payload path to the form's (rows skipped when blank); an error deeper than a form
    field (one measurement of a lot) goes to that field; "" holds the rest."""
    flat: dict[str, list[str]] = {}
    for path, message in _flatten(errors):
        name = rename(path)
        while name and name not in fields:
            name = name.rpartition(".")[0]
        flat.setdefault(name, []).append(translate(message))
    return flat


def load(
    schema: type[Schema], payload: dict, fields: set[str], rename: Callable[[str], str] = str
) -> tuple[dict | None, dict[str, list[str]]]:
    """Validate a form post with the API's own schema, so the form and the API share one
    validation: (data, {}) or (None, reasons by form field)."""
    try:
        return schema().load(payload), {}
    except ValidationError as exc:
        return None, field_errors(exc.messages, fields, rename)


def domain_errors(
    exc: DomainError, fields: set[str], rename: Callable[[str], str] = str
) -> dict[str, list[str]]:
    """A service's refusal, shown next to the field it names."""
    path = (exc.field or "").removeprefix("json.")
    return field_errors({path: [exc.message]} if path else [exc.message], fields, rename)


PICKED = "__pick"  # suffix of the radio buttons offering the businesses found


def choose_business(
    payload: dict, field: str = "merchant", form_field: str | None = None
) -> dict[str, list[str]]:
    """A business field holding part of a name, or anything that is not a code, saves
    nothing: the form comes back offering the businesses in view that match, by name, so
    the officer sees which business it is before saving (issue 19). A business picked
    from that list replaces what was typed. Returns the reasons by form field ({} to go
    on); `form_field` is the form's name for the payload's `field` where they differ."""
    form_field = form_field or field
    picked = request.form.get(form_field + PICKED, "").strip()
    if picked:
        payload[field] = picked
        return {}
    typed = str(payload.get(field) or "").strip()
    if not typed or len(uscc_rules.normalise(typed)) == uscc_rules.LENGTH:
        return {}
    found = registry_queries.businesses_like(auth.current(), typed)
    g.business_choices = {form_field: found}
    if not found:
        return {form_field: [_("No business in your view has this in its name or code.")]}
    return {
        form_field: [_("Choose the business from those found below, then send the form again.")]
    }


@bp.app_template_global("business_choices")
def business_choices(field: str) -> list:
    """The businesses `choose_business` found for a field, for the form to offer."""
    return g.get("business_choices", {}).get(field, [])


def save(
    schema: type[Schema],
    payload: dict,
    fields: set[str],
    apply: Callable[[dict], T],
    rename: Callable[[str], str] = str,
    business: str | None = None,
) -> tuple[T | None, dict[str, list[str]]]:
    """Validate a form post with the API's schema and hand it to a service; commit what
    it made, or roll back and return the reasons by form field. `business` names the
    payload field that names a business (found by `choose_business`)."""
    chosen = choose_business(payload, business, rename(business)) if business else {}
    data, errors = load(schema, payload, fields, rename)
    if chosen:  # every other reason too, and for the business the choice to make
        return None, {**errors, **chosen}
    if data is None:
        return None, errors
    try:
        made = apply(data)
    except DomainError as exc:
        return None, domain_errors(exc, fields, rename)
    return made, {}


def present(form: Mapping, names: Iterable[str]) -> dict[str, str]:
    """The non-blank values of a form among `names`: a blank optional field is left out,
    and a blank required one is reported missing by the schema."""
    values = {name: form.get(name, "").strip() for name in names}
    return {name: value for name, value in values.items() if value}


def page_number() -> int:
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1
