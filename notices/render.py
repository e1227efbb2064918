"""Context → HTML (Jinja2, autoescaped) → PDF (WeasyPrint, sandboxed) → bytes and SHA-256.

The caller stores the bytes and the digest; nothing here touches the database, the
Flask app or the file system outside the document templates.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import jinja2
from weasyprint import HTML, Document

from notices.context import SCHEMAS, load_context
from notices.fetcher import ASSET_ROOTS, AssetFetcher, asset_url
from notices.qr import qr_data_uri

KINDS = tuple(SCHEMAS)
TEMPLATES_DIR = ASSET_ROOTS["documents"]
STYLESHEET_URL = asset_url("print.css")
# Archival and accessible (DESIGN.md §7): PDF/A-2b (ISO 19005-2) with a structure tree for
# screen readers. Part 2, not 1: Noto Sans CJK is embedded as a CFF OpenType font program
# (FontFile3 /OpenType, a PDF 1.6 feature that PDF/A-1, on PDF 1.4, does not allow). Part 2,
# not 3: part 3 only adds arbitrary embedded files, and a document embeds none
# (`_drop_embedded_files`), so part 2 is the stricter promise. Conformance b (the visual
# appearance is preserved), not a: the tags are WeasyPrint's, not checked against level a.
PDF_OPTIONS = {"pdf_variant": "pdf/a-2b", "pdf_tags": True}


@dataclass(frozen=True)
class RenderedDocument:
    """A rendered PDF, its SHA-256 (hex, stored for `/verify/<serial>`) and page count."""

    pdf: bytes
    sha256: str
    pages: int


def cn_date(day: dt.date) -> str:
    """A date as printed on official documents: 2026年3月5日."""
    return f"{day.year}年{day.month}月{day.day}日"


@functools.cache
def _environment() -> jinja2.Environment:
    # Autoescape everything: a merchant name is text, never markup (DESIGN.md §7).
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["cn_date"] = cn_date
    return environment


def render_html(kind: str, context: Mapping[str, Any]) -> str:
    """The HTML of a document `kind` for a plain `context` (validated by its schema)."""
    return _render_template(kind, load_context(kind, context))


def _render_template(kind: str, doc: dict[str, Any]) -> str:
    qr = {"verify": qr_data_uri(doc["verify_url"])}
    if "public_url" in doc:
        qr["public"] = qr_data_uri(doc["public_url"])
    template = _environment().get_template(f"{kind}.html")
    return template.render(doc=doc, qr=qr, stylesheet=STYLESHEET_URL)


def render_pdf(kind: str, context: Mapping[str, Any], *, base_url: str) -> RenderedDocument:
    """Render a document `kind` to PDF.

    `base_url` is the service's public root (PUBLIC_BASE_URL): relative links resolve
    against it, and every QR code on the document must lead to it.
    """
    doc = load_context(kind, context)
    _check_on_site(doc, base_url)
    document = _layout(_render_template(kind, doc), base_url=base_url, fetcher=None)
    pdf = document.write_pdf(**PDF_OPTIONS)
    return RenderedDocument(
        pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(), pages=len(document.pages)
    )


def html_to_pdf(html: str, *, base_url: str, fetcher: AssetFetcher | None = None) -> bytes:
    """PDF bytes of an HTML string, fetched through `fetcher` (default: the asset sandbox)."""
    pdf: bytes = _layout(html, base_url=base_url, fetcher=fetcher).write_pdf(**PDF_OPTIONS)
    return pdf


def _layout(html: str, *, base_url: str, fetcher: AssetFetcher | None) -> Document:
    document = HTML(
        string=html, base_url=base_url, url_fetcher=fetcher or AssetFetcher(), media_type="print"
    ).render()
    _drop_embedded_files(document)
    return document


def _drop_embedded_files(document: Document) -> None:
    """No file is ever embedded: `<link rel="attachment">` and `<a rel="attachment">` would
    copy a fetched resource into the PDF; links other than http(s) are dropped too."""
    document.metadata.attachments = []
    for page in document.pages:
        page.links = [link for link in page.links if _printable_link(link[0], link[1])]


def _printable_link(link_type: str, target: str) -> bool:
    if link_type == "internal":
        return True
    return link_type == "external" and urlsplit(target).scheme in ("http", "https")


def _check_on_site(doc: Mapping[str, Any], base_url: str) -> None:
    """A printed QR code must lead to the service's own public site, nowhere else."""
    site = urlsplit(base_url)
    if site.scheme not in ("http", "https") or not site.netloc:
        raise ValueError(f"base_url must be the public site's http(s) root, got {base_url!r}")
    root = site.path.rstrip("/") + "/"
    for field in ("verify_url", "public_url"):
        if field not in doc:
            continue
        target = urlsplit(doc[field])
        same_site = (target.scheme, target.netloc) == (site.scheme, site.netloc)
        if not (same_site and target.path.startswith(root)):
            raise ValueError(f"{field} {doc[field]!r} is not on the public site {base_url}")
