"""A member of the public, in a real browser, checks a PDF someone forwarded: uploads it at
/verify (no JavaScript needed) and reads, in Chinese and in English, that it is the
bureau's, unchanged and in force; the same file with one byte changed reads as altered."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, use_language
from tests.e2e.test_public_site import fits_a_phone, untranslated

VERDICTS = {
    "zh": ("本局签发的原件，未被改动", "已被改动"),
    "en": ("Issued by the bureau and unchanged", "Altered"),
}


def test_a_forwarded_pdf_is_checked_by_upload_in_both_languages(page, small_city, tmp_path):
    roll = small_city["documents"]["honor_roll"]
    served = page.context.request.get(f"/api/public/v1/documents/{roll['serial']}/pdf").body()
    forwarded, altered = tmp_path / "光荣榜.pdf", tmp_path / "光荣榜-改.pdf"
    forwarded.write_bytes(served)
    changed = bytearray(served)
    changed[len(served) // 2] ^= 0x01
    altered.write_bytes(bytes(changed))

    for language, (authentic, tampered) in VERDICTS.items():
        use_language(page, language)
        for file, verdict in ((forwarded, authentic), (altered, tampered)):
            page.goto("/verify")
            page.get_by_label(re.compile("^(PDF文件|PDF file)$")).set_input_files(file)
            page.get_by_role("button", name=re.compile("^(核验文件|Check the file)$")).click()
            result = page.locator(".verify-result")
            expect(result).to_contain_text(verdict)
            expect(result).to_contain_text(roll["serial"])
            assert untranslated(page, language) == []
            assert fits_a_phone(page)
        screenshot(page, f"{language}-verify-upload")
