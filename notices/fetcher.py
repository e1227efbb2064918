"""The only way a document reaches a resource while it is rendered.

WeasyPrint's default fetcher opens `file://` paths and the network, so one crafted
string in a template could print `/etc/passwd` or fetch an internal URL into a public
notice (DESIGN.md §7). This fetcher serves two things: `data:` URIs (the QR codes) and
files of a few static types under the project's own document folders, addressed as
``notices://<root>/<path>``. Everything else raises `ResourceRefused`; WeasyPrint logs
the error and renders the document without that resource.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

ASSET_SCHEME = "notices"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
ASSET_ROOTS: Mapping[str, Path] = {
    "documents": PROJECT_ROOT / "templates" / "documents",
    # The grade palette the site uses too (static/css/grades.css): one source of colours.
    "palette": PROJECT_ROOT / "static" / "css",
}

# Static resource types only: a template or a Python file is never a resource.
CONTENT_TYPES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


class ResourceRefused(ValueError):
    """A URL the document sandbox will not serve; the message says why."""


def asset_url(path: str, root: str = "documents") -> str:
    """The URL a template uses for a file under one of the asset roots."""
    return f"{ASSET_SCHEME}://{root}/{path}"


class AssetFetcher(URLFetcher):
    """A WeasyPrint URL fetcher confined to `data:` URIs and the asset roots."""

    def __init__(self, roots: Mapping[str, Path] | None = None) -> None:
        # fail_on_errors=False: a refused resource is skipped, the document still renders.
        super().__init__(allowed_protocols=("data", ASSET_SCHEME), allow_redirects=False)
        self._roots = {name: root.resolve() for name, root in (roots or ASSET_ROOTS).items()}

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        """Serve `url` or raise ResourceRefused."""
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != ASSET_SCHEME:
            raise ResourceRefused(f"scheme {scheme or '(none)'!r} is not served: {url[:80]}")
        path = self.resolve(url)
        body = path.read_bytes()
        return URLFetcherResponse(url, body, {"Content-Type": CONTENT_TYPES[path.suffix.lower()]})

    def resolve(self, url: str) -> Path:
        """The file a ``notices://`` URL names, checked to be a static file inside its root."""
        parts = urlsplit(url)
        root = self._roots.get(parts.netloc.lower())
        if root is None:
            raise ResourceRefused(f"unknown asset root {parts.netloc!r}")
        segments = unquote(parts.path).split("/")[1:]
        if not segments or any(_bad_segment(s) for s in segments):
            raise ResourceRefused(f"path {parts.path!r} is not a plain relative path")
        candidate = root.joinpath(*segments)
        if candidate.suffix.lower() not in CONTENT_TYPES:
            raise ResourceRefused(f"{candidate.suffix or 'no suffix'} files are not served")
        try:
            resolved = candidate.resolve(strict=True)
        except (OSError, RuntimeError) as exc:
            raise ResourceRefused(f"no such asset: {parts.path}") from exc
        # A symbolic link may point outside the root: judge where it lands.
        if not resolved.is_relative_to(root) or not resolved.is_file():
            raise ResourceRefused(f"{parts.path} resolves outside {root}")
        return resolved


def _bad_segment(segment: str) -> bool:
    """Empty (`//`, which would restart at `/`), `.`/`..`, or a character that hides a path."""
    return segment in ("", ".", "..") or any(ch in segment for ch in ("\\", "\x00", ":"))
