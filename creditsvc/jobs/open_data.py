"""The nightly measurement of the open-data exports (issue 22): each dataset's rows and
the size of its CSV, for the open-data catalogue."""

from __future__ import annotations

import logging

from flask import current_app

from creditsvc import links
from creditsvc.extensions import db
from creditsvc.services.publication import open_data

log = logging.getLogger(__name__)


def measure_open_data() -> dict[str, int]:
    """Measure every export as it is downloaded; commits once."""
    # The exports carry the service's own paths (a document's PDF), built by url_for as in
    # the request that sends them; a job has no request, so it builds them in one made for
    # the public address.
    with current_app.test_request_context(base_url=links.base_url()):
        sizes = open_data.measure()
    db.session.commit()
    log.info("open-data exports measured (bytes): %s", sizes)
    return sizes
