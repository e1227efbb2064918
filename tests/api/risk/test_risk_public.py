"""The risk model is never published (DESIGN.md §6): no public page, API, CSV or PDF
carries a probability or a risk class."""

import re
from datetime import date

from creditsvc import clock
from creditsvc.config import PROJECT_ROOT
from creditsvc.extensions import db
from creditsvc.models import InspectionPlan, InspectionPlanItem, RiskModelVersion, RiskScore
from creditsvc.principals import PUBLIC

MARK = 0.987654321  # a probability no page could show by chance
LEAKS = re.compile(r"98765|risk_class|probability|risk class|风险等级|风险分级|风险类别", re.I)
# Code that renders public pages, open data and documents; none may read risk scores.
PUBLIC_CODE = (
    "creditsvc/web",
    "notices",
    "creditsvc/api/public.py",
    "creditsvc/services/publication/public.py",
    "creditsvc/services/publication/notices.py",
    "templates",
)


def _public_get_rules(app):
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        roles = getattr(view, "allowed_roles", None)
        if roles is None and hasattr(view, "view_class"):
            roles = getattr(getattr(view.view_class, "get", None), "allowed_roles", None)
        if roles and PUBLIC in roles and "GET" in rule.methods:
            yield rule


def _published_world(world):
    """A graded merchant with a risk score and a published plan that drew it."""
    officer = world.district()
    merchant = world.merchant(name="风控测试商户")
    officer.post(
        "/api/v1/inspections",
        json={
            "merchant": merchant.uscc,
            "inspected_on": "2026-01-05",
            "kind": "routine",
            "officers": ["张三"],
        },
    )
    model = RiskModelVersion(
        version="m1",
        kind="logistic",
        file_name="m1.joblib",
        sha256="0" * 64,
        card={},
        trained_by="test",
    )
    db.session.add(model)
    db.session.flush()
    db.session.add(
        RiskScore(
            merchant_id=merchant.id,
            model_id=model.id,
            probability=MARK,
            risk_class="D",
            as_of=clock.today(),
        )
    )
    plan = InspectionPlan(
        district_code=merchant.district_code,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 1, 31),
        seed=1,
        ratios={},
        population={"D": 1},
        status="published",
        published_on=date(2026, 2, 1),
        created_by="test",
        items=[
            InspectionPlanItem(
                position=0, merchant_id=merchant.id, risk_class="D", inspector_ids=[]
            )
        ],
    )
    db.session.add(plan)
    db.session.commit()
    return merchant, plan


def test_no_public_endpoint_page_or_csv_shows_risk(app, world):
    merchant, plan = _published_world(world)
    values = {
        "uscc": merchant.uscc,
        "plan_id": plan.id,
        "serial": "NO-SUCH",
        "code": "zh",
        "version": 1,
        "name": "grades",  # /statistics/<name>.csv
        "kind": "svg",  # /badge/<uscc>.<kind>
        "district": "310104",  # /feeds/documents/<district>.atom
    }
    anonymous = world.anonymous()
    scanned = []
    for rule in _public_get_rules(app):
        if rule.endpoint.startswith("api-docs") or rule.endpoint == "apidocs.reference":
            continue  # the API reference documents the officers' endpoints too, not data
        url = rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]
        response = anonymous.get(url, follow_redirects=True)
        assert response.status_code < 500, url
        body = response.get_data(as_text=True)
        assert not LEAKS.search(body), (url, LEAKS.search(body))
        scanned.append((url, response.status_code))
    found = {url for url, status in scanned if status == 200}
    assert f"/api/public/v1/merchants/{merchant.uscc}" in found
    assert f"/api/public/v1/inspection-plans/{plan.id}" in found
    assert {"/api/public/v1/merchants.csv", f"/merchants/{merchant.uscc}"} <= found
    listing = anonymous.get(f"/api/public/v1/merchants.csv?q={merchant.uscc}")
    assert merchant.uscc in listing.get_data(as_text=True)  # the merchant is in the export


def test_public_schemas_have_no_risk_field(client):
    spec = client.get("/api/openapi.json").json

    def resolve(ref):
        node = spec
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
        return node

    def properties(node, seen):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if ref and ref not in seen:
                seen.add(ref)
                yield from properties(resolve(ref), seen)
            for key, value in node.items():
                if key == "properties":
                    yield from value
                yield from properties(value, seen)
        elif isinstance(node, list):
            for value in node:
                yield from properties(value, seen)

    public = {path: item for path, item in spec["paths"].items() if "/public/" in path}
    assert "/api/public/v1/inspection-plans/{plan_id}" in public
    names = set(properties(public, set()))
    assert names and not {n for n in names if "risk" in n or "probab" in n}


def _officers_only(file) -> bool:
    """The officer console's own pages, which show officers the risk classes (DESIGN §6)."""
    return file.name.startswith("console_") or "console" in file.relative_to(PROJECT_ROOT).parts


def test_public_code_never_reads_risk_scores():
    for entry in PUBLIC_CODE:
        path = PROJECT_ROOT / entry
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        for file in (f for f in files if not _officers_only(f)):
            if file.suffix in (".py", ".html", ".txt", ".csv"):
                text = file.read_text(encoding="utf-8")
                assert not re.search(r"RiskScore|risk_scores|risk_class", text), file
