"""The issuing bureau's signing key, as configured, for `notices.signing`: every published
PDF is signed with it, and an uploaded PDF is checked against its certificate.

Production names its own key and certificate (SIGNING_KEY_FILE, SIGNING_CERT_FILE,
docs/deployment.md); the demo's self-signed pair is made once under instance/signing/ by
`creditsvc demo-signing-key`, and never unless asked.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app

from creditsvc.config import demo_signing_file
from creditsvc.services.errors import DomainError
from notices.render import RenderedDocument
from notices.signing import SigningKey, SigningKeyError, demo_key, sign_pdf

HOW_TO_CONFIGURE = (
    "set SIGNING_KEY_FILE and SIGNING_CERT_FILE (docs/deployment.md), "
    "or run `creditsvc demo-signing-key` for a demo"
)


class SigningUnavailable(DomainError):
    """No usable signing key is configured: nothing can be published until there is (503)."""

    status = 503


def _read(setting: str) -> bytes:
    path = current_app.config[setting]
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        message = f"{setting} {path} cannot be read ({reason}): {HOW_TO_CONFIGURE}"
        raise SigningUnavailable(message) from exc


def signer_name() -> str:
    """The bureau as its signature names it."""
    config = current_app.config
    return config["SIGNING_BUREAU_NAME"] or config["BUREAU_NAME"]


def bureau_key() -> SigningKey:
    """The configured key material; SigningUnavailable when a file cannot be read."""
    config = current_app.config
    passphrase = config["SIGNING_KEY_PASSPHRASE"]
    return SigningKey(
        key=_read("SIGNING_KEY_FILE"),
        certificate=_read("SIGNING_CERT_FILE"),
        chain=_read("SIGNING_CHAIN_FILE") if config["SIGNING_CHAIN_FILE"] else b"",
        passphrase=passphrase.encode() if passphrase else None,
        signer_name=signer_name(),
    )


def certificate() -> bytes:
    """The bureau's certificate, against which an uploaded file is checked."""
    return _read("SIGNING_CERT_FILE")


def sign(pdf: bytes) -> bytes:
    """`pdf` signed by the bureau; SigningUnavailable when the key cannot sign."""
    try:
        return sign_pdf(pdf, bureau_key())
    except SigningKeyError as exc:
        raise SigningUnavailable(f"{exc}: {HOW_TO_CONFIGURE}") from exc


def signed(rendered: RenderedDocument) -> RenderedDocument:
    """The rendered document as published: signed, its digest that of the signed file."""
    pdf = sign(rendered.pdf)
    return replace(rendered, pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest())


def make_demo_key() -> Path | None:
    """Make the demo's key and self-signed certificate under instance/signing/ unless they
    exist; returns the folder when made, None when already there. Refused when
    SIGNING_KEY_FILE or SIGNING_CERT_FILE names a file elsewhere: production keeps its own."""
    config, instance = current_app.config, Path(current_app.instance_path)
    key_file, cert_file = demo_signing_file(instance, "key"), demo_signing_file(instance, "cert")
    configured = (Path(config["SIGNING_KEY_FILE"]), Path(config["SIGNING_CERT_FILE"]))
    if configured != (key_file, cert_file):
        raise DomainError("SIGNING_KEY_FILE or SIGNING_CERT_FILE is set: no demo key is made")
    if key_file.exists() and cert_file.exists():
        return None
    key_pem, cert_pem = demo_key(signer_name(), datetime.now(UTC))
    key_file.parent.mkdir(parents=True, exist_ok=True)
    # The private key is readable by its owner only, from the moment it exists.
    descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(key_pem)
    cert_file.write_bytes(cert_pem)
    return key_file.parent
