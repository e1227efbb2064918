"""Input no column can hold, refused before any view sees it: the NUL character, JSON
nested past any schema's depth, and lone surrogates in JSON strings.

PostgreSQL's text types cannot store U+0000 (psycopg raises on it), SQLite truncates at it
in places, and no name, address or allegation contains it. Found by the API fuzz run:
a NUL in a search term, a name or a path answered 500 on PostgreSQL. One check here covers
every route, pages included, so a field added later cannot bring the 500 back.

Issue 17 found two more: a body nested 1,000 deep exhausts Python's recursion in the JSON
parser, and an unpaired `\ud800` escape decodes to a string no UTF-8 column can hold. Both
are refused here, the first before the body is parsed.
"""

from __future__ import annotations

import json
import re

import numpy as np
from flask import current_app, request
from flask_smorest import abort

# JSON spells U+0000 as \u0000; preceded by an odd number of backslashes it is literal text.
JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _where_nul() -> str | None:
    if "\x00" in request.path:
        return "path"
    if b"%00" in request.query_string or b"\x00" in request.query_string:
        return "query"
    if request.is_json:
        body = request.get_data(cache=True)
        # The plain substring test first: far cheaper than the pattern on a large batch
        # of readings, and almost no body has the escape (see BENCHMARKS.md, 'Readings
        # ingest').
        if b"\\u0000" in body and JSON_NUL.search(body):
            return "json"
    if request.mimetype in FORM_TYPES and any("\x00" in v for v in request.form.values()):
        return "form"
    return None


def refuse_nul() -> None:
    """before_request: a NUL character anywhere in the input is a 422 naming where."""
    location = _where_nul()
    if location is not None:
        abort(
            422,
            message="the input contains a NUL character (U+0000), which no field may hold",
            errors={location: {"_nul": ["NUL characters are not allowed"]}},
        )


# Deepest nesting a body may have (setting JSON_MAX_DEPTH): the deepest schema, an
# inspection with its lots and their measurements, is 4 levels.
JSON_MAX_DEPTH = 32
# A JSON string, escapes included, written so the pattern cannot backtrack (unrolled loop).
JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))
STEP = np.zeros(256, dtype=np.int8)  # +1 for an opening bracket, -1 for a closing one
STEP[list(b"[{")], STEP[list(b"]}")] = 1, -1
# A high or low surrogate escape, not itself escaped; json.loads joins the pairs.
JSON_SURROGATE = re.compile(rb"(?<!\\)(?:\\\\)*\\u[dD][89a-fA-F]")
SURROGATES = re.compile("[\ud800-\udfff]")


def json_depth(body: bytes, limit: int) -> int:
    """How deep the brackets of a JSON text nest, outside strings; a body with no more
    brackets than `limit` is not scanned (most bodies: the check costs a count).

    Counted in numpy, so a large batch of readings or a hostile body of many megabytes
    costs a few passes in C rather than a Python loop over its bytes.
    """
    if body.count(b"[") + body.count(b"{") <= limit:
        return 0
    brackets = JSON_STRING.sub(b"", body).translate(None, NOT_BRACKETS)
    steps = STEP[np.frombuffer(brackets, dtype=np.uint8)]
    return int(np.cumsum(steps, dtype=np.int32).max()) if len(steps) else 0


def _lone_surrogate(value: object) -> dict | list | None:
    """The path to the first string (or key) holding a lone surrogate, as marshmallow
    nests its errors ({"readings": {"3": {"merchant": [...]}}}); None if there is none."""
    message = ["contains a lone surrogate, which no text may hold"]
    if isinstance(value, str):
        return message if SURROGATES.search(value) else None
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, item in items:
        if isinstance(key, str) and SURROGATES.search(key):
            return {"_schema": message}
        found = _lone_surrogate(item)
        if found is not None:
            return {str(key): found}
    return None


def refuse_hostile_json() -> None:
    """before_request: a JSON body nested deeper than JSON_MAX_DEPTH, or holding a lone
    surrogate, is a 422 (the second naming the field)."""
    if not request.is_json:
        return
    body = request.get_data(cache=True)
    limit = current_app.config.get("JSON_MAX_DEPTH", JSON_MAX_DEPTH)
    if json_depth(body, limit) > limit:
        abort(
            422,
            message=f"the JSON body is nested more than {limit} levels deep",
            errors={"json": {"_schema": [f"nested more than {limit} levels deep"]}},
        )
    if b"\\u" not in body or not JSON_SURROGATE.search(body):
        return
    try:
        document = json.loads(body)
    except ValueError:
        return  # not JSON: the schema's loader answers that
    found = _lone_surrogate(document)
    if found is not None:
        abort(
            422,
            message="the input contains a lone surrogate, which no text may hold",
            errors={"json": found if isinstance(found, dict) else {"_schema": found}},
        )
