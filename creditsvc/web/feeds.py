"""Atom feeds (RFC 4287): the documents published, city-wide and per district, and the
changes of each business's public record, so journalists and residents can follow them
without polling the pages.

The facts come from `services.publication.feeds` (published facts only); here they are
worded in the reader's language (`?lang=en`) and written with xml.etree, never by pasting
strings. Entry ids are language-free and stable: a document's verify address, or a tag URI
(RFC 4151) naming the change. Answers are kept as any public answer is
(services.publication.public_cache) and answer a conditional GET with 304.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from creditsvc import links
from creditsvc import uscc as uscc_rules
from creditsvc.auth import allow
from creditsvc.principals import PUBLIC
from creditsvc.rate_limits import public_reads
from creditsvc.replicas import serve_from_replicas
from creditsvc.services.publication import feeds, notices, public_cache
from creditsvc.services.registry import queries as registry_queries
from creditsvc.services.standing import policies
from creditsvc.web import labels
from creditsvc.workdays import SHANGHAI

bp = Blueprint("feeds", __name__, url_prefix="/feeds")
serve_from_replicas(bp)  # anonymous reads from a hot standby (creditsvc.replicas)

ATOM = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# The date in every tag URI (RFC 4151 §2.1): fixed, so an entry's id never changes.
TAG_DATE = "2026"
# An empty feed still needs its `updated` (RFC 4287 §4.1.1): a fixed moment, so that a
# conditional GET of a feed with nothing in it yet answers 304.
NOTHING_YET = datetime(2026, 1, 1, tzinfo=SHANGHAI)
FEED_UPDATED = re.compile(r"<updated>([^<]+)</updated>")


@bp.get("/documents.atom")
@allow(PUBLIC)
@public_reads
def documents():
    """The documents published in the city, newest first."""
    return _answer(("documents", ""), lambda: _documents_feed(None))


@bp.get("/documents/<district>.atom")
@allow(PUBLIC)
@public_reads
def district_documents(district: str):
    """The documents one district's bureau published, newest first."""
    if district not in {d.code for d in registry_queries.districts()}:
        abort(404, description="no such district")
    return _answer(("documents", district), lambda: _documents_feed(district))


@bp.get("/merchants/<uscc>.atom")
@allow(PUBLIC)
@public_reads
def merchant(uscc: str):
    """The changes of one business's public record, newest first."""
    key = ("merchant", uscc_rules.normalise(uscc))  # as registered (creditsvc.uscc)
    return _answer(key, lambda: _merchant_feed(uscc))


def _answer(key: tuple[str, ...], build) -> Response:
    """The feed, kept as a public answer is, with its ETag and Last-Modified for a
    conditional GET, and the same Cache-Control as the open-data API's answers."""
    kept = public_cache.answer(("feed", *key, str(get_locale())), build)
    if kept.body is None:
        abort(404, description="no such business")
    body = kept.body.encode()
    response = Response(body, content_type=f"{ATOM_TYPE}; charset=utf-8")
    response.set_etag(hashlib.sha256(body).hexdigest())
    # The feed's own <updated> comes before any entry's (`_feed`): its newest entry's.
    updated = FEED_UPDATED.search(kept.body)
    response.last_modified = datetime.fromisoformat(updated[1]) if updated else None
    response.cache_control.public = True
    response.cache_control.max_age = kept.seconds_left
    return response.make_conditional(request)


# Writing Atom ----------------------------------------------------------------------------


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _tag_uri(key: str) -> str:
    """A stable id for a change that has no address of its own (RFC 4151)."""
    host = urlsplit(links.base_url()).hostname or "localhost"
    return f"tag:{host},{TAG_DATE}:{key}"


def _stamp(moment: datetime) -> str:
    """RFC 3339 with Shanghai's offset, to the second."""
    return moment.astimezone(SHANGHAI).replace(microsecond=0).isoformat()


def _feed(feed_id: str, title: str, author: str, alternate: str, entries: list) -> str:
    root = ET.Element("feed", {"xmlns": ATOM, XML_LANG: str(get_locale()).replace("_", "-")})
    _sub(root, "id", feed_id)
    _sub(root, "title", title)
    newest = max((entry["at"] for entry in entries), default=NOTHING_YET)
    _sub(root, "updated", _stamp(newest))
    _sub(_sub(root, "author"), "name", author)
    _sub(root, "link", rel="self", type=ATOM_TYPE, href=links.site_url(request.path))
    _sub(root, "link", rel="alternate", type="text/html", href=alternate)
    _sub(root, "generator", _("Honest Metrology Credit Service"))
    for entry in entries:
        _entry(root, entry)
    return ET.tostring(root, encoding="unicode", xml_declaration=False)


def _entry(root: ET.Element, entry: dict) -> None:
    node = _sub(root, "entry")
    _sub(node, "id", entry["id"])
    _sub(node, "title", entry["title"])
    _sub(node, "updated", _stamp(entry["at"]))
    if entry.get("published"):
        _sub(node, "published", _stamp(entry["published"]))
    _sub(node, "summary", entry["summary"])
    _sub(node, "link", rel="alternate", type="text/html", href=entry["link"])
    if entry.get("pdf"):
        _sub(node, "link", rel="enclosure", type="application/pdf", href=entry["pdf"])
    if entry.get("category"):
        _sub(node, "category", term=entry["category"], label=entry["category_label"])


# The documents feed ----------------------------------------------------------------------


def _documents_feed(district: str | None) -> str:
    names = {d.code: d for d in registry_queries.districts()}
    if district:
        place = labels.district_name(names[district])
        title = _("Notices published in %(district)s", district=place)
        author = notices.bureau_name(names[district])
    else:
        title, author = _("Notices published in Shanghai"), current_app.config["BUREAU_NAME"]
    listing = (
        url_for("site.documents", district=district) if district else url_for("site.documents")
    )
    entries = [_document_entry(e) for e in feeds.documents(district)]
    return _feed(links.site_url(request.path), title, author, links.site_url(listing), entries)


def _document_entry(event: feeds.Event) -> dict:
    d = event.facts
    status = _document_status(d)
    title = d["title"] if d["in_force"] else f"{d['title']} ({status})"
    summary = _(
        "%(kind)s issued by %(bureau)s on %(date)s, serial %(serial)s.",
        kind=labels.NOTICE_KIND_LABELS.get(d["kind"], d["kind"]),
        bureau=d["bureau"],
        date=d["issued_on"].isoformat(),
        serial=d["serial"],
    )
    return {
        "id": d["verify_url"],
        "title": title,
        "at": event.at,
        "published": d["published_at"],
        "summary": f"{summary} {status}",
        "link": d["verify_url"],
        "pdf": links.site_url(d["pdf_url"]) if d["pdf_url"] else None,
        "category": d["kind"],
        "category_label": str(labels.NOTICE_KIND_LABELS.get(d["kind"], d["kind"])),
    }


def _document_status(d: dict) -> str:
    """What the document's verify page says of it now, in a sentence."""
    if d["in_force"]:
        return _("In force.")
    if d["status"] == "withdrawn":
        reason = d.get("withdraw_reason") or ""
        return _("Withdrawn on %(date)s: %(reason)s", date=d["withdrawn_on"], reason=reason)
    if d["status"] == "superseded":
        return _(
            "Corrected: superseded by %(serial)s on %(date)s.",
            serial=d["superseded_by"],
            date=d["superseded_on"],
        )
    if d["status"] == "expired":
        return _("Expired on %(date)s.", date=d["expired_on"])
    return str(labels.DOCUMENT_STATUS_LABELS.get(d["status"], d["status"]))


# A business's feed -----------------------------------------------------------------------


def _merchant_feed(uscc: str) -> str | None:
    found = feeds.merchant(uscc)
    if found is None:
        return None
    business, events = found
    page = links.site_url(url_for("site.business", uscc=business["uscc"]))
    entries = [_merchant_entry(e, page) for e in events]
    district = {d.code: d for d in registry_queries.districts()}[business["district"]]
    title = _("Public record of %(name)s", name=business["name"])
    author = notices.bureau_name(district)
    return _feed(links.site_url(request.path), title, author, page, entries)


def _merchant_entry(event: feeds.Event, page: str) -> dict:
    entry = {"id": _tag_uri(event.key), "at": event.at, "link": page}
    if event.what == "graded":
        return entry | _graded(event.facts)
    if event.what == "disputed":
        return entry | {
            "title": _("A record behind the grade is marked disputed"),
            "summary": _(
                "The business has objected to a record behind this grade; "
                "the district bureau is considering the objection."
            ),
        }
    if event.what == "undisputed":
        return entry | {
            "title": _("The disputed mark was taken off"),
            "summary": _("The district bureau has decided the business's objection."),
        }
    return entry | _named_in(event)


def _graded(facts: dict) -> dict:
    version = facts["policy_version"]
    policy = policies.version(version) or policies.current()
    if not facts["rated"]:
        title = _("Unrated")
    else:
        word = labels.grade_label(policy, facts["grade"])
        title = _("Grade %(grade)s: %(label)s", grade=facts["grade"], label=word)
    summary = _(
        "Assessed on %(date)s under scoring policy version %(version)s.",
        date=facts["as_of"].isoformat(),
        version=version,
    )
    return {"title": title, "summary": summary, "category": "grade", "category_label": _("Grade")}


def _named_in(event: feeds.Event) -> dict:
    d = event.facts
    kind = str(labels.NOTICE_KIND_LABELS.get(d["kind"], d["kind"]))
    if event.what == "published":
        title = _("Published: %(title)s", title=d["title"])  # a title names its kind
        summary = _(
            "Issued by %(bureau)s on %(date)s, serial %(serial)s.",
            bureau=d["bureau"],
            date=d["issued_on"].isoformat(),
            serial=d["serial"],
        )
    else:
        title = _("No longer published: %(title)s", title=d["title"])
        summary = _entry_end(d)
    pdf = links.site_url(d["pdf_url"]) if d["pdf_url"] and event.what == "published" else None
    return {
        "title": title,
        "summary": summary,
        "link": d["verify_url"],
        "pdf": pdf,
        "category": d["kind"],
        "category_label": kind,
    }


def _entry_end(d: dict) -> str:
    if d["status"] == "entry_withdrawn":
        reason = d.get("withdraw_reason") or ""
        return _("The entry naming the business was withdrawn: %(reason)s", reason=reason)
    if d["status"] == "entry_expired":
        return _("The entry naming the business reached the end of its publication period.")
    return _document_status(d)
