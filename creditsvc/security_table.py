"""Every route's authorisation, read from the code: who may call it and what scopes its data.

The roles are the `@allow(...)` declaration on the view (`creditsvc.auth`). The scope rule is
found by reading the view's source: the `scope.*` functions (`creditsvc.services.scope`) it
reaches directly, through helpers of its own module, or through the service verbs it calls.
`creditsvc routes` prints the table; SECURITY.md carries it and a test keeps the two equal.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType

from flask import Flask

from creditsvc import auth
from creditsvc.principals import PUBLIC, Principal

SKIPPED_ENDPOINTS = ("static",)
# flask-smorest's own view of the OpenAPI document carries no @allow: it is public by design.
IMPLICIT_ROLES = {"api-docs.openapi_json": (PUBLIC,)}
SERVICE_PACKAGE = "creditsvc.services"
FOLLOW_DEPTH = 3
# A view that narrows by the caller's own attributes rather than a scope.* function.
PRINCIPAL_FIELDS = {
    "district_code": "own district",
    "market_ids": "own markets",
    "merchant_id": "own merchant",
    "user": "own account",
    "device": "own device",
    "name": "own records",
}


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    roles: tuple[str, ...]
    scope: tuple[str, ...]
    summary: str

    @property
    def openapi_path(self) -> str:
        """The path as OpenAPI spells it: `<int:market_id>` becomes `{market_id}`."""
        return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", self.path)

    @property
    def scope_text(self) -> str:
        if self.scope:
            return ", ".join(
                name if name.startswith("own ") else f"`scope.{name}`"
                for name in sorted(self.scope, key=lambda n: (n.startswith("own "), n))
            )
        return "published data only" if PUBLIC in self.roles else "role only"


def _handlers(app: Flask, rule) -> Iterator[tuple[str, Callable]]:
    view = app.view_functions[rule.endpoint]
    view_class = getattr(view, "view_class", None)
    for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
        handler = getattr(view_class, method.lower(), None) if view_class else view
        if handler is not None:
            yield method, handler


def _innermost(func: Callable) -> Callable:
    while hasattr(func, "__wrapped__"):
        func = func.__wrapped__
    return func


def _resolve(node: ast.expr, module: ModuleType) -> object:
    """What a global name of `module`, or a name reached through modules, stands for
    (`current`, `auth.current`, `principals.Principal`)."""
    if isinstance(node, ast.Name):
        return getattr(module, node.id, None)
    if isinstance(node, ast.Attribute):
        owner = _resolve(node.value, module)
        return getattr(owner, node.attr, None) if isinstance(owner, ModuleType) else None
    return None


def _is_current(node: ast.AST, module: ModuleType) -> bool:
    """A call of `auth.current()`, however `auth` or `current` was imported."""
    return isinstance(node, ast.Call) and _resolve(node.func, module) is auth.current


def _is_principal_type(annotation: ast.expr | None, module: ModuleType) -> bool:
    """An annotation naming `Principal` (alone, or in a union such as `Principal | None`)."""
    if annotation is None:
        return False
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        annotation = ast.parse(annotation.value, mode="eval").body
    return any(
        _resolve(part, module) is Principal
        for part in ast.walk(annotation)
        if isinstance(part, ast.Name | ast.Attribute)
    )


def _principal_names(tree: ast.AST, module: ModuleType) -> frozenset[str]:
    """The names the caller goes by in a function: its parameters annotated `Principal`,
    and the names it assigns a value of `auth.current()` to."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.arg) and _is_principal_type(node.annotation, module):
            names.add(node.arg)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.NamedExpr):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            typed = isinstance(node, ast.AnnAssign) and _is_principal_type(node.annotation, module)
            if typed or (node.value is not None and _is_current(node.value, module)):
                names.update(t.id for t in targets if isinstance(t, ast.Name))
    return frozenset(names)


def _is_principal(node: ast.expr, module: ModuleType, principals: frozenset[str]) -> bool:
    """The caller: a name holding the principal, or `auth.current()` itself."""
    if isinstance(node, ast.Name):
        return node.id in principals
    return _is_current(node, module)


def _narrows(node: ast.Attribute, parents: dict) -> bool:
    """The caller's attribute is compared, or is the list of an `.in_(...)`: a WHERE clause."""
    parent = parents.get(node)
    if isinstance(parent, ast.Compare):
        return True
    return (
        isinstance(parent, ast.Call)
        and isinstance(parent.func, ast.Attribute)
        and parent.func.attr == "in_"
    )


def _followed(target: object) -> bool:
    return inspect.isfunction(target) and target.__module__.startswith("creditsvc.")


def _visit(
    node: ast.AST, module: ModuleType, parents: dict, principals: frozenset[str]
) -> tuple[set[str], object]:
    """What one node says: scope rules it names, and a function it calls to follow."""
    if isinstance(node, ast.Attribute) and _is_principal(node.value, module, principals):
        # The caller's own user or device object scopes whatever is read through it.
        identity = node.attr in ("user", "device")
        if node.attr in PRINCIPAL_FIELDS and (identity or _narrows(node, parents)):
            return {PRINCIPAL_FIELDS[node.attr]}, None
        return set(), None
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        owner = getattr(module, node.value.id, None)
        if owner is _scope_module():
            return {node.attr}, None
        if isinstance(owner, ModuleType) and owner.__name__.startswith(SERVICE_PACKAGE):
            return set(), getattr(owner, node.attr, None)
        return set(), None
    if isinstance(node, ast.Name):
        return set(), getattr(module, node.id, None)
    return set(), None


def _scope_calls(func: Callable, depth: int, seen: set) -> set[str]:
    """Scope rules reached from `func`, following its module's helpers and service verbs."""
    func = _innermost(func)
    if func in seen or depth < 0:
        return set()
    seen.add(func)
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    except (OSError, TypeError):
        return set()
    module = importlib.import_module(func.__module__)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    principals = _principal_names(tree, module)
    found: set[str] = set()
    for node in ast.walk(tree):
        names, target = _visit(node, module, parents, principals)
        found |= names
        if _followed(target):
            found |= _scope_calls(target, depth - 1, seen)  # type: ignore[arg-type]
    return found


def _scope_module() -> ModuleType:
    return importlib.import_module(f"{SERVICE_PACKAGE}.scope")


def _summary(handler: Callable) -> str:
    doc = inspect.getdoc(_innermost(handler)) or ""
    return doc.splitlines()[0] if doc else ""


def _declared(app: Flask) -> Iterator[tuple[str, str, tuple[str, ...], Callable]]:
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        implicit = IMPLICIT_ROLES.get(rule.endpoint, ())
        for method, handler in _handlers(app, rule):
            yield method, rule.rule, tuple(getattr(handler, "allowed_roles", implicit)), handler


def allowed_roles(app: Flask) -> dict[tuple[str, str], tuple[str, ...]]:
    """(method, OpenAPI path) → the roles `@allow` admits; cheap, no source reading."""
    return {
        (method, Route(method, path, roles, (), "").openapi_path): roles
        for method, path, roles, _ in _declared(app)
    }


def routes(app: Flask) -> list[Route]:
    """Every (method, path) the app serves, with its declared roles and scope rule."""
    table = [
        Route(
            method,
            path,
            roles,
            tuple(sorted(_scope_calls(handler, FOLLOW_DEPTH, set()))),
            _summary(handler),
        )
        for method, path, roles, handler in _declared(app)
    ]
    return sorted(table, key=lambda r: (r.path, r.method))


def markdown(app: Flask) -> str:
    """The table as Markdown, stable from run to run so a stale copy can be detected."""
    lines = [
        "| method | path | roles (`@allow`) | scope rule | what |",
        "|---|---|---|---|---|",
    ]
    for route in routes(app):
        roles = ", ".join(route.roles) if route.roles else "**undeclared**"
        what = route.summary.replace("|", "\\|")
        lines.append(f"| {route.method} | `{route.path}` | {roles} | {route.scope_text} | {what} |")
    return "\n".join(lines) + "\n"


ROUTES_START = "<!-- routes:start — generated by `creditsvc routes --write SECURITY.md` -->"
ROUTES_END = "<!-- routes:end -->"


def with_table(document: str, table: str) -> str:
    """`document` (SECURITY.md) with the text between the route markers replaced by `table`."""
    head, start, rest = document.partition(ROUTES_START)
    _, end, tail = rest.partition(ROUTES_END)
    if not start or not end:
        raise ValueError("the document has no route markers")
    return f"{head}{ROUTES_START}\n{table}{ROUTES_END}{tail}"


def table_in(document: str) -> str:
    """The route table as committed in `document`."""
    return document.partition(ROUTES_START)[2].partition(ROUTES_END)[0].removeprefix("\n")
