"""Words for codes shown on every page (public site, merchant portal, officer console), in
the page's language, and typed data marked with its own language.

Grade names come from the scoring policy in force (it carries them in both languages),
so a page never disagrees with the policy a grade was computed under.
"""

from __future__ import annotations

import re

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from scoring.policy import Policy

TRADE_LABELS = {
    "market_stall": _l("Market stall"),
    "supermarket": _l("Supermarket"),
    "restaurant": _l("Restaurant"),
    "fuel_station": _l("Fuel station"),
    "optical_shop": _l("Optical shop"),
    "pharmacy_hospital": _l("Pharmacy or hospital"),
    "other": _l("Other"),
}
NOTICE_KIND_LABELS = {
    "exposure": _l("Exposure notice"),
    "honor_roll": _l("Honor roll"),
    "demonstration": _l("Demonstration listing"),
    "placard": _l("Merchant placard"),
}
DOCUMENT_STATUS_LABELS = {
    "published": _l("In force"),
    "expired": _l("Expired"),
    "withdrawn": _l("Withdrawn"),
    "superseded": _l("Superseded"),
}
ENTRY_STATUS_LABELS = {
    "active": _l("Currently published"),
    "expired": _l("Publication period over"),
    "withdrawn": _l("Taken down"),
}
EVIDENCE_KIND_LABELS = {
    "inspection": _l("Inspection"),
    "complaint": _l("Complaint"),
    "readings": _l("Fair-scale re-weighs"),
    "grade": _l("Grade cap"),
    "reading": _l("Fair-scale reading"),
    "notice_entry": _l("Published entry"),
}
OBJECTION_STATUS_LABELS = {
    "disputed": _l("Disputed, awaiting decision"),
    "upheld": _l("Upheld"),
    "rejected": _l("Rejected"),
}
REPLY_STATUS_LABELS = {
    "pending": _l("Awaiting moderation"),
    "approved": _l("Shown with your public record"),
    "rejected": _l("Not approved"),
}
COMMUNITY_STATUS_LABELS = {
    "accepted": _l("Accepted"),
    "re_evaluated": _l("Re-evaluated"),
}


# The officer console's words.
INSPECTION_KIND_LABELS = {
    "routine": _l("Routine"),
    "random": _l("Random (double-random)"),
    "complaint": _l("Complaint-driven"),
    "campaign": _l("Special campaign"),
}
SEVERITY_LABELS = {"minor": _l("Minor"), "major": _l("Major"), "serious": _l("Serious")}
PROCEDURE_LABELS = {"ordinary": _l("Ordinary procedure"), "simplified": _l("Simplified procedure")}
CHANNEL_LABELS = {
    "12345": _l("12345 hotline"),
    "12315": _l("12315 hotline"),
    "fair_scale": _l("Fair-scale one-key complaint"),
    "walk_in": _l("Walk-in"),
    "other": _l("Other"),
}
COMPLAINT_STATUS_LABELS = {
    "received": _l("Received"),
    "verifying": _l("Verifying"),
    "substantiated": _l("Substantiated"),
    "unfounded": _l("Unfounded"),
    "withdrawn": _l("Withdrawn"),
}
NOTICE_STATUS_LABELS = {
    "draft": _l("Draft"),
    "approved": _l("Approved"),
    "published": _l("Published"),
    "expired": _l("Expired"),
    "withdrawn": _l("Withdrawn"),
    "superseded": _l("Superseded"),
}
JOB_STATUS_LABELS = {
    "queued": _l("Queued"),
    "running": _l("Running"),
    "done": _l("Done"),
    "failed": _l("Failed"),
}
IMPORT_KIND_LABELS = {
    "merchants": _l("Merchants"),
    "inspections": _l("Inspections"),
    "complaints": _l("Complaints"),
}


def chinese() -> bool:
    locale = get_locale()
    return locale is None or locale.language == "zh"


def pick(zh: str | None, en: str | None) -> str:
    """The Chinese or English one of a bilingual pair, by the page's language."""
    return (zh if chinese() else en) or zh or en or ""


def grade_label(policy: Policy, grade: str | None) -> str:
    for row in policy.grades:
        if row["grade"] == grade:
            return pick(row.get("zh"), row.get("en"))
    return _("Unrated")


# Han characters (CJK Unified Ideographs and Extension A).
HAN = re.compile(r"[\u3400-\u9fff]")


def typed(text: object) -> Markup:
    """Data as someone typed it (a name, an allegation, a notice's title), marked
    `lang="zh-CN"` when it holds Chinese, so an English page has it read as Chinese
    (WCAG 3.1.2); escaped like any other value. Every page marks data this way."""
    if text is None:
        return Markup("")
    value = str(text)
    if HAN.search(value):
        return Markup('<span lang="zh-CN">{}</span>').format(value)
    return escape(value)


def district_name(district) -> str:
    return pick(district.name_zh, district.name_en)


def template_helpers() -> dict:
    """Jinja globals for the pages of this package."""
    return {
        "trade_label": lambda code: TRADE_LABELS.get(code, code),
        "kind_label": lambda code: NOTICE_KIND_LABELS.get(code, code),
        "document_status_label": lambda code: DOCUMENT_STATUS_LABELS.get(code, code),
        "entry_status_label": lambda code: ENTRY_STATUS_LABELS.get(code, code),
        "evidence_label": lambda code: EVIDENCE_KIND_LABELS.get(code, code),
        "community_status_label": lambda code: COMMUNITY_STATUS_LABELS.get(code, code),
        "objection_status_label": lambda code: OBJECTION_STATUS_LABELS.get(code, code),
        "reply_status_label": lambda code: REPLY_STATUS_LABELS.get(code, code),
        "pick": pick,
        "typed": typed,
        "chinese": chinese,
    }
