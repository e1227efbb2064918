"""The API reference, rendered on the server from the OpenAPI document: works offline,
needs no JavaScript and loads nothing from a CDN."""

from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, render_template

from creditsvc.auth import allow
from creditsvc.extensions import api
from creditsvc.principals import PUBLIC

bp = Blueprint("apidocs", __name__)
METHODS = ("get", "post", "put", "patch", "delete")


def _schema_name(ref_holder: dict | None) -> str | None:
    if not ref_holder:
        return None
    schema = ref_holder.get("content", {}).get("application/json", {}).get("schema", {})
    ref = schema.get("$ref") or schema.get("items", {}).get("$ref")
    return ref.rsplit("/", 1)[-1] if ref else None


def operations(spec: dict) -> dict[str, list[dict]]:
    """Group the spec's operations by tag, in the order the tags are declared."""
    grouped: dict[str, list[dict]] = defaultdict(list)
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            grouped[(op.get("tags") or ["other"])[0]].append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "parameters": op.get("parameters", []) + item.get("parameters", []),
                    "body": _schema_name(op.get("requestBody")),
                    "responses": {
                        code: (resp.get("description", ""), _schema_name(resp))
                        for code, resp in op.get("responses", {}).items()
                    },
                }
            )
    return grouped


@bp.get("/api/docs")
@allow(PUBLIC)
def reference():
    spec = api.spec.to_dict()
    return render_template(
        "apidocs.html",
        spec=spec,
        groups=operations(spec),
        schemas=spec.get("components", {}).get("schemas", {}),
    )
