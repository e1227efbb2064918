"""Browser tests of issue 18, items 4-5: the public finds an exposure entry on the business
page and follows it to the PDF; the address a placard's QR code holds (decoded from the
rendered placard with zbarimg) opens the business page."""

from __future__ import annotations

import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot


def test_the_public_finds_the_exposure_entry_on_the_business_page_and_opens_its_pdf(
    page, small_city
):
    exposure = small_city["documents"]["exposure"]
    page.goto("/merchants?q=赵记")
    page.get_by_role("link", name="赵记粮油").click()
    page.wait_for_url("**/merchants/*")
    notices = page.get_by_role("region", name="列有该经营者的公示文件")
    expect(notices).to_contain_text(exposure["serial"])
    expect(page.locator("main")).to_contain_text("最近一次检查")
    screenshot(page, "public-business-exposed")
    notices.get_by_role("link", name="PDF").click()
    page.wait_for_url(f"**/documents/{exposure['serial']}/pdf")
    served = page.context.request.get(page.url)
    assert served.status == 200 and served.headers["content-type"] == "application/pdf"
    assert served.body().startswith(b"%PDF-")


def qr_codes_of(pdf: bytes, folder: Path) -> list[str]:
    """Every QR code on the PDF's first page, as zbarimg reads it from a 200 dpi image."""
    (folder / "placard.pdf").write_bytes(pdf)
    subprocess.run(  # noqa: S603 (poppler on the test's own file)
        ["/usr/bin/pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", "placard.pdf", "page"],
        cwd=folder,
        check=True,
    )
    image = next(folder.glob("page*.png"))
    read = subprocess.run(  # noqa: S603 (zbar on the test's own image)
        ["/usr/bin/zbarimg", "--quiet", "--raw", str(image)],
        capture_output=True,
        text=True,
        check=True,
    )
    return read.stdout.split()


def test_the_placards_qr_target_opens_the_business_page(page, small_city, tmp_path):
    placard, honest = small_city["documents"]["placard"], small_city["honest"]
    pdf = page.context.request.get(f"/api/public/v1/documents/{placard['serial']}/pdf").body()
    targets = [urlsplit(code) for code in qr_codes_of(pdf, tmp_path)]
    business = [t for t in targets if t.path.startswith("/merchants/")]
    assert [t.path for t in business] == [f"/merchants/{honest['uscc']}"]
    # The QR holds the configured public address; its path is opened on the served one.
    page.goto(business[0].path)
    expect(page.locator("h1")).to_have_text(honest["name"])
    expect(page.locator("main")).to_contain_text(honest["uscc"])
