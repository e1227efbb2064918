"""The documents the service serves and stores: fetch one, read its PDF, list the files."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

from pypdf import PdfReader

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import Community, DemonstrationUnit
from tests.factories import inspect, penalise, publish

KINDS = ("exposure", "honor_roll", "demonstration", "placard")
WORDY_VIOLATIONS = ("CHEAT", "FAIRSCALE", "SHORT_PREPACK")


def pdf_of(caller, url):
    response = caller.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response


def read_pdf(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def pdf_text(data: bytes) -> str:
    """The PDF's text without white space (letter-spaced labels and wrapped lines)."""
    return "".join("".join(page.extract_text() for page in read_pdf(data).pages).split())


def fonts_embedded(reader: PdfReader) -> bool:
    """Every font on every page carries its own font file (a CJK font, embedded)."""
    seen = []
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is not None:
                    descriptor = descriptor.get_object()
                    seen.append(
                        any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                    )
    return bool(seen) and all(seen)


def publish_every_kind(world) -> dict[str, dict]:
    """One published document of each kind in Xuhui, by kind, as the API answers it. The
    exposure entry cites the catalogue's violations with brackets, years and several
    articles, and its confiscation was typed with the verb, as an officer may type it."""
    today = clock.today()
    penalise(
        world,
        world.merchant(name="曝光水产摊", address="漕溪北路88号"),
        "沪市监徐处〔2026〕7号",
        today - timedelta(days=4),
        "20000",
        findings=WORDY_VIOLATIONS,
        confiscation="没收作弊秤一台",
    )
    honest = world.merchant(name="诚信蔬菜摊", commitment_signed_on=today - timedelta(days=30))
    inspect(world, honest, [])
    street = world.street(name="徐家汇街道")
    db.session.add(
        Community(street_id=street.id, name="汇成社区", status="accepted", accepted_on=today)
    )
    db.session.add(
        DemonstrationUnit(
            merchant_id=honest.id,
            district_code=honest.district_code,
            route="applied",
            status="designated",
            filed_by="test",
            filed_on=today - timedelta(days=400),
            designated_on=today - timedelta(days=365),
            valid_until=today + timedelta(days=300),
        )
    )
    db.session.commit()
    officer, period = world.district(), {"period_end": today.isoformat()}
    period["period_start"] = (today - timedelta(days=60)).isoformat()
    bodies = {
        "exposure": {"kind": "exposure", **period},
        "honor_roll": {"kind": "honor_roll"},
        "demonstration": {"kind": "demonstration"},
        "placard": {"kind": "placard", "merchant": honest.uscc},
    }
    return {kind: publish(officer, body) for kind, body in bodies.items()}


def public_pdf(notice: dict) -> str:
    """Where anyone downloads a published notice's PDF."""
    return f"/api/public/v1/documents/{notice['serial']}/pdf"


def pyhanko_validation(pdf: bytes, certificate: bytes):
    """pyHanko's own judgement of the file's last signature, trusting `certificate` (PEM).
    On a thread of its own: pyHanko starts an event loop, which a thread where a browser
    test's driver already runs one refuses."""
    from concurrent.futures import ThreadPoolExecutor

    from pyhanko.keys import load_certs_from_pemder_data
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    trusted = next(iter(load_certs_from_pemder_data(certificate)))
    signature = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures[-1]
    context = ValidationContext(trust_roots=[trusted])
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(validate_pdf_signature, signature, context).result()


def stored_files(app) -> list[Path]:
    root = Path(app.config["STORAGE_DIR"])
    return [p for p in root.rglob("*") if p.is_file()]


# PDF/A-2 (ISO 19005-2) and tagging, as far as they can be read without a full validator ---

PDFA_PART, PDFA_CONFORMANCE = "2", "B"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
XMP_OF_INFO = {  # ISO 19005-2 6.6.2.3.1: an Info entry must equal its XMP property
    "/Title": "{http://purl.org/dc/elements/1.1/}title",
    "/Author": "{http://purl.org/dc/elements/1.1/}creator",
    "/Subject": "{http://purl.org/dc/elements/1.1/}description",
    "/Keywords": "{http://ns.adobe.com/pdf/1.3/}Keywords",
    "/Producer": "{http://ns.adobe.com/pdf/1.3/}Producer",
    "/Creator": "{http://ns.adobe.com/xap/1.0/}CreatorTool",
}
PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"
# Annotation flags (ISO 32000-1 12.5.3): Print must be set; Invisible, Hidden, NoView clear.
PRINT, HIDDEN = 4, 1 | 2 | 32


def xmp_properties(reader: PdfReader) -> dict[str, str]:
    """Every simple XMP property of the document, by expanded name (first item of arrays)."""
    from xml.etree import ElementTree

    packet = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    found: dict[str, str] = {}
    # The packet of a PDF the test itself made, not outside input.
    for description in ElementTree.fromstring(packet).iter(f"{RDF}Description"):  # noqa: S314
        found.update({k: v for k, v in description.attrib.items() if not k.startswith(RDF)})
        for child in description:
            items = [li.text or "" for li in child.iter(f"{RDF}li")]
            found[child.tag] = items[0] if items else (child.text or "")
    return found


def pdfa_problems(data: bytes) -> list[str]:
    """What keeps the file from being the PDF/A-2b it claims to be: identification, output
    intent, Info and XMP agreeing, annotations printable, no encryption or embedded file."""
    reader = read_pdf(data)
    if "/Metadata" not in reader.trailer["/Root"]:
        return ["no XMP metadata stream"]
    return _identification(reader) + _file_structure(reader) + _annotations(reader)


def _identification(reader: PdfReader) -> list[str]:
    xmp, problems = xmp_properties(reader), []
    claimed = (xmp.get(f"{PDFAID}part"), xmp.get(f"{PDFAID}conformance"))
    if claimed != (PDFA_PART, PDFA_CONFORMANCE):
        problems.append(f"XMP pdfaid claims {claimed}, not PDF/A-2b")
    for key, value in (reader.metadata or {}).items():
        if key in XMP_OF_INFO and xmp.get(XMP_OF_INFO[key]) != str(value):
            problems.append(f"Info {key} {value!r} differs from XMP {xmp.get(XMP_OF_INFO[key])!r}")
    return problems


def _file_structure(reader: PdfReader) -> list[str]:
    root, problems = reader.trailer["/Root"], []
    intents = [i.get_object() for i in root.get("/OutputIntents", [])]
    if not any(i.get("/S") == "/GTS_PDFA1" and "/DestOutputProfile" in i for i in intents):
        problems.append("no PDF/A output intent with an ICC profile")
    if "/Encrypt" in reader.trailer or "/ID" not in reader.trailer:
        problems.append("encrypted, or no file identifier")
    if "/EmbeddedFiles" in (root.get("/Names") or {}):
        problems.append("an embedded file")
    if float(str(root.get("/Version", "/1.7")).lstrip("/")) > 1.7:
        problems.append(f"catalogue raises the version to {root['/Version']}")
    return problems


def _annotations(reader: PdfReader) -> list[str]:
    flags = [
        int(annot.get_object().get("/F", 0))
        for page in reader.pages
        for annot in page.get("/Annots") or []
    ]
    return [f"annotation flags {f}: not printable" for f in flags if not f & PRINT or f & HIDDEN]
