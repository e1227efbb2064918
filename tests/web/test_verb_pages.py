"""Every state-changing API verb a person may call has a page that performs it (issue 19),
or is named API-only with the reason (tests/web/verb_pages.py)."""

from __future__ import annotations

from creditsvc.principals import PERSONS
from creditsvc.security_table import Route, allowed_roles
from tests.web.verb_pages import PAGES, ApiOnly

CHANGES = ("POST", "PUT", "PATCH", "DELETE")


def _verbs(app) -> dict[str, tuple[str, ...]]:
    """'METHOD /api/v1/…' → the roles of people who may call it."""
    return {
        f"{method} {path}": tuple(r for r in roles if r in PERSONS)
        for (method, path), roles in allowed_roles(app).items()
        if method in CHANGES and path.startswith("/api/v1/") and set(roles) & set(PERSONS)
    }


def _page_roles(app, endpoint: str) -> tuple[str, ...]:
    roles = allowed_roles(app)
    for rule in app.url_map.iter_rules(endpoint):
        path = Route("POST", rule.rule, (), (), "").openapi_path
        if ("POST", path) in roles:
            return roles[("POST", path)]
    return ()


def test_every_verb_a_person_calls_has_a_page_or_a_reason(app):
    missing = sorted(set(_verbs(app)) - set(PAGES))
    assert not missing, f"API verbs with no page (add them to tests/web/verb_pages.py): {missing}"


def test_the_table_names_only_verbs_that_exist(app):
    every = {
        f"{method} {path}"
        for method, path in allowed_roles(app)
        if method in CHANGES and path.startswith("/api/v1/")
    }
    assert not sorted(set(PAGES) - every)


def test_each_page_accepts_a_post_from_everyone_the_verb_admits(app):
    wrong = {}
    for verb, roles in _verbs(app).items():
        pages = PAGES.get(verb)
        if pages is None or isinstance(pages, ApiOnly):
            continue
        covered = {r for endpoint in pages for r in _page_roles(app, endpoint)}
        if not covered or set(roles) - covered:
            wrong[verb] = {"api": roles, "pages": sorted(covered)}
    assert not wrong, wrong


def test_an_api_only_verb_says_why():
    assert all(len(v.reason) > 20 for v in PAGES.values() if isinstance(v, ApiOnly))
