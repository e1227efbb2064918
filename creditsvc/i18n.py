"""Chinese first, English one click away (Flask-Babel).

The catalogue `translations/<locale>/LC_MESSAGES/messages.po` is kept by hand; the
`.mo` Flask-Babel reads is a build product, never committed. `make` compiles it, and
the app compiles it again at start whenever the `.po` is newer, so a plain `pytest` or
`flask run` never serves yesterday's (or no) translations.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, request, session
from flask_babel import Babel, get_locale

from creditsvc.config import PROJECT_ROOT

LOCALES = ("zh", "en")
TRANSLATIONS_DIR = PROJECT_ROOT / "translations"
babel = Babel()
log = logging.getLogger(__name__)


def select_locale() -> str:
    chosen = session.get("lang") or request.args.get("lang")
    return chosen if chosen in LOCALES else "zh"


def compile_catalog(po_path: Path) -> Path:
    """Write the `.mo` next to a `.po` when it is missing or older; atomically, so
    several gunicorn workers starting at once never read half a file."""
    mo_path = po_path.with_suffix(".mo")
    if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        return mo_path
    with po_path.open("rb") as source:
        catalog = read_po(source)
    handle, temporary = tempfile.mkstemp(dir=po_path.parent, suffix=".mo.tmp")
    try:
        with os.fdopen(handle, "wb") as target:
            write_mo(target, catalog)
        os.replace(temporary, mo_path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return mo_path


def compile_catalogs(directory: Path = TRANSLATIONS_DIR) -> None:
    for po_path in sorted(directory.glob("*/LC_MESSAGES/*.po")):
        try:
            compile_catalog(po_path)
        except OSError as exc:  # a read-only install serves the .mo it was built with
            log.warning("could not compile %s: %s", po_path, exc)


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    compile_catalogs(Path(app.config["BABEL_TRANSLATION_DIRECTORIES"]))
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
