"""Scoring policy versions in the console (issue 19): every version with its adoption
date and the one in force, each document shown as tables (weights, grade bands,
thresholds; a key this page does not know is shown as its own key and value), and the
city officer's form to adopt a new version, which `POST /api/v1/policies` performs too
(jobs.rescore.adopt_policy): every business is then rescored, a job whose status shows."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict

from creditsvc import auth
from creditsvc.auth import allow
from creditsvc.jobs import QueueUnavailable, rescore
from creditsvc.principals import CITY, OFFICERS
from creditsvc.schemas.standing import PolicyIn
from creditsvc.services.standing import queries
from creditsvc.web import labels
from creditsvc.web.console_common import QUEUE_DOWN, bp, save
from creditsvc.web.labels import JOB_STATUS_LABELS

RECENT_RESCORES = 5
MAX_DOCUMENT = 200_000  # characters: a policy is a page of settings, not a data file
FIELDS = {"document", "note"}

# The settings of the design card's policy (scoring.policy.DEFAULT_POLICY) by their path.
SETTING_LABELS = {
    "version": _l("Version"),
    "description": _l("Description"),
    "rated": _l("When a business is rated"),
    "rated.inspection_days": _l("An inspection within (days)"),
    "rated.min_reweighs": _l("Or at least this many re-weighs"),
    "rated.reweigh_days": _l("Re-weighs counted over (days)"),
    "decay": _l("How evidence fades"),
    "decay.half_life_days": _l("Half-life (days)"),
    "decay.max_age_days": _l("Counts for at most (days)"),
    "deductions": _l("Points deducted"),
    "deductions.finding.serious": _l("Serious finding"),
    "deductions.finding.major": _l("Major finding"),
    "deductions.finding.minor": _l("Minor finding"),
    "deductions.failed_lot": _l("Failed net-content lot"),
    "deductions.substantiated_complaint": _l("Substantiated complaint"),
    "clean_inspection": _l("Clean inspections"),
    "clean_inspection.points": _l("Points per clean inspection"),
    "clean_inspection.max_points": _l("At most (points)"),
    "fair_scale": _l("Fair-scale re-weighs"),
    "fair_scale.window_days": _l("Counted over (days)"),
    "fair_scale.prior_short": _l("Prior short re-weighs"),
    "fair_scale.prior_within": _l("Prior re-weighs within tolerance"),
    "fair_scale.tolerated_rate": _l("Tolerated short rate"),
    "fair_scale.points_per_percent": _l("Points per percent above it"),
    "fair_scale.max_points": _l("At most (points)"),
    "caps": _l("Grade caps"),
    "caps.serious_days": _l("After a serious finding, for (days)"),
    "caps.serious_grade": _l("Grade at best"),
    "caps.cheat_codes": _l("Cheating violation codes"),
    "caps.cheat_days": _l("After cheating, for (days)"),
    "caps.cheat_grade": _l("Grade at best after cheating"),
    "grades": _l("Grade bands"),
    "grades.grade": _l("Grade"),
    "grades.min": _l("Lowest score"),
    "grades.zh": _l("Chinese name"),
    "grades.en": _l("English name"),
    "retail_band_rule": _l("Retail tolerance band rule"),
}


@bp.app_template_global("setting_name")
def setting_name(path: str) -> Markup:
    """A setting's name in the page's language, or its key as written (a setting of a
    later version this page does not know)."""
    known = SETTING_LABELS.get(path)
    if known is not None:
        return escape(str(known))
    return Markup("<code>{}</code>").format(path.rsplit(".", 1)[-1])


@bp.app_template_global("setting_value")
def setting_value(value: Any) -> Markup:
    """A value of the document as data: Chinese marked zh-CN, other words marked en."""
    if isinstance(value, list):
        return Markup("、").join(setting_value(v) for v in value)
    if isinstance(value, dict):
        return Markup("<code>{}</code>").format(json.dumps(value, ensure_ascii=False))
    if isinstance(value, bool):
        return escape(_("Yes") if value else _("No"))
    text = str(value)
    if labels.HAN.search(text) and re.search(r"[A-Za-z]{2,}", text):
        # Chinese and English in one value (诚信计量 default scorecard): several languages
        return Markup('<span lang="mul">{}</span>').format(text)
    if labels.HAN.search(text):
        return Markup('<span lang="zh-CN">{}</span>').format(text)
    if any(c.isalpha() for c in text):
        return Markup('<span lang="en">{}</span>').format(text)
    return escape(text)


def _rows(node: dict, path: str) -> Iterator[tuple[str, Any]]:
    for key, value in node.items():
        here = f"{path}.{key}" if path else str(key)
        if isinstance(value, dict):
            yield from _rows(value, here)
        else:
            yield here, value


def document_sections(document: dict) -> list[dict]:
    """The document as sections: top-level settings, one key/value table per group, and
    a table per list of rows (the grade bands), in the document's own order."""
    plain: list[tuple[str, Any]] = []
    sections: list[dict] = []
    for key, value in document.items():
        if isinstance(value, dict):
            sections.append({"key": key, "rows": list(_rows(value, key))})
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            columns = list(dict.fromkeys(k for row in value for k in row))
            sections.append({"key": key, "columns": columns, "table": value})
        else:
            plain.append((key, value))
    return [{"key": "", "rows": plain}, *sections] if plain else sections


def _policies_page(values, errors: dict, status: int = 200):
    versions = queries.policy_versions()
    in_force = versions[0] if versions else None
    if in_force is None:
        values = values or {}
    elif not values:
        document = dict(in_force.document)
        document.pop("version", None)
        values = {"document": json.dumps(document, ensure_ascii=False, indent=2)}
    return render_template(
        "console/policies.html",
        versions=versions,
        in_force=in_force,
        sections=document_sections(in_force.document) if in_force else [],
        rescores=rescore.recent_full_rescores(RECENT_RESCORES),
        statuses=JOB_STATUS_LABELS,
        may_adopt=auth.current().role == CITY,
        values=values,
        errors=errors,
    ), status


@bp.get("/policies")
@allow(*OFFICERS)
def policies_page():
    """Every policy version; the one in force shown in full."""
    return _policies_page(MultiDict(), {})


@bp.get("/policies/<int:version>")
@allow(*OFFICERS)
def policy_page(version: int):
    """One policy version's document, as tables."""
    row = queries.policy_version(version)
    latest = queries.policy_versions()[0]
    return render_template(
        "console/policy.html",
        policy=row,
        in_force=row.version == latest.version,
        sections=document_sections(row.document),
    )


def _document_from_form() -> tuple[dict | None, str | None]:
    """The JSON document uploaded as a file, else pasted; or the reason it is unreadable."""
    upload = request.files.get("file")
    raw = upload.read(MAX_DOCUMENT + 1) if upload and upload.filename else None
    text = raw.decode("utf-8-sig", errors="replace") if raw else request.form.get("document", "")
    if not text.strip():
        return None, _("Paste the policy document or choose its file.")
    if len(text) > MAX_DOCUMENT:
        return None, _("The document is too long.")
    try:
        document = json.loads(text)
    except ValueError as exc:
        return None, _(
            "Not valid JSON: line %(line)s, column %(column)s.", line=exc.lineno, column=exc.colno
        )  # type: ignore[attr-defined]
    if not isinstance(document, dict):
        return None, _("The document must be a JSON object.")
    return document, None


class _QueueDown(Exception):
    """No rescore could follow: nothing is adopted, and the page says why."""


@bp.post("/policies")
@allow(CITY)
def adopt_policy():
    """POST /api/v1/policies from a form: adopt a new version, then rescore everyone."""
    document, unreadable = _document_from_form()
    if document is None:
        return _policies_page(request.form, {"document": [unreadable]}, 422)
    p = auth.current()
    payload = {"document": document, "note": request.form.get("note", "")}

    def adopt(data: dict):
        try:
            return rescore.adopt_policy(p, data["document"], data["note"])
        except QueueUnavailable as exc:  # a DomainError, which `save` would show as a field's
            raise _QueueDown from exc

    try:
        row, errors = save(PolicyIn, payload, FIELDS, adopt)
    except _QueueDown:
        flash(str(QUEUE_DOWN), "error")
        return _policies_page(request.form, {}, 503)
    if row is None:
        return _policies_page(request.form, errors, 422)
    flash(
        _(
            "Version %(version)s adopted; every business is being rescored under it.",
            version=row.version,
        ),
        "info",
    )
    return redirect(url_for("console.policies_page"), 303)
