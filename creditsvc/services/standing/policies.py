"""Scoring policy versions: the highest version is in force."""

from __future__ import annotations

import copy

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from creditsvc.extensions import db
from creditsvc.models import ScoringPolicy
from creditsvc.principals import Principal
from creditsvc.services import audit
from creditsvc.services.errors import Invalid
from scoring.policy import BUILT_IN_POLICIES, Policy, PolicyError

NOTES = {
    1: "default policy of DESIGN.md §6",
    2: "issue 20: clip(100 − D + C − FS, 0, 100); one fault, one deduction",
}


def _ensure_default() -> None:
    """The built-in versions, written on first use: version 1 (the design card as first
    written, kept so old snapshots explain themselves) and version 2, in force. Migration
    0028 writes the same rows into a database that already has its policies."""
    for document in BUILT_IN_POLICIES:
        try:
            with db.session.begin_nested():
                db.session.add(
                    ScoringPolicy(
                        version=document["version"],
                        document=copy.deepcopy(document),
                        note=NOTES[document["version"]],
                        created_by="system",
                    )
                )
        except IntegrityError:  # another process wrote it first: same document
            pass


def current() -> Policy:
    # One statement in the common case: every readings post asks (services.readings).
    latest = select(ScoringPolicy).order_by(ScoringPolicy.version.desc()).limit(1)
    row = db.session.scalar(latest)
    if row is None:
        _ensure_default()
        row = db.session.scalar(latest)
    return Policy.from_document(row.document)


def every_version() -> list[Policy]:
    """Every version written, oldest first: old snapshots are recomputed under their own."""
    current()  # writes the built-in versions on first use
    rows = db.session.scalars(select(ScoringPolicy).order_by(ScoringPolicy.version))
    return [Policy.from_document(row.document) for row in rows]


def version(number: int) -> Policy | None:
    row = db.session.get(ScoringPolicy, number)
    return Policy.from_document(row.document) if row else None


def create(p: Principal, document: dict, note: str) -> ScoringPolicy:
    """Adopt a new version; it must be the next number and pass every check."""
    current_version = current().version
    document = copy.deepcopy(document)
    document.setdefault("version", current_version + 1)
    if document["version"] != current_version + 1:
        raise Invalid(f"the next version is {current_version + 1}", "document.version")
    try:
        Policy.from_document(document)
    except (PolicyError, KeyError, TypeError, AttributeError) as exc:
        raise Invalid(f"policy not usable: {exc}", "document") from exc
    if "arithmetic" not in document:
        # Only version 1 may leave it out; a new version that did would quietly go back
        # to version 1's arithmetic.
        raise Invalid("policy not usable: arithmetic is missing", "document.arithmetic")
    row = ScoringPolicy(
        version=document["version"], document=document, note=note, created_by=p.name
    )
    db.session.add(row)
    audit.record(p.name, "create", row)
    return row
