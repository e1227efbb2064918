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
    # -- programme --
    "POST /api/v1/inspection-plans": ("console.new_plan",),
    "POST /api/v1/inspection-plans/{plan_id}/publish": ("console.publish_plan",),
    "POST /api/v1/officer-conflicts": ("console.conflicts",),
    "POST /api/v1/risk/models": ("console.train_model",),
    "POST /api/v1/communities": ("console.new_community",),
    "PUT /api/v1/communities/{community_id}/units": ("console.community_units",),
    "POST /api/v1/communities/{community_id}/review": ("console.review_community",),
    "POST /api/v1/communities/{community_id}/draws": ("console.draw_community",),
    "POST /api/v1/communities/{community_id}/accept": ("console.accept_community",),
    "POST /api/v1/demonstration-units/{unit_id}/assess": ("console.assess_unit",),
    "POST /api/v1/demonstration-units/{unit_id}/revoke": ("console.revoke_unit",),
    "POST /api/v1/demonstration-units/{unit_id}/reinstate": ("console.reinstate_unit",),
    "POST /api/v1/commitments": ("console.new_commitment", "portal.sign_commitment"),
    # -- roles --
    "POST /api/v1/demonstration-units": ("association.nominate", "portal.apply_demonstration"),
    "POST /api/v1/commitments/{commitment_id}/withdraw": (
        "console.withdraw_commitment",
        "portal.withdraw_commitment",
    ),
    "POST /api/v1/repairs": ("portal.apply_repair",),
    "POST /api/v1/notifications/{notification_id}/read": ("account.mark_notification_read",),
    # -- host (roles) --
    "POST /api/v1/devices": ("host.new_device",),
    "PATCH /api/v1/devices/{serial}": ("host.edit_device",),
    "POST /api/v1/devices/{serial}/tokens": ("host.issue_token",),
    "POST /api/v1/tokens/{token_id}/revoke": ("host.revoke_token",),
    "POST /api/v1/stalls": ("host.new_stall",),
    "PATCH /api/v1/stalls/{stall_id}": ("host.assign_stall",),
    "PATCH /api/v1/markets/{market_id}": ("host.edit_market",),
    "POST /api/v1/merchants": ("host.new_merchant",),
    "PATCH /api/v1/merchants/{uscc}": ("host.merchant",),
}
