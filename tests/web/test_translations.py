"""The Chinese catalogue covers every page string, and the app serves it compiled."""

from __future__ import annotations

import os
import re

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from creditsvc.config import PROJECT_ROOT
from creditsvc.i18n import TRANSLATIONS_DIR, compile_catalog

PO_PATH = TRANSLATIONS_DIR / "zh" / "LC_MESSAGES" / "messages.po"
KEYWORDS = DEFAULT_KEYWORDS | {"_l": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


def extracted() -> dict[str, str]:
    """Every msgid in the code and templates, with where it was first found."""
    with (PROJECT_ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str, str] = {}
    for filename, line, message, _comments, _context in extract_from_dir(
        PROJECT_ROOT, method_map, options_map, keywords=KEYWORDS
    ):
        for msgid in message if isinstance(message, tuple) else (message,):
            if msgid:
                found.setdefault(msgid, f"{filename}:{line}")
    return found


def catalogue():
    with PO_PATH.open("rb") as source:
        return read_po(source, locale="zh")


def test_every_page_string_has_a_chinese_translation():
    catalog = catalogue()
    missing = [
        f"{where}: {msgid!r}"
        for msgid, where in extracted().items()
        if msgid not in catalog or not catalog[msgid].string or catalog[msgid].fuzzy
    ]
    assert not missing, "untranslated in messages.po:\n" + "\n".join(missing)


def test_translations_keep_their_placeholders():
    wrong = [
        m.id
        for m in catalogue()
        if m.id
        and m.string
        and sorted(PLACEHOLDER.findall(str(m.id))) != sorted(PLACEHOLDER.findall(str(m.string)))
    ]
    assert not wrong


def test_catalogue_has_no_duplicate_msgid():
    # Two helpers append to the same file; read_po would silently keep the last one.
    ids = re.findall(r'^msgid "(.*)"\n((?:".*"\n)*)', PO_PATH.read_text(), re.M)
    joined = [first + "".join(re.findall(r'"(.*)"', rest)) for first, rest in ids]
    doubled = sorted({i for i in joined if i and joined.count(i) > 1})
    assert not doubled


def test_a_stale_mo_is_recompiled(tmp_path):
    po = tmp_path / "messages.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: zh\\n"\n\nmsgid "Log in"\nmsgstr "登录"\n')
    mo = compile_catalog(po)
    first = mo.read_bytes()
    po.write_text(po.read_text().replace("登录", "登入"))
    os.utime(po, (mo.stat().st_mtime + 5, mo.stat().st_mtime + 5))
    assert compile_catalog(po).read_bytes() != first
    assert "登入".encode() in mo.read_bytes()


def test_pages_are_served_in_chinese_by_default_and_english_on_request(client):
    zh = client.get("/login").get_data(as_text=True)
    assert "<title>登录 · " in zh and "用户名" in zh
    client.get("/lang/en?next=/login")
    en = client.get("/login").get_data(as_text=True)
    assert "<title>Log in · " in en and "Username" in en


def test_typed_chinese_is_marked_as_chinese_and_always_escaped():
    from creditsvc.web.labels import typed

    assert str(typed("王记蔬菜")) == '<span lang="zh-CN">王记蔬菜</span>'
    assert str(typed("Apple Fresh")) == "Apple Fresh"  # the page's own language
    assert str(typed(None)) == ""
    hostile = str(typed('<script>alert("王")</script>'))
    assert "<script>" not in hostile and "&lt;script&gt;" in hostile
    assert "<b>" not in str(typed("<b>bold</b>"))
