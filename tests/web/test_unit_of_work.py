"""The request's edge (creditsvc.unit_of_work): it commits what was done, and begins no
transaction only to commit it when nothing was."""

from __future__ import annotations

from sqlalchemy import event, func, select

from creditsvc import unit_of_work
from creditsvc.extensions import db
from creditsvc.models import Street


def test_an_object_added_but_not_flushed_is_committed(app):
    with app.test_request_context():
        db.session.add(Street(district_code="310104", name="边缘提交街道"))
        unit_of_work.commit()
        db.session.remove()
        found = select(func.count()).select_from(Street).where(Street.name == "边缘提交街道")
        assert db.session.scalar(found) == 1


def test_a_request_that_did_nothing_commits_nothing(app):
    with app.test_request_context():
        session = db.session()
        commits: list[object] = []
        event.listen(session, "after_commit", commits.append)
        unit_of_work.commit()
        assert commits == []
        session.scalar(select(func.count()).select_from(Street))  # a read begins one
        unit_of_work.commit()
        assert len(commits) == 1
