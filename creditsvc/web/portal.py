"""The merchant portal: a merchant's own standing, every reason with its evidence, the
score over time, how to rise, its placard, and its objections and replies.

There is no merchant in the URL: the page shows the merchant of the logged-in account
and nothing else, so no address can lead one merchant to another's record.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import escape
from marshmallow import ValidationError

from creditsvc import auth, badges, clock, links
from creditsvc.auth import allow
from creditsvc.models import OBJECTION_SUBJECTS
from creditsvc.models.objection import REPLY_MAX_CHARS
from creditsvc.principals import MERCHANT
from creditsvc.schemas.requests import ObjectionIn, ReplyIn
from creditsvc.services.appeals import objections, replies
from creditsvc.services.appeals import queries as appeals
from creditsvc.services.errors import Conflict, DomainError
from creditsvc.services.programme import queries as programme
from creditsvc.services.publication import placards, public

# The routes of the portal's requests (commitment, credit repair, demonstration unit)
# register on the portal blueprint when imported here.
from creditsvc.web import (
    labels,
    portal_requests,  # noqa: F401
)
from creditsvc.web.messages import translate
from creditsvc.web.portal_common import bp, own_merchant
from creditsvc.web.standing_view import standing_context


@bp.get("")
@allow(MERCHANT)
def standing_page():
    """The merchant's score, grade, reasons, history and outlook."""
    merchant = own_merchant()
    shown = standing_context(merchant)
    return render_template(
        "portal/standing.html",
        merchant=merchant,
        **shown,
        grade_label=labels.grade_label,
        history=shown["s"]["history"][-12:][::-1],
        placard=public.placard_in_force(merchant.id),
        lapsed_placard=placards.replaceable(merchant),
        unit=programme.unit_in_force(merchant.id),
        objections=appeals.objections_of(auth.current(), merchant),
        replies=appeals.replies_of(merchant),
        badge=badge_snippet(merchant),
    )


def badge_snippet(merchant) -> dict:
    """The live badge for the merchant's online shop or WeChat page: where it is seen in
    the portal, and the HTML to copy (absolute addresses from PUBLIC_BASE_URL), the
    image linking to the business's public page; the PNG for platforms refusing SVG."""
    lang = {} if labels.chinese() else {"lang": "en"}

    def image(kind: str) -> str:
        return url_for("badge.badge", uscc=merchant.uscc, kind=kind, **lang)

    page = links.site_url(url_for("site.business", uscc=merchant.uscc, **lang))
    svg, png = links.site_url(image("svg")), links.site_url(image("png"))
    alt = _("%(name)s: honest-metrology grade", name=merchant.name)
    html = (
        f'<a href="{escape(page)}"><img src="{escape(svg)}" alt="{escape(alt)}" '
        f'width="{badges.WIDTH}" height="{badges.HEIGHT}"></a>'
    )
    return {"preview": image("svg"), "alt": alt, "html": html, "png": png, "page": page}


@bp.post("/placard")
@allow(MERCHANT)
def renew_placard():
    """Issue a new placard with today's grade in place of one that lapsed (its grade changed)."""
    merchant = own_merchant()
    try:
        placards.reissue(auth.current(), merchant)
    except Conflict:
        flash(_("Your placard is in force: there is nothing to replace."), "error")
        return redirect(url_for("portal.standing_page") + "#placard-heading", 303)
    flash(_("Your new placard was issued. Download it, print it and replace the old one."), "info")
    return redirect(url_for("portal.standing_page") + "#placard-heading", 303)


def objection_form(values: dict, errors: dict, status: int = 200):
    page = render_template(
        "portal/objection.html",
        merchant=own_merchant(),
        values=values,
        errors=errors,
        kinds=OBJECTION_SUBJECTS,
    )
    return page, status


@bp.get("/objections/new")
@allow(MERCHANT)
def new_objection():
    """The objection form, filled in from a reason's "object" link."""
    return objection_form({k: request.args.get(k, "") for k in ("kind", "id")}, {})


@bp.post("/objections")
@allow(MERCHANT)
def file_objection():
    """File an objection (社会信用条例 第三十六条): the record is marked disputed at once."""
    values = {k: request.form.get(k, "") for k in ("kind", "id", "grounds")}
    try:
        data = ObjectionIn().load(values)
        objections.file(auth.current(), data, clock.today())
    except ValidationError as exc:
        return objection_form(values, exc.messages, 400)
    except DomainError as exc:
        return objection_form(values, {"id": [exc.message]}, exc.status)
    flash(_("Your objection was filed. The record is now marked as disputed."), "info")
    return redirect(url_for("portal.standing_page") + "#objections-heading")


def reply_form(values: dict, errors: dict, status: int = 200):
    merchant = own_merchant()
    page = render_template(
        "portal/reply.html",
        merchant=merchant,
        values=values,
        errors=errors,
        max_chars=REPLY_MAX_CHARS,
        latest=next(iter(appeals.replies_of(merchant)), None),
    )
    return page, status


@bp.get("/replies/new")
@allow(MERCHANT)
def new_reply():
    """The form for a short reply shown beside the public record."""
    return reply_form({"text": ""}, {})


@bp.post("/replies")
@allow(MERCHANT)
def submit_reply():
    """Submit a reply; it is public only once an officer approves it (rules.md §4, 第六条)."""
    own_merchant()  # an account linked to no business is a 404 before anything is written
    values = {"text": request.form.get("text", "")}
    try:
        data = ReplyIn().load(values)
        replies.submit(auth.current(), data["text"])
    except ValidationError as exc:
        # ReplyIn's rules a form post can break: 1 to REPLY_MAX_CHARS characters, trimmed,
        # and no control or bidi-override character (issue 17).
        reason = _(
            "A reply has 1 to %(max)s characters; this one has %(count)s.",
            max=REPLY_MAX_CHARS,
            count=len(values["text"].strip()),
        )
        if 1 <= len(values["text"].strip()) <= REPLY_MAX_CHARS:
            reason = translate(str(exc.normalized_messages().get("text", [""])[0]))
        return reply_form(values, {"text": [reason]}, 400)
    except DomainError as exc:
        reason = exc.message
        if isinstance(exc, Conflict):  # one reply at a time awaits moderation
            reason = _("Your last reply still awaits moderation; send another once it is decided.")
        return reply_form(values, {"text": [reason]}, exc.status)
    flash(_("Your reply was sent. It is shown with your public record once approved."), "info")
    return redirect(url_for("portal.standing_page") + "#replies-heading")
