"""The addresses the public reaches: every link printed on a document, shown on a page or
given in an answer is built here, from PUBLIC_BASE_URL."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from flask import current_app

# Where links point when PUBLIC_BASE_URL is unset: only the demo may print it.
UNSET_FALLBACK = "http://127.0.0.1:5000"
LOOPBACK_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


def base_url() -> str:
    return (current_app.config.get("PUBLIC_BASE_URL") or UNSET_FALLBACK).rstrip("/")


def site_url(path: str) -> str:
    return base_url() + path


def verify_url(serial: str) -> str:
    """Where anyone checks a printed or forwarded document by its serial."""
    return site_url(f"/verify/{serial}")


def is_loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def public_address_problem() -> str | None:
    """Why a public document may not be printed with the configured address, or None.

    A QR code or printed address the public cannot reach is worse than none: the
    document cannot be checked at /verify. Only the demo (CREDITSVC_DEMO=1) prints a
    loopback address, the one `make run` serves on."""
    if current_app.config.get("DEMO"):
        return None
    configured = current_app.config.get("PUBLIC_BASE_URL")
    if not configured:
        return (
            "PUBLIC_BASE_URL is not set: public documents would print an address nobody "
            "reaches; set it to the address the public reaches the site on"
        )
    if is_loopback(configured):
        return (
            f"PUBLIC_BASE_URL is {configured}, a loopback address nobody else reaches; set it "
            "to the address the public reaches the site on"
        )
    return None
