"""The console's import form says why a file is refused before any work (issue 17)."""

from creditsvc.extensions import db
from creditsvc.models import Complaint, JobRun
from tests.api.test_imports import complaints_csv
from tests.web.test_web_console import officer, text_of, upload


def test_a_file_too_large_to_import_without_a_worker_is_refused_with_the_reason(world, app):
    merchant = world.merchant()
    client = officer(world, app)
    app.config["INLINE_IMPORT_MAX_ROWS"] = 5
    page = upload(client, "complaints", complaints_csv(merchant, ["12345"] * 6).encode())
    assert page.status_code == 413
    text = text_of(page)
    assert "该文件无法导入" in text and "run a worker (rq" in text
    assert db.session.query(JobRun).count() == 0 and db.session.query(Complaint).count() == 0
