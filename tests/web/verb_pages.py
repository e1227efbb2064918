"""Which page performs each state-changing API verb (issue 19): every verb an officer, host,
association or merchant may call has a page that calls the same service, or is named
here as API-only with the reason. `test_verb_pages.py` reads this table.

A value is the page endpoints that perform the verb (one per kind of user where they
differ, e.g. the merchant signs its commitment in the portal, an officer records a paper
one in the console), or `ApiOnly(reason)`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ApiOnly:
    reason: str


PAGES: dict[str, tuple[str, ...] | ApiOnly] = {
    "POST /api/v1/readings": ApiOnly("a fair scale posts its re-weighs; no person types them"),
    "POST /api/v1/inspections": ("console.new_inspection",),
    "POST /api/v1/inspections/{inspection_id}/penalty-change": ("console.change_penalty",),
    "POST /api/v1/complaints": ("console.new_complaint",),
    "POST /api/v1/complaints/{complaint_id}/transitions": ("console.move_complaint",),
    "POST /api/v1/imports": ("console.imports",),
    "POST /api/v1/notices": ("console.new_notice",),
    "POST /api/v1/notices/{notice_id}/approve": ("console.approve_notice",),
    "POST /api/v1/notices/{notice_id}/publish": ("console.publish_notice",),
    "POST /api/v1/notices/{notice_id}/withdraw": ("console.withdraw_notice",),
    "PUT /api/v1/calendar/{day}": ("console.holiday_calendar",),
    "DELETE /api/v1/calendar/{day}": ("console.holiday_calendar",),
    "POST /api/v1/objections": ("portal.file_objection",),
    "POST /api/v1/replies": ("portal.submit_reply",),
    # -- helpers add their rows below, each in its own section --------------------------
    # -- verification --
    "POST /api/v1/instruments": ("verification.new_instrument",),
    "POST /api/v1/merchants/{uscc}/instruments": ("verification.new_instrument",),
    "POST /api/v1/instruments/{instrument_id}/verifications": ("verification.record_verification",),
}
