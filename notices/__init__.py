"""Printed documents: context building, HTML rendering, HTML→PDF, serials, QR codes.

Never imports the database layer; takes plain data and returns bytes.

- `notices.context`: a marshmallow schema per document kind; `load_context(kind, data)`.
- `notices.render`: `render_pdf(kind, context, base_url=...)` → `RenderedDocument`
  (pdf bytes, sha256, pages); `render_html` and `html_to_pdf` for the two halves.
- `notices.fetcher`: the sandboxed WeasyPrint URL fetcher (`AssetFetcher`).
- `notices.serials`: `make_serial` / `parse_serial` (``SHJL-310104-2026-000123-7``).
- `notices.qr`: QR codes as `data:` URIs.
- `notices.signing`: `sign_pdf(pdf, key)` adds the bureau's PAdES signature;
  `check_signature(pdf, certificate)` says whether a file is signed, altered or foreign.

Templates and the print stylesheet are in `templates/documents/`. Nothing is imported
here, so `from notices.serials import parse_serial` does not load WeasyPrint.
"""
