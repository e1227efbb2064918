"""The documents the service serves and stores: fetch one, read its PDF, list the files."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader


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


def stored_files(app) -> list[Path]:
    root = Path(app.config["STORAGE_DIR"])
    return [p for p in root.rglob("*") if p.is_file()]
