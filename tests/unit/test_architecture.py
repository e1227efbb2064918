"""The house's seams, read from the source: no import circles, layers that import only
downwards, and the lint rule that keeps queries and commits out of views."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("creditsvc", "scoring", "notices")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(child) for child in ast.walk(node)}
    return skipped


def _imported(name: str, path: Path, modules: dict[str, Path]) -> Iterator[str]:
    """Every project module `name` imports, at module level or inside a function, except
    under `if TYPE_CHECKING:`."""
    tree = ast.parse(path.read_text())
    skipped = _type_checking_nodes(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([node.module] if node.module else [])])
            # `from package import module` imports the module; `from module import name`
            # the module that holds the name.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                yield target


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: set(_imported(name, path, modules)) for name, path in modules.items()}


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = list(graph[start])
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(graph[node])
    return seen


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Groups of modules that import one another, each group sorted."""
    reach = {name: _reachable(graph, name) for name in graph}
    groups = {
        tuple(sorted({name} | {other for other in reach[name] if name in reach[other]}))
        for name in graph
        if name in reach[name]
    }
    return sorted(list(group) for group in groups)


def test_no_module_imports_itself_through_others(graph):
    assert _circles(graph) == []


def _importers(graph: dict[str, set[str]], layer: str, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{name} → {target}"
        for name, targets in graph.items()
        if name == layer or name.startswith(layer + ".")
        for target in targets
        if any(target == f or target.startswith(f + ".") for f in forbidden)
    )


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        ("creditsvc.web", ("creditsvc.api",)),
        ("creditsvc.services", ("creditsvc.api", "creditsvc.web", "creditsvc.jobs")),
        ("creditsvc.schemas", ("creditsvc.services", "creditsvc.api", "creditsvc.web")),
        ("scoring", ("creditsvc", "notices")),
        ("notices", ("creditsvc", "scoring")),
    ],
)
def test_layers_import_only_downwards(graph, layer, forbidden):
    assert _importers(graph, layer, forbidden) == []


RUFF = [sys.executable, "-m", "ruff", "check", "--no-cache", "--quiet"]


def _lint(source: str, filename: str) -> subprocess.CompletedProcess:
    """Lint `source` as if it were the file `filename` of the tree (its folder's config)."""
    return subprocess.run(  # noqa: S603 (the project's own ruff, on a fixed snippet)
        [*RUFF, "--stdin-filename", filename, "-"],
        input=source,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


VIEW_WITH_QUERY = '''"""A view."""

from sqlalchemy import select

from creditsvc.models import Merchant

STATEMENT = select(Merchant)
'''
VIEW_WITH_SESSION = '''"""A view."""

from creditsvc.extensions import db

COMMIT = db.session.commit
'''
PAGE_IMPORTING_API = '''"""A page."""

from creditsvc.api.notices import blp

BLUEPRINT = blp
'''
PLAIN_VIEW = '''"""A view."""

from creditsvc.services.registry import queries

READ = queries.merchant_in_scope
'''


@pytest.mark.parametrize("folder", ["creditsvc/api", "creditsvc/web"])
@pytest.mark.parametrize("source", [VIEW_WITH_QUERY, VIEW_WITH_SESSION], ids=["query", "session"])
def test_make_lint_fails_a_view_that_builds_a_query_or_commits(folder, source):
    result = _lint(source, f"{folder}/probe.py")
    assert result.returncode == 1
    assert "TID251" in result.stdout


def test_make_lint_fails_a_page_that_imports_the_api():
    result = _lint(PAGE_IMPORTING_API, "creditsvc/web/probe.py")
    assert result.returncode == 1
    assert "`creditsvc.api` is banned" in result.stdout


@pytest.mark.parametrize("folder", ["creditsvc/api", "creditsvc/web"])
def test_a_view_that_reads_through_a_service_passes_the_lint(folder):
    result = _lint(PLAIN_VIEW, f"{folder}/probe.py")
    assert result.returncode == 0, result.stdout


def test_services_may_build_queries():
    result = _lint(VIEW_WITH_QUERY, "creditsvc/services/registry/probe.py")
    assert result.returncode == 0, result.stdout
