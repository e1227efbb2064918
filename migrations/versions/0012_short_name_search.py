"""short name search: an index of every one and two characters of a name (PostgreSQL)

Two Chinese characters are a whole search: 王记, 菜场, a surname and 记. pg_trgm makes no
trigram from a pattern shorter than three characters (migration 0011), so such a
search read every name of the city: 45-80 ms each on 200,000 businesses, holding a web
worker while lookups queued behind it (BENCHMARKS.md, load).

`name_grams(name)` is the set of the name's one- and two-character pieces, indexed with
GIN over the lower-cased name (a search finds Apple and apple alike). A name holds a one-
or two-character `q` exactly when `q` is among its pieces, so the search
(`creditsvc.services.registry.search.name_holds`) asks `name_grams(lower(name)) @> ARRAY[lower(q)]`
and PostgreSQL reads only the names that hold it.

SQLite keeps its plain scan: it serves a demonstration, not a city.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 04:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# IMMUTABLE, as an index expression must be: the pieces depend on the name alone.
NAME_GRAMS = """
CREATE FUNCTION name_grams(name text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT ARRAY(
        SELECT DISTINCT substr(name, i, n)
        FROM generate_series(1, char_length(name)) AS i, generate_series(1, 2) AS n
        WHERE i + n - 1 <= char_length(name)
    )
$$
"""


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(NAME_GRAMS)
    op.execute(
        "CREATE INDEX ix_merchants_name_grams ON merchants USING gin (name_grams(lower(name)))"
    )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_merchants_name_grams")
    op.execute("DROP FUNCTION name_grams(text)")
