"""The internal risk classes in the officer console (DESIGN.md §6): officers only, scoped to
the district in view, never shown in public; and, for the city officer, training a new
model version (a job, with a status page that refreshes itself while it runs)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from creditsvc import auth
from creditsvc.auth import allow
from creditsvc.jobs import QueueUnavailable
from creditsvc.jobs.train import TRAIN, start_training
from creditsvc.models import RISK_CLASSES
from creditsvc.principals import CITY, OFFICERS
from creditsvc.services import jobruns
from creditsvc.services.errors import DomainError
from creditsvc.services.risk import queries
from creditsvc.web.console_common import QUEUE_DOWN, bp, district_in_view, page_number
from creditsvc.web.labels import JOB_STATUS_LABELS, RISK_CLASS_LABELS

PER_PAGE = 50
MODELS_SHOWN = 10
REFRESH_SECONDS = 2


def _risk_page(status: int = 200):
    district = district_in_view()
    risk_class = request.args.get("risk_class")
    args: dict = {"page": page_number(), "per_page": PER_PAGE}
    if district:
        args["district"] = district
    if risk_class in RISK_CLASSES:
        args["risk_class"] = risk_class
    return render_template(
        "console/risk.html",
        page=queries.risk_scores_page(auth.current(), args),
        models=queries.model_versions(MODELS_SHOWN),
        district=district,
        risk_class=args.get("risk_class"),
        classes=RISK_CLASS_LABELS,
    ), status


@bp.get("/risk")
@allow(*OFFICERS)
def risk_classes():
    return _risk_page()


@bp.post("/risk/models")
@allow(CITY)
def train_model():
    """Train a new model version and score every business with it (a job)."""
    try:
        run = start_training(auth.current())
    except QueueUnavailable:
        flash(str(QUEUE_DOWN), "error")
        return _risk_page(503)
    except DomainError as exc:  # run inline (no Redis): the training itself refused
        flash(_("The model was not trained: %(reason)s", reason=exc.message), "error")
        return _risk_page(exc.status)
    return redirect(url_for("console.training_run", run_id=run.id), 303)


@bp.get("/risk/training-runs/<run_id>")
@allow(*OFFICERS)
def training_run(run_id: str):
    run = jobruns.of_kind(run_id, TRAIN, "training run")
    return render_template(
        "console/training_run.html",
        run=run,
        result=run.result or {},
        statuses=JOB_STATUS_LABELS,
        refresh=REFRESH_SECONDS if run.status in ("queued", "running") else None,
    )
