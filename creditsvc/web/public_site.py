"""The public site: find a business, read its public record, the documents in force,
the demonstration listings, and how grades are computed. No login, no JavaScript.

Every fact comes from `creditsvc.services.publication.public` (published columns only), and
the demonstration units in force from the programme's public reads, so a page can show
nothing the open-data API would not.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from marshmallow import ValidationError

from creditsvc.auth import allow
from creditsvc.models import NOTICE_KINDS
from creditsvc.principals import PUBLIC
from creditsvc.rate_limits import public_reads
from creditsvc.replicas import serve_from_replicas
from creditsvc.schemas.public import DocumentArgs, HonorRollArgs
from creditsvc.schemas.standing import PublicSearchArgs
from creditsvc.services.programme import queries as programme
from creditsvc.services.publication import public
from creditsvc.services.registry import queries as registry_queries
from creditsvc.services.standing import policies
from creditsvc.services.standing import queries as standing_queries
from creditsvc.web import labels, verify

bp = Blueprint("site", __name__)
serve_from_replicas(bp)  # anonymous reads from a hot standby (creditsvc.replicas)

PER_PAGE = 20
# Placards are one per business: they are linked from each business's own page.
LISTED_KINDS = tuple(k for k in NOTICE_KINDS if k != "placard")
GRADE_CHOICES = ("A", "B", "C", "D", "unrated")


def form_args(fields: tuple[str, ...]) -> dict:
    """The non-empty query parameters of a GET form among `fields` (an empty select or
    text box means "any"); other parameters, such as `lang`, are not filters."""
    return {k: v.strip() for k, v in request.args.items() if k in fields and v.strip()}


def district_names() -> dict[str, str]:
    return {d.code: labels.district_name(d) for d in registry_queries.districts()}


# Pages numbered on either side of the current one in a pager, beside the first and last.
PAGES_AROUND = 2


def pages_around(result: dict) -> dict:
    """Links to the previous and next page, and to the first, the last and the pages
    around the current one (None where pages are left out), keeping the other filters."""
    query = {k: v for k, v in request.args.items() if k != "page"}
    number, pages = result["page"], result["pages"]

    def link(n: int) -> str:
        return url_for(request.endpoint, **query, page=n)

    near = range(max(1, number - PAGES_AROUND), min(pages, number + PAGES_AROUND) + 1)
    numbered: list[tuple[int, str] | None] = []
    for n in sorted({1, pages, *near} - {0}):
        if numbered and numbered[-1] is not None and numbered[-1][0] < n - 1:
            numbered.append(None)
        numbered.append((n, link(n)))
    return {
        "previous": link(number - 1) if number > 1 else None,
        "next": link(number + 1) if number < pages else None,
        "numbered": numbered,
    }


@bp.get("/merchants")
@allow(PUBLIC)
@public_reads
def search():
    """Search businesses by name or USCC, district, street, trade and grade (paged)."""
    raw = form_args(("q", "district", "street", "trade", "grade", "sort", "page"))
    try:
        args = PublicSearchArgs().load(raw | {"per_page": PER_PAGE})
    except ValidationError as exc:
        return render_search(raw, None, exc.messages), 400
    return render_search(raw, public.page(args), {})


def render_search(raw: dict, result: dict | None, errors: dict) -> str:
    return render_template(
        "public/search.html",
        query=raw,
        result=result,
        errors=errors,
        paging=pages_around(result) if result else None,
        districts=registry_queries.districts(),
        district_names=district_names(),
        # With a district chosen, its streets are offered to choose from (the form is sent
        # again on choosing a district: no script needed); without, any part of a name.
        streets=registry_queries.street_names(raw["district"]) if raw.get("district") else [],
        grades=GRADE_CHOICES,
        sorts=labels.LISTING_SORT_LABELS,
        policy=policies.current(),
        grade_label=labels.grade_label,
        trades=labels.TRADE_LABELS,
    )


@bp.get("/merchants/<uscc>")
@allow(PUBLIC)
@public_reads
def business(uscc: str):
    """A business's public record; the page its placard's QR code opens."""
    facts = public.business(uscc)
    if facts is None:
        abort(404, description="no such business")
    record = facts["record"]
    policy = (
        policies.version(record["policy_version"]) if record["policy_version"] else None
    ) or policies.current()
    return render_template(
        "public/business.html",
        **facts,
        grade_name=labels.grade_label(policy, record["grade"] if record["rated"] else None),
    )


@bp.get("/documents")
@allow(PUBLIC)
def documents():
    """Exposure notices, honor rolls and demonstration listings in force, with their PDFs:
    all of them at first, exposure notices first (what a resident comes to check is whom
    to beware of), or one kind."""
    raw = form_args(("kind", "district", "page"))
    if raw.get("kind") and raw["kind"] not in LISTED_KINDS:
        abort(400, description=f"kind must be one of {', '.join(LISTED_KINDS)}")
    try:
        args = DocumentArgs().load(raw | {"per_page": PER_PAGE})
    except ValidationError as exc:
        abort(400, description=str(exc.messages))
    result = public.documents_page(args, LISTED_KINDS)
    return render_template(
        "public/documents.html",
        query=raw,
        result=result,
        paging=pages_around(result),
        kinds=LISTED_KINDS,
        districts=registry_queries.districts(),
        district_names=district_names(),
    )


@bp.get("/honor-roll")
@allow(PUBLIC)
def honor_roll():
    """The businesses on honor rolls in force, by district."""
    raw = form_args(("district", "page"))
    try:
        args = HonorRollArgs().load(raw | {"per_page": PER_PAGE})
    except ValidationError as exc:
        abort(400, description=str(exc.messages))
    result = public.honor_roll_page(args)
    return render_template(
        "public/honor_roll.html",
        query=raw,
        result=result,
        paging=pages_around(result),
        districts=registry_queries.districts(),
        district_names=district_names(),
    )


@bp.get("/demonstrations")
@allow(PUBLIC)
def demonstrations():
    """Demonstration communities on listings in force, and demonstration units."""
    raw = form_args(("district",))
    return render_template(
        "public/demonstrations.html",
        query=raw,
        communities=public.demonstrations(raw),
        units=programme.units_in_force(raw.get("district")),
        districts=registry_queries.districts(),
        district_names=district_names(),
    )


@bp.get("/verify")
@allow(PUBLIC)
def verify_form():
    """Type the serial printed on a document (the QR code opens /verify/<serial> itself)."""
    serial = request.args.get("serial", "").strip().upper()
    if serial:
        return redirect(url_for("verify.document", serial=serial))
    return verify.form_page()


@bp.get("/favicon.ico")
@allow(PUBLIC)
def favicon():
    """Browsers ask for it on pages without a <link rel="icon">, such as a PDF viewer."""
    return send_from_directory(current_app.static_folder, "favicon.svg", mimetype="image/svg+xml")


@bp.get("/grades")
@allow(PUBLIC)
def how_grades_work():
    """How grades are computed, in plain words, from the policy in force."""
    policy = policies.current()
    return render_template(
        "public/grades.html",
        policy=policy,
        adopted=standing_queries.policy_version(policy.version).created_at,
        doc=policy.document,
        grade_label=labels.grade_label,
    )
