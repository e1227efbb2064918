"""The addresses the public reaches: every link printed on a document, shown on a page or
given in an answer is built here, from PUBLIC_BASE_URL."""

from __future__ import annotations

from flask import current_app


def site_url(path: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def verify_url(serial: str) -> str:
    """Where anyone checks a printed or forwarded document by its serial."""
    return site_url(f"/verify/{serial}")
