"""A business's live badge for its online shop or WeChat page (issue 22, item 4):
`/badge/<uscc>.svg` and `/badge/<uscc>.png`, Chinese unless `?lang=en`.

The badge is drawn from the business's current standing on every request the HTTP caches
let through, so a grade withdrawn or lowered by a rescore shows as soon as the caches
(BADGE_CACHE_SECONDS) let it; its ETag is a digest of what it shows, so a browser that
asks again with If-None-Match is answered 304 while nothing has changed.
"""

from __future__ import annotations

import hashlib
from dataclasses import astuple
from datetime import date

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _

from creditsvc import badges
from creditsvc import uscc as uscc_rules
from creditsvc.auth import allow
from creditsvc.principals import PUBLIC
from creditsvc.rate_limits import public_reads
from creditsvc.replicas import serve_from_replicas
from creditsvc.services.publication import public
from creditsvc.services.standing import policies
from creditsvc.web import labels

bp = Blueprint("badge", __name__)
serve_from_replicas(bp)  # anonymous reads from a hot standby (creditsvc.replicas)

FORMATS = {"svg": "image/svg+xml", "png": "image/png"}


def well_formed(code: str) -> bool:
    """A code that could be a registered USCC: 18 characters of the code's alphabet. A
    code whose structure or check character is wrong may still be registered (pilot
    codes, kept with a reason: creditsvc.uscc), so only a malformed one is refused."""
    try:
        uscc_rules.parse(code)
    except uscc_rules.USCCError as exc:
        return exc.overridable
    return True


def face_of(facts: dict | None) -> badges.Face:
    """What the badge shows, in the language in force (flask_babel.force_locale)."""
    service = _("Honest Metrology Credit Service")
    if facts is None:
        line = _("No such business")
        return badges.Face("?", "grade-none", service, line, "", "", f"{service}: {line}")
    grade = facts["grade"] if facts["rated"] else None
    policy = (
        policies.version(facts["policy_version"]) if facts["policy_version"] else None
    ) or policies.current()
    label = labels.grade_label(policy, grade)
    assessed: date | None = facts["as_of"]
    line = _("Grade %(grade)s · %(label)s", grade=grade, label=label) if grade else _("Unrated")
    day = _("assessed on %(date)s", date=assessed.isoformat()) if assessed else ""
    title = ", ".join(part for part in (f"{service}: {facts['name']}", line, day) if part)
    colour = badges.colour_name(grade)
    return badges.Face(grade or "", colour, service, facts["name"], line, day, title)


def digest(face: badges.Face, kind: str, lang: str) -> str:
    """The ETag: what the badge shows (grade, date, names), its language and format."""
    shown = "\x1f".join((kind, lang, face.colour, *astuple(face)))
    return hashlib.sha256(shown.encode()).hexdigest()[:32]


@bp.get("/badge/<uscc>.<any(svg, png):kind>")
@allow(PUBLIC)
@public_reads
def badge(uscc: str, kind: str):
    """A business's current grade as an image to embed, linking to its public page."""
    if not well_formed(uscc):
        abort(400, description="not a well-formed USCC")
    lang = "en" if request.args.get("lang") == "en" else "zh"
    facts = public.badge(uscc)
    with force_locale(lang):
        face = face_of(facts)
        etag = digest(face, kind, lang)
        unchanged = facts is not None and request.if_none_match.contains(etag)
        if unchanged:  # nothing to draw: the browser's copy is what it would be
            response = Response(status=304)
        else:
            response = Response(draw(face, kind, lang), mimetype=FORMATS[kind])
    if facts is None:
        response.status_code = 404
        return response
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config["BADGE_CACHE_SECONDS"]
    response.set_etag(etag)
    return response


def draw(face: badges.Face, kind: str, lang: str) -> str | bytes:
    if kind == "svg":
        return render_template("public/badge.svg", **badges.svg_context(face), lang=lang)
    return badges.png(face)
