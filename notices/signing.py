"""The issuing bureau's signature on a published document, and the check of one.

A PAdES signature (ETSI EN 319 142-1, baseline B-B: SubFilter ETSI.CAdES.detached) is
added as an incremental update, so the PDF/A-2b file underneath stays byte for byte as
rendered (ISO 19005-2 6.4.3 allows such signatures). Anyone can check it offline in a PDF
reader that trusts the bureau's certificate, or by uploading the file to `/verify`.

Pure functions: key material and PDF bytes in, bytes or a verdict out. Nothing here reads
a file, the network or the clock beyond the signing time pyHanko records.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from asn1crypto import keys, x509
from cryptography import x509 as pyca_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.x509.oid import NameOID
from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata.model import VENDOR
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from notices.serials import SerialError, parse_serial

FIELD_NAME = "BureauSignature"
REASON = "诚信计量文件发布"
LOCATION = "上海"
# A PDF's header may follow up to 1,024 bytes of other data (ISO 32000-1 7.5.2, note).
HEADER_WINDOW = 1024
T = TypeVar("T")
SIGNATURE_MARKERS = (b"/ByteRange", b"/ETSI.CAdES.detached", b"/Type /Sig")
DEMO_KEY_BITS = 3072  # RSA of at least 3072 bits for use past 2030 (NIST SP 800-57 Part 1)
DEMO_VALIDITY = dt.timedelta(days=5 * 365)


class SigningKeyError(ValueError):
    """The key material cannot sign: unreadable, wrong passphrase, or key and certificate
    that do not belong together."""


@dataclass(frozen=True)
class SigningKey:
    """The bureau's private key and certificate (PEM or DER), intermediate certificates if
    any, and the bureau's name as the signature gives it."""

    key: bytes
    certificate: bytes
    chain: bytes = b""
    passphrase: bytes | None = None
    signer_name: str = ""


class Verdict(StrEnum):
    SIGNED = "signed"  # signed with the certificate asked about, unchanged since
    ALTERED = "altered"  # signed, then changed (or damaged) after signing
    OTHER_SIGNER = "other_signer"  # a signature, but by another certificate
    UNSIGNED = "unsigned"  # a readable PDF without a signature
    NOT_PDF = "not_pdf"  # not a PDF that can be read


@dataclass(frozen=True)
class SignatureCheck:
    """What a file's signature says: the verdict, who signed and when (as the signature
    itself claims), and the serial the document carries in its metadata, if readable."""

    verdict: Verdict
    signer: str | None = None
    signed_at: dt.datetime | None = None
    serial: str | None = None


def sign_pdf(pdf: bytes, key: SigningKey) -> bytes:
    """`pdf` with the bureau's PAdES signature appended as an incremental update."""
    signer = _signer(key)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    _producer_as_in_xmp(writer)
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",  # recommended for signatures by ETSI TS 119 312
        subfilter=fields.SigSeedSubFilter.PADES,
        name=key.signer_name or None,
        reason=REASON,
        location=LOCATION,
    )
    out = io.BytesIO()
    try:
        pdf_signer = signers.PdfSigner(metadata, signer=signer)
        _outside_event_loop(functools.partial(pdf_signer.sign_pdf, writer, output=out))
    except SigningError as exc:
        raise SigningKeyError(f"the key cannot sign: {exc}") from exc
    return out.getvalue()


@functools.lru_cache(maxsize=4)
def _signer(key: SigningKey) -> BureauSigner:
    """The signer for `key`, made once per process and key."""
    try:
        private = load_private_key_from_pemder_data(key.key, passphrase=key.passphrase)
        certificate = next(iter(load_certs_from_pemder_data(key.certificate)))
        chain = list(load_certs_from_pemder_data(key.chain)) if key.chain.strip() else []
        loaded = serialization.load_der_private_key(private.dump(), password=None)
    except (ValueError, TypeError, StopIteration) as exc:
        raise SigningKeyError(f"the signing key or certificate cannot be read: {exc}") from exc
    if not isinstance(loaded, rsa.RSAPrivateKey):
        # pyHanko marks an ECDSA or EdDSA signature as PDF 2.0 (ISO 32002), which a
        # PDF/A-2 file, on PDF 1.7, must not be (ISO 19005-2 6.1.2).
        raise SigningKeyError("the signing key must be an RSA key (PDF/A-2 is PDF 1.7)")
    public = loaded.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    if public != certificate.public_key.dump():
        raise SigningKeyError("the private key does not belong to the certificate")
    registry = SimpleCertificateStore.from_certs([certificate, *chain])
    return BureauSigner(certificate, private, registry, loaded)


class BureauSigner(signers.SimpleSigner):
    """pyHanko's signer holding the key as loaded once: cryptography checks an RSA key's
    primes each time it loads one, and pyHanko loads it for every signature it makes."""

    def __init__(
        self,
        certificate: x509.Certificate,
        private: keys.PrivateKeyInfo,
        registry: SimpleCertificateStore,
        loaded: rsa.RSAPrivateKey,
    ) -> None:
        super().__init__(signing_cert=certificate, signing_key=private, cert_registry=registry)
        self._loaded = loaded

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        if mechanism != "rsassa_pkcs1v15":
            return super().sign_raw(data, digest_algorithm)
        return self._loaded.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))


def _producer_as_in_xmp(writer: IncrementalPdfFileWriter) -> None:
    """ISO 19005-2 6.6.2.3.1: an Info entry equals its XMP property. pyHanko writes its own
    name as the XMP producer but appends it to the Info producer; make the two agree."""
    if "/Info" not in writer.trailer:
        return
    info = generic.DictionaryObject(dict(writer.trailer["/Info"].items()))
    info["/Producer"] = generic.TextStringObject(VENDOR)
    writer.set_info(info)


def check_signature(pdf: bytes, certificate: bytes) -> SignatureCheck:
    """Whether `pdf` carries an intact signature made with `certificate` (PEM or DER),
    covering the whole file. Never raises on what is uploaded: a damaged or foreign file
    is a verdict. Nothing is fetched (no revocation look-up): the certificate is given."""
    # A file that was signed but no longer reads as a PDF was changed after signing.
    damaged = SignatureCheck(Verdict.ALTERED if _was_signed(pdf) else Verdict.NOT_PDF)
    if b"%PDF-" not in pdf[:HEADER_WINDOW]:
        return damaged
    bureau = next(iter(load_certs_from_pemder_data(certificate)))
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
        serial = _serial(reader)
    except Exception:  # noqa: BLE001 (any parser failure: the file cannot be read)
        return damaged
    if not signatures:
        return SignatureCheck(Verdict.UNSIGNED, serial=serial)
    try:
        return _judge(signatures[-1], bureau, serial)
    except Exception:  # noqa: BLE001 (a signature that cannot be evaluated is broken)
        return SignatureCheck(Verdict.ALTERED, serial=serial)


def _was_signed(pdf: bytes) -> bool:
    """Whether the bytes still show a signature dictionary: one changed byte cannot take
    away all of its keys and its SubFilter."""
    return any(marker in pdf for marker in SIGNATURE_MARKERS)


def _judge(
    signature: EmbeddedPdfSignature, bureau: x509.Certificate, serial: str | None
) -> SignatureCheck:
    signer = signature.signer_cert
    name, signed_at = _holder(signer), signature.self_reported_timestamp
    if signer.dump() != bureau.dump():
        return SignatureCheck(Verdict.OTHER_SIGNER, name, signed_at, serial)
    context = ValidationContext(trust_roots=[bureau])
    status = _outside_event_loop(functools.partial(validate_pdf_signature, signature, context))
    # Covering the entire file: nothing appended after signing, not even a "save" that a
    # PDF reader adds as another incremental update.
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    unchanged = status.intact and status.valid and whole
    return SignatureCheck(Verdict.SIGNED if unchanged else Verdict.ALTERED, name, signed_at, serial)


def _outside_event_loop(call: Callable[[], T]) -> T:
    """Call one of pyHanko's synchronous functions, each of which starts an event loop of
    its own (asyncio.run): a thread already running one (an asyncio server, a browser
    test's driver) refuses that, so there the call runs on a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def _holder(certificate: x509.Certificate) -> str:
    """Whom a certificate names: its common name, else its organisation, else the subject."""
    subject = certificate.subject.native
    names = [subject.get(k) for k in ("common_name", "organization_name")]
    return str(next((n for n in names if n), certificate.subject.human_friendly))


def _serial(reader: PdfFileReader) -> str | None:
    """The serial the document names in its metadata (`<meta name=keywords>`), if valid."""
    try:
        return str(parse_serial(str(reader.trailer["/Info"]["/Keywords"])))
    except (KeyError, TypeError, SerialError):
        return None


def demo_key(bureau: str, now: dt.datetime) -> tuple[bytes, bytes]:
    """A private key and a self-signed certificate (PEM) naming `bureau`, for the demo and
    the tests only: a bureau signs with a certificate its CA issued (docs/deployment.md)."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=DEMO_KEY_BITS)
    name = pyca_x509.Name(
        [
            pyca_x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            pyca_x509.NameAttribute(NameOID.ORGANIZATION_NAME, bureau),
            pyca_x509.NameAttribute(NameOID.COMMON_NAME, f"{bureau}（演示证书）"),
        ]
    )
    usage = pyca_x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,  # non-repudiation: what a PDF signature's validator asks
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    certificate = (
        pyca_x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(pyca_x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + DEMO_VALIDITY)
        .add_extension(pyca_x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .sign(private, hashes.SHA256())
    )
    key_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM)
