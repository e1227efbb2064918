"""Hostile input for the API fuzz run (issue 17): what schemathesis does not send by itself.

Each case starts from a valid case schemathesis generates for an operation, then one value
in it (a body field at any depth, or a query parameter) is replaced by something a probe
would send: a lone surrogate, a control or bidi character, a far date with an offset, a
mass past any scale; or the whole body is nested deeper than any schema. The answer must
never be a 5xx.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

from hypothesis import strategies as st

DEEP = 1000  # what issue 17's probe sent
LOOKS_LIKE_A_DAY = re.compile(r"^[+-]?\d{4,}-\d\d-\d\d")

# Single characters a name must not hold, and text that hides them among ordinary words.
HOSTILE_CHARACTERS = [
    "\ud800",  # a lone high surrogate
    "\udfff",  # a lone low surrogate
    "\u202e",  # RIGHT-TO-LEFT OVERRIDE
    "\u2066",  # LEFT-TO-RIGHT ISOLATE
    "\u200f",  # RIGHT-TO-LEFT MARK
    "\x85",  # NEXT LINE, a C1 control
    "\x9b",  # CONTROL SEQUENCE INTRODUCER
    "\x1b",  # ESCAPE
    "\x7f",  # DELETE
    "\x0b",  # VERTICAL TAB
    "\ufffe",  # a noncharacter
    "\U0010ffff",  # the last noncharacter
]
HOSTILE_TEXT = st.one_of(
    st.sampled_from(HOSTILE_CHARACTERS),
    st.builds(
        lambda before, char, after: before + char + after,
        st.sampled_from(["", "李记", "Zhang ", "9131"]),
        st.sampled_from(HOSTILE_CHARACTERS),
        st.sampled_from(["", "肉铺", "1号", "\u202c"]),
    ),
    st.text(st.characters(categories=["Cc", "Cf", "Cs", "Co"]), min_size=1, max_size=4),
)
HOSTILE_DAYS = st.sampled_from(["0001-01-01", "9999-12-31", "1899-12-31", "2100-01-01"])
HOSTILE_MOMENTS = st.sampled_from(
    [
        "0001-01-01T00:00:00+08:00",
        "0001-01-01T00:00:00+23:59",
        "9999-12-31T23:59:59-23:59",
        "9999-12-31T23:59:59.999999-00:01",
        "0001-01-01T00:00:00",
        "9999-12-31T23:59:59",
    ]
)
HOSTILE_NUMBERS = st.sampled_from([1e308, -1e308, 0, -1, 5e-324, 2**63, 10**30])


def hostile_value(original: object) -> st.SearchStrategy:
    """A hostile value of the kind that `original` is (a text, a date, a number)."""
    if isinstance(original, bool) or original is None:
        return st.one_of(HOSTILE_TEXT, HOSTILE_MOMENTS)
    if isinstance(original, int | float):
        return HOSTILE_NUMBERS
    if isinstance(original, str) and LOOKS_LIKE_A_DAY.match(original):
        return HOSTILE_MOMENTS if "T" in original else st.one_of(HOSTILE_DAYS, HOSTILE_MOMENTS)
    return st.one_of(HOSTILE_TEXT, HOSTILE_MOMENTS, HOSTILE_DAYS)


def leaves(value: object, path: tuple = ()) -> list[tuple]:
    """The path of every scalar in a JSON document (dict keys and list indices)."""
    if isinstance(value, dict):
        return [leaf for key, item in value.items() for leaf in leaves(item, (*path, key))]
    if isinstance(value, list):
        return [leaf for i, item in enumerate(value) for leaf in leaves(item, (*path, i))]
    return [path]


def replaced(document: object, path: tuple, new: object) -> object:
    """`document` with the value at `path` replaced by `new` (a copy)."""
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(document, dict):
        return {**document, head: replaced(document[head], rest, new)}
    items = list(document)  # a list, as `leaves` walked it
    items[head] = replaced(items[head], rest, new)
    return items


def value_at(document: object, path: tuple) -> object:
    for key in path:
        document = document[key]  # type: ignore[index]
    return document


def deep_body(draw) -> str:
    """A body nested `DEEP` levels, in arrays, objects or both."""
    opening, closing = draw(st.sampled_from([("[", "]"), ('{"a":', "}"), ('[{"a":', "}]")]))
    field = draw(st.sampled_from(["name", "readings", "items", "merchant"]))
    return f'{{"{field}": ' + opening * DEEP + "1" + closing * DEEP + "}"


def hostile_request(draw, case) -> dict:
    """The keyword arguments of a Flask test-client request: `case` with one hostile value,
    or a body nested too deep. Bodies are spelt by json.dumps, which escapes a lone
    surrogate as `\\udXXX` as a probe would send it."""
    query = dict(case.query or {})
    body = case.body if isinstance(case.body, dict | list) else None
    targets = [("query", name) for name in query]
    targets += [("body", path) for path in (leaves(body) if body is not None else []) if path]
    choice = draw(st.sampled_from([*targets, ("deep", None)]))
    kind, where = choice
    data = json.dumps(body) if body is not None else None
    if kind == "query":
        query[where] = draw(hostile_value(query[where]), label=f"query {where}")
    elif kind == "body":
        new = draw(hostile_value(value_at(body, where)), label=f"body {where}")
        data = json.dumps(replaced(body, where, new))
    elif body is not None or case.method.upper() in ("POST", "PUT", "PATCH"):
        data = deep_body(draw)
    kwargs: dict = {
        "method": case.method.upper(),
        "path": case.formatted_path,
        "query_string": urlencode(query, doseq=True, errors="surrogatepass"),
    }
    if data is not None:
        kwargs |= {"data": data.encode(), "content_type": "application/json"}
    return kwargs
