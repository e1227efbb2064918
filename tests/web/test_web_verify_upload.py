"""`/verify` by upload (issue 18, item 10): a forwarded PDF is checked for the bureau's
signature, for being the file as issued, and for its document's status; one changed byte
anywhere is altered, a PDF that is not the bureau's says so, garbage says so, never a 500."""

from __future__ import annotations

import hashlib
import io
import random
import re
from datetime import UTC, datetime

import pytest

from creditsvc.extensions import db
from creditsvc.models import Notice
from notices.render import html_to_pdf
from notices.signing import SigningKey, demo_key, sign_pdf
from tests.documents import KINDS, pdf_of, public_pdf, publish_every_kind
from tests.factories import csrf_token

AUTHENTIC = "本局签发的原件，未被改动"
ALTERED = "已被改动"
FOREIGN = "不是本局签发的文件"
NOT_A_PDF = "不是PDF文件"


@pytest.fixture
def documents(world) -> dict[str, tuple[dict, bytes]]:
    anonymous = world.anonymous()
    published = publish_every_kind(world)
    return {k: (d, pdf_of(anonymous, public_pdf(d)).data) for k, d in published.items()}


def upload(client, data: bytes | None, token: str | None = None, name: str = "转发.pdf"):
    form = {"csrf_token": token if token is not None else csrf_token(client, "/verify")}
    if data is not None:
        form["file"] = (io.BytesIO(data), name)
    return client.post("/verify", data=form, content_type="multipart/form-data")


def answer(response, status: int = 200) -> str:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    page = response.get_data(as_text=True)
    found = re.search(r'<section class="verify-result".*?</section>', page, re.S)
    return found.group(0) if found else page


def test_every_kind_as_issued_is_the_bureau_s_unchanged_and_in_force(client, documents):
    assert set(documents) == set(KINDS)
    for kind, (notice, pdf) in documents.items():
        shown = answer(upload(client, pdf))
        assert AUTHENTIC in shown and "但已不再有效" not in shown, kind
        assert "是：电子签名经本局证书" in shown and "上海市市场监督管理局（演示证书）" in shown
        assert "是：其SHA-256摘要与本局存档的文件一致" in shown
        assert f'href="/verify/{notice["serial"]}"' in shown and "有效" in shown


def test_one_changed_byte_anywhere_is_reported_altered(client, documents):
    """In the signed content, in the signature, in the unused space reserved for it (which
    the signature does not cover), in the file's last cross-reference table."""
    notice, pdf = documents["exposure"]
    contents = pdf.rindex(b"/Contents <") + len(b"/Contents <")
    positions = [0, 3, len(pdf) // 2, contents + 100, pdf.index(b">", contents) - 10]
    positions += [pdf.rindex(b"/ByteRange") + 3, len(pdf) - 30]
    positions += random.Random(18).sample(range(len(pdf)), 12)
    for position in positions:
        altered = bytearray(pdf)
        altered[position] = (altered[position] + 1) % 256
        shown = answer(upload(client, bytes(altered)))
        assert ALTERED in shown and AUTHENTIC not in shown, position
    padding = bytearray(pdf)
    padding[pdf.index(b">", contents) - 10] ^= 0x01
    shown = answer(upload(client, bytes(padding)))
    assert ALTERED in shown and "否：与本局存档的任何文件均不一致" in shown
    assert f'href="/verify/{notice["serial"]}"' in shown  # the document it names


def test_a_withdrawn_document_is_the_bureau_s_but_no_longer_in_force(world, client, documents):
    notice, pdf = documents["honor_roll"]
    world.district().post(f"/api/v1/notices/{notice['id']}/withdraw", json={"reason": "重复发布"})
    shown = answer(upload(client, pdf))
    assert AUTHENTIC in shown and "但已不再有效" in shown and "已撤回" in shown


def test_documents_signed_before_a_new_certificate_or_before_signing_are_the_bureau_s(
    app, client, documents, tmp_path
):
    """A new certificate does not disown what the earlier one signed: the file is still the
    one the bureau stored. Nor does a document published before documents were signed."""
    notice, pdf = documents["placard"]
    key, certificate = demo_key("上海市市场监督管理局", datetime.now(UTC))
    (tmp_path / "new-key.pem").write_bytes(key)
    (tmp_path / "new-cert.pem").write_bytes(certificate)
    app.config.update(
        SIGNING_KEY_FILE=str(tmp_path / "new-key.pem"),
        SIGNING_CERT_FILE=str(tmp_path / "new-cert.pem"),
    )
    shown = answer(upload(client, pdf))
    assert AUTHENTIC in shown and "以本局此前的证书" in shown

    unsigned = html_to_pdf("<p>诚信计量公示牌</p>", base_url="https://example.org")
    db.session.get(Notice, notice["id"]).sha256 = hashlib.sha256(unsigned).hexdigest()
    db.session.commit()
    shown = answer(upload(client, unsigned))
    assert AUTHENTIC in shown and "在启用电子签名之前发布" in shown


def test_a_pdf_that_is_not_the_bureau_s_says_so(client, documents):
    unsigned = html_to_pdf("<p>诚信计量光荣榜</p>", base_url="https://example.org")
    shown = answer(upload(client, unsigned))
    assert FOREIGN in shown and "否：文件没有电子签名" in shown
    key, certificate = demo_key("某某认证中心", datetime.now(UTC))
    stranger = sign_pdf(unsigned, SigningKey(key, certificate))
    shown = answer(upload(client, stranger))
    assert FOREIGN in shown and "否：签名者为" in shown and "某某认证中心（演示证书）" in shown


@pytest.mark.parametrize("garbage", [b"GIF89a", b"%PDF-1.7\n%%EOF", bytes(range(256)) * 8])
def test_garbage_says_so(client, garbage):
    shown = answer(upload(client, garbage, name="x.pdf"), 422)
    assert NOT_A_PDF in shown


def test_no_file_too_large_and_no_csrf_token_are_refused(app, client, documents):
    page = answer(upload(client, None), 422)
    assert "请选择要核验的PDF文件" in page and 'aria-invalid="true"' in page
    app.config["VERIFY_UPLOAD_MAX_BYTES"] = 1024 * 1024
    pdf = documents["placard"][1] + b"\n" * (1024 * 1024)
    assert "文件超过 1 MB" in answer(upload(client, pdf), 413)
    assert upload(client, documents["placard"][1], token="").status_code == 400


def test_the_answer_is_in_english_on_request(client, documents):
    client.get("/lang/en")
    shown = answer(upload(client, documents["placard"][1]))
    assert "Issued by the bureau and unchanged" in shown
    assert "Yes: its SHA-256 digest matches the document the bureau stored." in shown
    assert "Not a PDF" in answer(upload(client, b"garbage"), 422)
