"""Input no column can hold, refused before any view sees it: the NUL character.

PostgreSQL's text types cannot store U+0000 (psycopg raises on it), SQLite truncates at it
in places, and no name, address or allegation contains it. Found by the API fuzz run:
a NUL in a search term, a name or a path answered 500 on PostgreSQL. One check here covers
every route, pages included, so a field added later cannot bring the 500 back.
"""

from __future__ import annotations

import re

from flask import request
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
