"""QR codes as `data:` URIs: drawn in memory, embedded in the HTML, never a file or a fetch."""

from __future__ import annotations

import base64

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.image.svg import SvgPathImage


def qr_svg(url: str) -> str:
    """The SVG of a QR code for `url`: error correction M (a creased or smudged print still
    scans) and the four-module quiet zone ISO/IEC 18004 asks for."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4, image_factory=SvgPathImage)
    code.add_data(url)
    code.make(fit=True)
    svg: str = code.make_image().to_string(encoding="unicode")
    return svg


def qr_data_uri(url: str) -> str:
    """A `data:image/svg+xml` URI of the QR code for `url`, for an `<img src>`."""
    encoded = base64.b64encode(qr_svg(url).encode("utf-8")).decode("ascii")
    return f"data:image/svg+xml;base64,{encoded}"
