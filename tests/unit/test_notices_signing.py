"""The bureau's signature (notices.signing): every kind of document signed with a PAdES
signature that pyHanko's validator accepts, still PDF/A-2b and tagged afterwards, and
failing after one changed byte; the check of a file names what it is."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pyhanko.keys import load_certs_from_pemder_data

from notices.render import render_pdf
from notices.signing import (
    SigningKey,
    SigningKeyError,
    Verdict,
    check_signature,
    demo_key,
    sign_pdf,
)
from tests.documents import pdfa_problems, pyhanko_validation
from tests.unit.test_notices_archive import pdfinfo
from tests.unit.test_notices_render import BASE, KINDS, pdffonts

BUREAU = "上海市市场监督管理局"
NOW = dt.datetime(2026, 4, 10, 1, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def bureau() -> SigningKey:
    key, certificate = demo_key(BUREAU, NOW)
    return SigningKey(key, certificate, signer_name=BUREAU)


@pytest.fixture(scope="module")
def documents(bureau):
    """Each kind as rendered, and as signed."""
    rendered = {
        kind: render_pdf(kind, make(), base_url=BASE).pdf for kind, (make, _) in KINDS.items()
    }
    return {kind: (pdf, sign_pdf(pdf, bureau)) for kind, pdf in rendered.items()}


@pytest.mark.parametrize("kind", KINDS)
def test_pyhanko_s_validator_accepts_every_kind(documents, bureau, kind):
    status = pyhanko_validation(documents[kind][1], bureau.certificate)
    assert status.bottom_line, status.pretty_print_details()
    assert status.coverage.name == "ENTIRE_FILE" and status.intact and status.trusted
    assert check_signature(documents[kind][1], bureau.certificate).verdict == Verdict.SIGNED


@pytest.mark.parametrize("kind", KINDS)
def test_the_signature_is_an_incremental_update_that_keeps_pdfa(documents, kind, tmp_path):
    unsigned, signed = documents[kind]
    assert signed.startswith(unsigned)  # the rendered file, byte for byte, then the signature
    assert pdfa_problems(signed) == []
    assert pdfinfo(signed, tmp_path)["Tagged"] == "yes"
    assert all(font["emb"] == "yes" for font in pdffonts(signed, tmp_path))


@pytest.mark.parametrize("kind", KINDS)
def test_one_changed_byte_fails_pyhanko_s_validator(documents, bureau, kind):
    unsigned, signed = documents[kind]
    altered = bytearray(signed)
    altered[len(unsigned) // 2] ^= 0x01  # inside the content the signature covers
    status = pyhanko_validation(bytes(altered), bureau.certificate)
    assert not status.bottom_line and not status.intact
    assert check_signature(bytes(altered), bureau.certificate).verdict == Verdict.ALTERED


def test_a_file_that_no_longer_parses_after_signing_is_altered(documents, bureau):
    signed = documents["placard"][1]
    broken = signed[: len(signed) - 40]  # the last cross-reference section cut short
    assert check_signature(broken, bureau.certificate).verdict == Verdict.ALTERED


def test_the_check_names_what_a_file_is(documents, bureau):
    unsigned, signed = documents["exposure_notice"]
    other_key, other_certificate = demo_key("某某认证中心", NOW)
    by_someone_else = sign_pdf(unsigned, SigningKey(other_key, other_certificate))
    check = check_signature(signed, bureau.certificate)
    assert (check.signer, check.serial) == (
        f"{BUREAU}（演示证书）",
        KINDS and "SHJL-310104-2026-000001-5",
    )
    assert check.signed_at is not None
    assert check_signature(unsigned, bureau.certificate).verdict == Verdict.UNSIGNED
    foreign = check_signature(by_someone_else, bureau.certificate)
    assert (foreign.verdict, foreign.signer) == (Verdict.OTHER_SIGNER, "某某认证中心（演示证书）")
    for garbage in (b"", b"not a pdf", b"%PDF-1.7\n" + b"\x00" * 200, bytes(range(256)) * 40):
        assert check_signature(garbage, bureau.certificate).verdict == Verdict.NOT_PDF


def test_key_material_that_cannot_sign_is_refused(documents, bureau):
    unsigned = documents["placard"][0]
    _, other_certificate = demo_key("某某认证中心", NOW)
    elliptic = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    cases = {
        "does not belong": SigningKey(bureau.key, other_certificate),
        "cannot be read": SigningKey(b"not a key", bureau.certificate),
        "must be an RSA key": SigningKey(elliptic, bureau.certificate),
    }
    for message, key in cases.items():
        with pytest.raises(SigningKeyError, match=message):
            sign_pdf(unsigned, key)


def test_the_demo_certificate_names_the_bureau_and_signs_only(bureau):
    certificate = next(iter(load_certs_from_pemder_data(bureau.certificate)))
    assert certificate.subject.native["organization_name"] == BUREAU
    assert certificate.key_usage_value.native == {"digital_signature", "non_repudiation"}
    assert certificate.public_key.algorithm == "rsa" and certificate.public_key.bit_size >= 3072
