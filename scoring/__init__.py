"""Pure scoring rules; never imports Flask or SQLAlchemy.

Each rule takes plain values (masses, prices, counts) and returns a frozen result with
its figures and reasons, so a request, a batch job and a notebook can call it alike and
a test needs no database. The regulation tables it applies are packaged in
``scoring/tables/`` (see the README there for their sources).
"""
