"""A demonstration city: streets, markets, fair scales, merchants and demo logins.

`city.load` writes a reproducible Shanghai (one seed, one city) so the service can be
shown and load-tested without real registry data; `names` holds the static names it
draws from (real streets and towns, real roads, invented shop names).
"""
