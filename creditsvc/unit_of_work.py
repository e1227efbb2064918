"""One unit of work per request or job: the edge commits once, or rolls back in one place.

As in indico's `RH.process`, views and the services they call only flush. When a view
returns, `finish` commits if the answer is a success (status below 400) and rolls back
otherwise; when it raises, `abandon` rolls back before the error is answered. Work that
must see the committed data, such as a job that reads it, is registered with
`after_commit` and runs once the commit has succeeded, never after a rollback.

Nothing answers an error after its commit (issue 17): the change is stored, so an action
that fails afterwards is logged and the success is answered. What it would have done is
not lost: a rescore is caught up by the outbox's sweep, a mail by the next mailing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

from creditsvc.extensions import db

log = logging.getLogger(__name__)

PENDING = "creditsvc.after_commit"
DISCARD = "creditsvc.discard"
WROTE = "creditsvc.wrote"


def after_commit(action: Callable[[], object]) -> None:
    """Run `action` after this unit of work commits; forget it if it rolls back."""
    pending = db.session.info.setdefault(PENDING, [])
    if action not in pending:  # a burst of evidence needs one rescore, one mailing
        pending.append(action)


def discard() -> None:
    """Keep nothing of this request although its answer is not an error status: a form
    refused by a service answers with a redirect to the page that says why."""
    db.session.info[DISCARD] = True


def load_as_stored() -> None:
    """Before an answer is built from what this unit of work wrote: flush, and let the
    answer read the rows back as the database holds them (its scale of a decimal, its
    defaults), as it would after the commit."""
    session = db.session()
    session.flush()
    if session.info.get(WROTE):
        session.expire_all()


def commit() -> None:
    """Commit, then run what waited for the commit (in the order it was registered); an
    action that fails is logged and rolled back, and the others still run."""
    session = db.session()
    session.info.pop(DISCARD, None)
    # A request that read nothing from the database, or whose work is already committed
    # (the API commits before the app's edge does), has no transaction: SQLAlchemy would
    # begin one only to commit it, on every stored public lookup. Adding an object begins
    # one, as a read does.
    if session.in_transaction():
        session.commit()
    for action in session.info.pop(PENDING, []):
        try:
            action()
        except Exception:
            session.rollback()  # what the action left half done; the commit above stands
            log.exception("after the commit, %s failed; the change is kept", _name(action))


def _name(action: Callable[[], object]) -> str:
    return getattr(action, "__qualname__", None) or repr(action)


def rollback() -> None:
    session = db.session()
    session.info.pop(DISCARD, None)
    session.rollback()  # the rollback event forgets the pending actions


def finish(status: int) -> None:
    """The edge of a request whose view returned: commit a success, roll back a refusal."""
    info = db.session.info
    if status < 400 and not info.get(DISCARD):
        commit()
    else:
        rollback()


def abandon() -> None:
    """The edge of a request whose view raised: nothing it did is kept."""
    rollback()


@event.listens_for(Session, "after_soft_rollback")
def _forget_pending(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # a savepoint's rollback keeps the rest
        session.info.pop(PENDING, None)
        session.info.pop(WROTE, None)


@event.listens_for(Session, "after_flush")
def _note_write(session: Session, _context) -> None:
    session.info[WROTE] = True


@event.listens_for(Session, "after_commit")
def _forget_write(session: Session) -> None:
    session.info.pop(WROTE, None)
