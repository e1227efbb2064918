"""Finding a merchant by what someone types: any part of its name, or its USCC.

A name is searched for anywhere in it, in any case (`ILIKE '%…%'`), which on PostgreSQL
is answered from an index, never by reading every name of the city:
- three characters or more from the trigram index (pg_trgm, migration 0011);
- one or two, which pg_trgm cannot index and which are most Chinese searches (王记, a
  surname and 记), from the index of every name's one- and two-character pieces
  (`name_grams`, migration 0012): a name holds such a `q` exactly when `q` is a piece
  of it, both lower-cased.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Text, cast, func, or_
from sqlalchemy.dialects import postgresql

from creditsvc import uscc as uscc_rules
from creditsvc.extensions import db
from creditsvc.models import Merchant

SHORT = 2  # characters: the longest piece name_grams keeps


def name_holds(q: str) -> ColumnElement[bool]:
    """Names holding `q` anywhere, in any case (Apple, apple); `%` and `_` in it are
    characters, not patterns."""
    if len(q) <= SHORT and db.session.get_bind().dialect.name == "postgresql":
        pieces = cast(postgresql.array([q.lower()]), postgresql.ARRAY(Text))
        return func.name_grams(func.lower(Merchant.name)).op("@>")(pieces)
    return Merchant.name.icontains(q, autoescape=True)


def merchants_matching(q: str) -> ColumnElement[bool]:
    """Merchants whose name holds `q`, or whose USCC it is (read as registration reads
    it: creditsvc.uscc.normalise)."""
    return or_(name_holds(q), Merchant.uscc == uscc_rules.normalise(q))
