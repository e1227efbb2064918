"""Where a page may send the browser next (`?next=`): only a path on this site.

Browsers drop tabs and newlines from a URL and read a backslash as a slash, and Werkzeug
drops the tab too, so `/<TAB>/evil.example` or `/\\evil.example` leads to another host;
a newline in a Location header is a 500. Anything but a plain local path, as given or
once percent-decoded, is refused and the caller falls back to its landing page (issue 17,
finding 4).
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

# Controls, format characters (bidi overrides among them), surrogates, private use,
# unassigned, and the line and paragraph separators.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def local_target(value: str | None) -> str | None:
    """`value` when it is an absolute path on this site, else None."""
    if not value or not all(_is_local_path(form) for form in (value, unquote(value))):
        return None
    return value


def _is_local_path(path: str) -> bool:
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        return False
    if any(unicodedata.category(ch) in REFUSED_CATEGORIES for ch in path):
        return False
    parts = urlsplit(path)
    return not parts.scheme and not parts.netloc
