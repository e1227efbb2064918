"""Where each domain's reactions are wired to the signals other domains send
(`creditsvc.services.signals`): read this file to see who reacts to what."""

from __future__ import annotations

from creditsvc.jobs import public_answers, reminders, render
from creditsvc.services import signals
from creditsvc.services.evidence import last_inspection, reading_days
from creditsvc.services.instruments import alerts
from creditsvc.services.instruments import operations as instruments
from creditsvc.services.programme import demonstration_units
from creditsvc.services.publication import placards, withdrawal

_connected = False


def connect() -> None:
    """Connect every reaction, once per process (create_app calls it)."""
    global _connected
    if _connected:
        return
    signals.evidence_voided.connect(demonstration_units.on_evidence_voided, weak=False)
    signals.evidence_voided.connect(withdrawal.on_evidence_voided, weak=False)
    signals.penalty_changed.connect(withdrawal.on_penalty_changed, weak=False)
    signals.objection_upheld.connect(withdrawal.on_discredited, weak=False)
    signals.repair_approved.connect(withdrawal.on_discredited, weak=False)
    signals.correction_approved.connect(render.render_after_commit, weak=False)
    signals.grades_changed.connect(placards.on_grades_changed, weak=False)
    signals.notified.connect(reminders.mail_after_commit, weak=False)
    signals.inspection_recorded.connect(alerts.on_inspection_recorded, weak=False)
    signals.inspection_recorded.connect(last_inspection.on_inspection_recorded, weak=False)
    signals.evidence_voided.connect(last_inspection.on_evidence_voided, weak=False)
    signals.device_due_changed.connect(instruments.on_device_due_changed, weak=False)
    reading_days.connect()  # ORM inserts of readings and voids, not a signal
    signals.public_record_changed.connect(public_answers.refresh_after_commit, weak=False)
    _connected = True
