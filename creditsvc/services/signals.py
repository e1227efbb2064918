"""What one domain announces and others react to (blinker, as indico's `core.signals`).

A service sends a signal after it has made its own change; the receivers, wired once in
`creditsvc.services.reactions`, make theirs in the same transaction. No service imports
another domain's verbs to react to it.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

evidence_voided = _signals.signal(
    "evidence-voided",
    doc="""A record was voided. Sender: its kind (`inspection`, `complaint`, `reading`);
    keyword arguments: `principal`, `evidence_id`, `merchant_id`, `reason`.""",
)

objection_upheld = _signals.signal(
    "objection-upheld",
    doc="""An objection was upheld. Sender: the objection; keyword arguments: `principal`,
    `entries` (the notice entries that rest on the disputed record) and `reason`.""",
)

repair_approved = _signals.signal(
    "repair-approved",
    doc="""A credit-repair application was approved. Sender: the application; keyword
    arguments: `principal`, `entries` and `reason`.""",
)

grades_changed = _signals.signal(
    "grades-changed",
    doc="""A rescore changed the grade of some merchants (a grade gained or lost counts),
    sent after their new standing was written. Sender: None; keyword arguments:
    `merchant_ids` and `as_of` (the day the grades were computed).""",
)

public_record_changed = _signals.signal(
    "public-record-changed",
    doc="""Something a business's public record or page shows changed (its standing, a
    notice or objection about it, its reply, its registry entry, its demonstration
    status). Sender: what changed (a word); keyword argument: `merchant_ids`.""",
)

penalty_changed = _signals.signal(
    "penalty-changed",
    doc="""A penalty decision was revoked or changed (撤销/变更). Sender: the PenaltyChange;
    keyword arguments: `principal`, `penalty_id` and `reason`.""",
)

correction_approved = _signals.signal(
    "correction-approved",
    doc="""A corrected version of a notice was approved to take entries off publication, and
    its render job's status row opened. Sender: the notice; keyword arguments: `run_id`
    and `actor`. The render job is to start once the transaction commits.""",
)

notified = _signals.signal(
    "notified",
    doc="""People were sent notifications in this transaction. Sender: None.""",
)

inspection_recorded = _signals.signal(
    "inspection-recorded",
    doc="""Inspections were recorded (one, or a spreadsheet's). Sender: None; keyword
    arguments: `actor` and `inspections`, a list of (inspection id, merchant id, day).""",
)

device_due_changed = _signals.signal(
    "device-due-changed",
    doc="""A fair scale's verification due date was set on the device itself. Sender: the
    Device; keyword argument: `principal`.""",
)
