"""Demonstration communities (诚信计量示范社(街)区) in the officer console: a street's
application with its participating units, the district's review, the city's draw of 12
units in 4 groups, acceptance or rejection with the organiser's score, and re-evaluation.
Posts are validated by the API's own schemas and done by the API's own services
(services.registry.operations, services.programme.communities), which audit every write."""

from __future__ import annotations

import re

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from creditsvc import auth, clock
from creditsvc.auth import allow
from creditsvc.models import Community
from creditsvc.principals import CITY, OFFICERS
from creditsvc.schemas.programme import AcceptIn, DrawIn, ReviewIn, UnitsIn
from creditsvc.schemas.registry import CommunityIn
from creditsvc.services import scope
from creditsvc.services.programme import communities
from creditsvc.services.programme import queries as programme
from creditsvc.services.registry import operations as registry
from creditsvc.services.registry import queries as registry_queries
from creditsvc.web.console_common import bp, district_in_view, page_number, present, save
from creditsvc.web.labels import COMMUNITY_PROGRAMME_STATUS_LABELS, DRAW_KIND_LABELS

PER_PAGE = 50
STREETS_SHOWN = 500
UNIT_SEPARATORS = re.compile(r"[\s,，、;；]+")
COMMUNITY_FIELDS = {"street_id", "name", "applied_on"}
UNITS_FIELDS = {"units"}
REVIEW_FIELDS = {"approve", "note"}
DRAW_FIELDS = {"seed"}
ACCEPT_FIELDS = {"passed", "organiser_score", "note"}


@bp.get("/communities")
@allow(*OFFICERS)
def community_list():
    district = district_in_view()
    status = request.args.get("status")
    args: dict = {"page": page_number(), "per_page": PER_PAGE}
    if district:
        args["district"] = district
    if status in COMMUNITY_PROGRAMME_STATUS_LABELS:
        args["status"] = status
    return render_template(
        "console/communities.html",
        page=registry_queries.communities_page(auth.current(), args),
        district=district,
        status=args.get("status"),
        statuses=COMMUNITY_PROGRAMME_STATUS_LABELS,
    )


def _application_form(values: MultiDict, errors: dict, status: int = 200):
    p = auth.current()
    args: dict = {"page": 1, "per_page": STREETS_SHOWN}
    if p.role != CITY:  # every officer reads every street; applications are the district's
        args["district"] = p.district_code
    streets = registry_queries.streets_page(p, args)
    return render_template(
        "console/community_form.html",
        values=values,
        errors=errors,
        streets={str(s.id): s.name for s in streets["items"]},
    ), status


@bp.route("/communities/new", methods=["GET", "POST"])
@allow(*OFFICERS)
def new_community():
    """Record a street's application to become a demonstration community."""
    if request.method == "GET":
        values = MultiDict({"applied_on": clock.today().isoformat()})
        values.update(request.args)
        return _application_form(values, {})
    p = auth.current()
    community, errors = save(
        CommunityIn,
        present(request.form, COMMUNITY_FIELDS),
        COMMUNITY_FIELDS,
        lambda data: registry.create_community(p, data),
    )
    if community is None:
        return _application_form(request.form, errors, 422)
    flash(_("Application recorded. Name its participating units next."), "info")
    return redirect(url_for("console.community", community_id=community.id), 303)


def _community_page(community: Community, values: MultiDict, errors: dict, status: int = 200):
    units = programme.community_units(community.id)
    draws = programme.community_draws(community.id)
    open_draw = next((d for d in draws if d.passed is None), None)
    if "units" not in values:
        values = MultiDict(values)
        values["units"] = "\n".join(m.uscc for m in units)
    return render_template(
        "console/community.html",
        community=community,
        units=units,
        draws=draws,
        open_draw=open_draw,
        draw_size=communities.DRAW_SIZE,
        values=values,
        errors=errors,
        statuses=COMMUNITY_PROGRAMME_STATUS_LABELS,
        draw_kinds=DRAW_KIND_LABELS,
        is_city=auth.current().role == CITY,
        # Communities are read city-wide (as the API reads them); only the community's
        # district (or the city) moves it along, so only they are shown the forms.
        may_write=scope.may_write_district(auth.current(), community.district_code),
    ), status


@bp.get("/communities/<int:community_id>")
@allow(*OFFICERS)
def community(community_id: int):
    found = registry_queries.community(auth.current(), community_id)
    return _community_page(found, MultiDict(), {})


def _act(community_id: int, schema, payload: dict, fields: set[str], apply, done: str):
    """One step of the community's way: validated by the API's schema, done by its service;
    the community's page again, with the reasons beside the fields when refused."""
    p = auth.current()
    found = registry_queries.community(p, community_id)
    made, errors = save(schema, payload, fields, lambda data: apply(p, found, data))
    if made is None:
        return _community_page(found, request.form, errors, 422)
    flash(done, "info")
    return redirect(url_for("console.community", community_id=community_id), 303)


@bp.post("/communities/<int:community_id>/units")
@allow(*OFFICERS)
def community_units(community_id: int):
    """Name the participating units (one USCC a line; replaces the list)."""
    text = request.form.get("units", "").strip()
    payload = {"units": [u.upper() for u in UNIT_SEPARATORS.split(text) if u]} if text else {}
    return _act(
        community_id,
        UnitsIn,
        payload,
        UNITS_FIELDS,
        lambda p, found, data: communities.set_units(p, found, data["units"]),
        _("Participating units saved."),
    )


@bp.post("/communities/<int:community_id>/review")
@allow(*OFFICERS)
def review_community(community_id: int):
    """The district bureau's review: pass on to the city, or reject."""
    return _act(
        community_id,
        ReviewIn,
        present(request.form, REVIEW_FIELDS),
        REVIEW_FIELDS,
        lambda p, found, data: communities.review(
            p, found, data["approve"], data["note"], clock.today()
        ),
        _("Review recorded."),
    )


@bp.post("/communities/<int:community_id>/draws")
@allow(CITY)
def draw_community(community_id: int):
    """Draw 12 units in 4 groups (the seed is recorded)."""
    return _act(
        community_id,
        DrawIn,
        present(request.form, DRAW_FIELDS),
        DRAW_FIELDS,
        lambda p, found, data: communities.draw(p, found, data.get("seed")),
        _("Units drawn."),
    )


@bp.post("/communities/<int:community_id>/accept")
@allow(CITY)
def accept_community(community_id: int):
    """Accept or reject on the open draw, recording the organiser's score."""
    return _act(
        community_id,
        AcceptIn,
        present(request.form, ACCEPT_FIELDS),
        ACCEPT_FIELDS,
        lambda p, found, data: communities.decide(p, found, data, clock.today()),
        _("Decision recorded."),
    )
