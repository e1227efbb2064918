"""Schemathesis against the app's own /api/openapi.json: no 5xx, every answer as documented.

Every operation in the document is fuzzed, so an endpoint added later is covered without
editing this file. Each case is sent with the token of a city officer, a district officer,
a merchant or a fair scale (the roles the operation allows, else all four, to see the
refusal), through the in-process WSGI app. Path parameters are half the time replaced by
identifiers that exist, so item operations reach past the 404.

The budget is small and the seed fixed for `make test`; `benchmarks/fuzz_api.py` runs the
same test with a larger budget (FUZZ_EXAMPLES).

Schemathesis keeps to what the document allows and to printable text; the hostile run
(`tests/security/hostile.py`, FUZZ_HOSTILE_EXAMPLES) sends what issue 17's probe did on top
of its valid cases: lone surrogates, control and bidi characters, far dates with offsets,
masses past any scale, bodies nested 1,000 deep, in every body field and query parameter.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator

import pytest
import schemathesis
from cryptography.fernet import Fernet
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import create_engine

from creditsvc import create_app
from creditsvc.extensions import db
from creditsvc.models import Stall
from creditsvc.principals import CITY, DEVICE, DISTRICT, MERCHANT, PUBLIC
from creditsvc.security_table import allowed_roles
from tests.conftest import IsolatedClient, empty_tables
from tests.factories import World
from tests.security import hostile

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
HOSTILE_EXAMPLES = int(os.environ.get("FUZZ_HOSTILE_EXAMPLES", "4"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
FUZZED_ROLES = (CITY, DISTRICT, MERCHANT, DEVICE)


def _document_app():
    """An app used only to read the OpenAPI document at collection time (no database)."""
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "SECRET_KEY": "collect",
            "PERSONAL_DATA_KEY": Fernet.generate_key().decode(),
            "STORAGE_DIR": tempfile.mkdtemp(prefix="fuzz-collect-"),
        }
    )


DOCUMENT_APP = _document_app()
DOCUMENT = DOCUMENT_APP.test_client().get("/api/openapi.json").get_json()
ROLES = allowed_roles(DOCUMENT_APP)
# Parsed once; each test sends its cases to its own app (a fresh database).
SCHEMA = schemathesis.openapi.from_dict(DOCUMENT)
OPERATIONS = [
    f"{method.upper()} {path}"
    for path, item in DOCUMENT["paths"].items()
    for method in item
    if method in ("get", "put", "post", "patch", "delete")
]


@pytest.fixture(scope="module")
def fuzz_app(migrated_url, tmp_path_factory) -> Iterator[Flask]:
    """One database for the whole run: a clean copy per operation would cost more than
    the fuzzing itself (PostgreSQL truncates every table). Cases of one operation may see
    rows another created, as on a live service."""
    instance = tmp_path_factory.mktemp("fuzz")
    url = migrated_url
    if url.startswith("sqlite"):
        shutil.copy(url.removeprefix("sqlite:///"), instance / "fuzz.db")
        url = f"sqlite:///{instance / 'fuzz.db'}"
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "fuzz",
            "PERSONAL_DATA_KEY": Fernet.generate_key().decode(),
            "STORAGE_DIR": str(instance / "storage"),
            "REDIS_URL": None,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        if not url.startswith("sqlite"):
            _empty(url)
        yield app
        db.session.remove()
        db.engine.dispose()
    if not url.startswith("sqlite"):
        _empty(url)  # the next test's copy starts clean either way; this keeps it quick


def _empty(url: str) -> None:
    """Truncate what the migrations did not load (as conftest does for each test)."""
    engine = create_engine(url)
    with engine.begin() as conn:
        empty_tables(conn)
    engine.dispose()


@pytest.fixture(scope="module")
def fuzz_world(fuzz_app):
    """Two districts with a market, merchants, a stall and a fair scale; four tokens."""
    world = World(fuzz_app)
    xuhui_market = world.market(world.XUHUI)
    jingan_market = world.market(world.JINGAN)
    world.street(world.XUHUI)
    mine = world.merchant(world.XUHUI, market=xuhui_market)
    theirs = world.merchant(world.JINGAN, market=jingan_market)
    db.session.add(Stall(market_id=xuhui_market.id, number="A-01"))  # committed with the scale
    device, fair_scale, _ = world.device(xuhui_market, "FS-FUZZ-1")
    callers = {
        CITY: world.city(),
        DISTRICT: world.district(world.XUHUI),
        MERCHANT: world.merchant_user(mine),
        DEVICE: fair_scale,
    }
    known = {
        "uscc": [mine.uscc, theirs.uscc],
        "serial": [device.serial],
        "day": ["2026-10-01", "2026-12-31"],
    }
    return {"callers": callers, "known": known}


def _tokens_for(label: str, callers: dict) -> list[tuple[str, str | None]]:
    """The (role, token) pairs to send: the allowed ones among the four, else all four."""
    method, path = label.split(" ", 1)
    roles = ROLES.get((method, path), ())
    allowed = [(role, callers[role].token) for role in FUZZED_ROLES if role in roles]
    if PUBLIC in roles:
        allowed.append((PUBLIC, None))
    return allowed or [(role, callers[role].token) for role in FUZZED_ROLES]


def _known_value(name: str, known: dict):
    if name in known:
        return st.sampled_from(known[name])
    if name.endswith("id") or name == "version":
        return st.integers(min_value=1, max_value=3)
    return None


def _negatable(label: str) -> bool:
    """Whether any input can be invalid: a body, a typed or constrained parameter."""
    method, path = label.split(" ", 1)
    item = DOCUMENT["paths"][path]
    operation = item[method.lower()]
    if "requestBody" in operation:
        return True
    parameters = item.get("parameters", []) + operation.get("parameters", [])
    # A free-text path segment (`<uscc>`: a string of length ≥ 1) has no invalid value to send.
    free_text = ({"type": "string"}, {"type": "string", "minLength": 1})
    return any(p.get("schema", {}) not in free_text for p in parameters)


def _send(app, client, case, token: str | None) -> None:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = case.call(app=app, session=client, headers=headers)
    case.validate_response(response, checks=CHECKS)


def _fuzz_settings(examples: int) -> settings:
    """The same examples on every run (a fixed seed, no example database), however slow."""
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )


def _run_mode(app, operation, mode, tokens, known, examples) -> None:
    client = app.test_client()
    cases = operation.as_strategy(generation_mode=mode)

    @_fuzz_settings(examples)
    @given(data=st.data())
    def run(data):
        case = data.draw(cases, label="case")
        _, token = data.draw(st.sampled_from(tokens), label="role")
        if mode is GenerationMode.POSITIVE and data.draw(st.booleans(), label="real ids"):
            for name in case.path_parameters or {}:
                strategy = _known_value(name, known)
                if strategy is not None:
                    case.path_parameters[name] = data.draw(strategy, label=name)
        _send(app, client, case, token)

    try:
        run()
    except Unsatisfiable:
        # Nothing to negate after all (e.g. only free-text parameters).
        if mode is not GenerationMode.NEGATIVE:
            raise


def fuzz(app, label: str, callers: dict, known: dict, examples: int) -> None:
    """Run the checks on `examples` generated cases of each mode for one operation."""
    operation = SCHEMA.find_operation_by_label(label)
    assert operation is not None, label
    tokens = _tokens_for(label, callers)
    modes = [GenerationMode.POSITIVE]
    if _negatable(label):
        modes.append(GenerationMode.NEGATIVE)
    for mode in modes:
        _run_mode(app, operation, mode, tokens, known, examples)


@pytest.mark.parametrize("label", OPERATIONS)
def test_operation_survives_fuzzing(fuzz_app, fuzz_world, label):
    fuzz(fuzz_app, label, fuzz_world["callers"], fuzz_world["known"], EXAMPLES)


def fuzz_hostile(app, label: str, callers: dict, known: dict, examples: int) -> None:
    """Send `examples` hostile variants of valid cases of one operation: never a 5xx."""
    operation = SCHEMA.find_operation_by_label(label)
    assert operation is not None, label
    tokens = _tokens_for(label, callers)
    cases = operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
    client = app.test_client()

    @_fuzz_settings(examples)
    @given(data=st.data())
    def run(data):
        case = data.draw(cases, label="case")
        _, token = data.draw(st.sampled_from(tokens), label="role")
        for name in case.path_parameters or {}:
            strategy = _known_value(name, known)  # past the 404, to the validation
            if strategy is not None:
                case.path_parameters[name] = data.draw(strategy, label=name)
        request = hostile.hostile_request(data.draw, case)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = client.open(headers=headers, **request)
        assert response.status_code < 500, (request, response.get_data(as_text=True)[:400])

    run()


@pytest.mark.parametrize("label", OPERATIONS)
def test_operation_survives_hostile_input(fuzz_app, fuzz_world, label):
    fuzz_hostile(fuzz_app, label, fuzz_world["callers"], fuzz_world["known"], HOSTILE_EXAMPLES)


def test_every_documented_operation_is_fuzzed(fuzz_app):
    """The list is read from the live document, so a new endpoint cannot escape the run."""
    document = fuzz_app.test_client().get("/api/openapi.json").get_json()
    assert len(OPERATIONS) == sum(
        1 for item in document["paths"].values() for m in item if m != "parameters"
    )
    assert "POST /api/v1/readings" in OPERATIONS
