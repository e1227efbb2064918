"""Browser tests: the app served on a free loopback port, driven by Debian's chromium.

The server runs in a thread of the test process on the same per-test database as the
`app` fixture (SQLite copy or PostgreSQL), so data a test makes with `world` is what the
browser sees. Playwright only drives `/usr/bin/chromium`; it never downloads a browser.
Screenshots go to tests/output/screenshots/ (ignored by git).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from werkzeug.serving import WSGIRequestHandler, make_server

from creditsvc import clock
from creditsvc.extensions import db
from tests.factories import PASSWORD, inspect, penalise, publish

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent.parent / "output" / "screenshots"
# A wide page and a phone: each main page is shot at both widths.
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:  # the access log is noise here
        pass


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The app on 127.0.0.1:<free port>; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run `scripts/system-packages.sh test`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh headless tab (own cookies) on the live server; fails the test on any
    console error, which is how a Content-Security-Policy violation shows."""
    context = browser.new_context(base_url=live_server, viewport=DESKTOP, locale="zh-CN")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    # The test's own open transaction would block the server's writes on SQLite.
    db.session.commit()
    yield tab
    context.close()
    if getattr(tab, "expired_login_form", False):  # a retried log-in (`login`): its 400
        errors = [e for e in errors if "status of 400" not in e]
    assert not errors, f"browser console errors: {errors}"


def screenshot(page, name: str) -> Path:
    """Write the full page at desktop and phone widths; returns the desktop file."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^\w.-]+", "-", name)
    target = SCREENSHOTS / f"{safe}.png"
    page.screenshot(path=str(target), full_page=True)
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(SCREENSHOTS / f"{safe}.phone.png"), full_page=True)
    page.set_viewport_size(size)
    return target


def login(page, username: str, password: str = PASSWORD) -> None:
    """Log in through the form, as a person would (labels, not CSS selectors)."""
    db.session.commit()  # the server writes the attempt: hold no SQLite read lock
    # Once more if the form came back expired: right after `clear_cookies()` (a test
    # switching users) Chromium can still send the form under the cookie it just dropped,
    # so the form's CSRF token and the session disagree. A person never clears cookies
    # between loading a form and sending it.
    for attempt in (1, 2):
        page.goto("/login")
        form = page.locator("main form")
        form.get_by_label(re.compile("用户名|Username")).fill(username)
        form.get_by_label(re.compile("^(密码|Password)$")).fill(password)
        form.get_by_role("button").click()
        # The click returns once the next page starts loading; until then page.url and
        # the page are still the form's.
        try:
            page.wait_for_url(lambda url: "/login" not in url)
            return
        except PlaywrightTimeout:
            expired = "表单已过期" in page.content() or "form had expired" in page.content()
            if attempt == 2 or not expired:
                pytest.fail(f"still on the login form: {page.locator('main').inner_text()}")
            page.expired_login_form = True  # its 400 is not a page's error (`page` fixture)


def use_language(page, code: str) -> None:
    """Switch the tab's session to `code` (zh or en) through the header link."""
    page.goto(f"/lang/{code}?next=/")


@pytest.fixture
def small_city(world) -> dict:
    """A few businesses with grades, an honor roll, an exposure notice and a placard, all
    published as PDFs, and a merchant account; what the browser tests look at."""
    today = clock.today()
    street = world.street(name="斜土路街道")
    market = world.market(name="天钥桥菜市场")
    honest = world.merchant(
        name="王记蔬菜",
        market=market,
        street_id=street.id,
        commitment_signed_on=today - timedelta(days=30),
        address="天钥桥路1号",
    )
    inspect(world, honest, [])
    fishmonger = world.merchant(name="李记水产", market=market, street_id=street.id)
    inspect(world, fishmonger, [], on=today - timedelta(days=300))
    inspect(world, fishmonger, ["UNVERIFIED"])
    cheat = world.merchant(name="赵记粮油", street_id=street.id)
    penalise(world, cheat, "徐市监罚〔2026〕7号", today - timedelta(days=3))
    officer = world.district()
    documents = {
        "honor_roll": publish(officer, {"kind": "honor_roll"}),
        "exposure": publish(
            officer,
            {
                "kind": "exposure",
                "period_start": (today - timedelta(days=60)).isoformat(),
                "period_end": today.isoformat(),
            },
        ),
        "placard": publish(officer, {"kind": "placard", "merchant": honest.uscc}),
    }
    account = world.merchant_user(fishmonger)
    facts = {
        "honest": {"uscc": honest.uscc, "name": honest.name},
        "fishmonger": {"uscc": fishmonger.uscc, "name": fishmonger.name},
        "merchant_login": account.username,
        "officer_login": officer.username,
        "documents": documents,
    }
    # Plain values only, and no open read transaction: on SQLite it would block the
    # server's writes (a log-in records its attempt).
    db.session.commit()
    return facts


# Text nodes (and accessible names) of the page with the language they are marked in.
TEXTS_WITH_LANGUAGE = """() => {
  const out = [];
  const langOf = (el) => (el.closest('[lang]') || document.documentElement).getAttribute('lang');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    const text = node.textContent.trim();
    if (!text || el.closest('code, script, style')) continue;
    out.push([langOf(el), text]);
  }
  for (const el of document.querySelectorAll('[aria-label], [title]')) {
    for (const name of ['aria-label', 'title']) {
      if (el.hasAttribute(name)) out.push([langOf(el), el.getAttribute(name)]);
    }
  }
  // A title cannot mark its parts: data shown marked elsewhere on the page is not text.
  let title = document.title;
  for (const el of document.querySelectorAll('body [lang]')) {
    const data = el.textContent.trim();
    if (data) title = title.split(data).join('');
  }
  out.push([document.documentElement.lang, title]);
  return out;
}"""
CJK = re.compile(r"[\u3400-\u9fff]")
ENGLISH_WORDS = re.compile(r"[A-Za-z]{2,}(?:[ ,.'-]+[A-Za-z]{2,})+")


def untranslated(page, language: str) -> list[str]:
    """Text in the wrong language: English words on a Chinese page, Chinese characters
    on an English page, unless the element says so with its own `lang`."""
    wrong = []
    for lang, text in page.evaluate(TEXTS_WITH_LANGUAGE):
        if language == "zh" and lang.startswith("zh") and ENGLISH_WORDS.search(text):
            wrong.append(text)
        if language == "en" and lang == "en" and CJK.search(text):
            wrong.append(text)
    return wrong


def fits_a_phone(page) -> bool:
    """At a phone's width the page does not scroll sideways (wide tables scroll inside
    their own region instead)."""
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size(size)
    return fits
