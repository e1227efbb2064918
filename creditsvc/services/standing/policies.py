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
from scoring.policy import DEFAULT_POLICY, Policy, PolicyError


def _ensure_default() -> None:
    """The design card's policy is version 1, written on first use."""
    try:
        with db.session.begin_nested():
            db.session.add(
                ScoringPolicy(
                    version=1,
                    document=copy.deepcopy(DEFAULT_POLICY),
                    note="default policy of DESIGN.md §6",
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
    row = ScoringPolicy(
        version=document["version"], document=document, note=note, created_by=p.name
    )
    db.session.add(row)
    audit.record(p.name, "create", row)
    return row
