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
    # -- registry --
    # Hosts call the markets/stalls/devices/merchants verbs too: helper `roles` adds its
    # /host pages (host.edit_market, host.new_stall, host.assign_stall, host.new_device,
    # host.edit_device, host.issue_token, host.new_merchant, host.merchant) to these rows.
    "POST /api/v1/streets": ("console.add_street",),
    "POST /api/v1/markets": ("console.add_market",),
    "PATCH /api/v1/markets/{market_id}": ("console.edit_market",),
    "POST /api/v1/stalls": ("console.add_stall",),
    "PATCH /api/v1/stalls/{stall_id}": ("console.assign_stall",),
    "POST /api/v1/merchants": ("console.new_merchant",),
    "PATCH /api/v1/merchants/{uscc}": ("console.edit_merchant",),
    "POST /api/v1/devices": ("console.add_device",),
    "PATCH /api/v1/devices/{serial}": ("console.edit_device",),
    "POST /api/v1/devices/{serial}/tokens": ("console.issue_device_token",),
    "POST /api/v1/tokens": ("account.tokens",),
    "POST /api/v1/tokens/{token_id}/revoke": ("console.revoke_token", "account.revoke_own_token"),
    "POST /api/v1/policies": ("console.adopt_policy",),
}
