"""The words for the service's codes, in Chinese and in English, kept here and nowhere else.

Pages show the word of their language (`creditsvc.web.labels`), documents and the open-data
exports the Chinese (`services.publication`), and the import sheets accept the Chinese in
place of a code (`creditsvc.imports.sheets`). Each table lists its codes in the order of
the model's own tuple of codes, which is also the order choices are offered in.

Words kept elsewhere, on purpose:
- grade names belong to the scoring policy a grade was computed under (`scoring.policy`);
- violation names, with the articles they cite, to the violation catalogue
  (`creditsvc/data/violation_catalogue.csv`, read by `creditsvc.catalogue`);
- a document's own wording (its title, 未评级 on a placard, the statuses a demonstration
  listing prints) to `notices/`, which imports nothing of the service.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Words:
    """A code's Chinese and English words; `sheet` is the word an import sheet takes for
    it, where that is not the Chinese word."""

    zh: str
    en: str
    sheet: str = ""

    @property
    def in_sheets(self) -> str:
        return self.sheet or self.zh


def chinese(words: Mapping[str, Words], code: str) -> str:
    """The Chinese word for `code`, or the code itself when it has none."""
    found = words.get(code)
    return found.zh if found else code


def sheet_choices(codes: Iterable[str], words: Mapping[str, Words]) -> dict[str, str]:
    """The word an import sheet takes for each code → the code, in the codes' order."""
    return {words[code].in_sheets: code for code in codes}


# The registry ---------------------------------------------------------------------------

TRADE_WORDS = {
    "market_stall": Words("集贸市场摊位", "Market stall"),
    "supermarket": Words("超市", "Supermarket"),
    "restaurant": Words("餐饮", "Restaurant"),
    "fuel_station": Words("加油站", "Fuel station"),
    "optical_shop": Words("眼镜店", "Optical shop"),
    "pharmacy_hospital": Words("药店医院", "Pharmacy or hospital"),
    "other": Words("其他", "Other"),
}

# Evidence -------------------------------------------------------------------------------

INSPECTION_KIND_WORDS = {
    "routine": Words("日常检查", "Routine"),
    "random": Words("双随机抽查", "Random (double-random)"),
    "complaint": Words("投诉核查", "Complaint-driven"),
    "campaign": Words("专项检查", "Special campaign"),
}
SEVERITY_WORDS = {
    "minor": Words("轻微", "Minor"),
    "major": Words("较重", "Major"),
    "serious": Words("严重", "Serious"),
}
PROCEDURE_WORDS = {
    "ordinary": Words("普通程序", "Ordinary procedure"),
    "simplified": Words("简易程序", "Simplified procedure"),
}
# A later decision on a penalty decision (行政处罚信息公示规定 第十一条).
# Units a net-content lot may be declared in (scoring.netcontent.UNITS, rules.md §2).
NET_CONTENT_UNIT_WORDS = {
    "g": Words("克 (g)", "g", sheet="克"),
    "kg": Words("千克 (kg)", "kg", sheet="千克"),
    "mL": Words("毫升 (mL)", "mL", sheet="毫升"),
    "L": Words("升 (L)", "L", sheet="升"),
    "m": Words("米 (m)", "m", sheet="米"),
    "m2": Words("平方米 (m²)", "m²", sheet="平方米"),
    "pcs": Words("个/件 (计数)", "pieces (count)", sheet="个"),
}
PENALTY_CHANGE_WORDS = {
    "revoked": Words("撤销", "Revoked"),
    "changed": Words("变更", "Changed"),
}
# Two Chinese words for each hotline: pages say 12345热线, an import sheet takes the
# bare number (and lists it among the accepted words).
CHANNEL_WORDS = {
    "12345": Words("12345热线", "12345 hotline", sheet="12345"),
    "12315": Words("12315热线", "12315 hotline", sheet="12315"),
    "fair_scale": Words("公平秤一键投诉", "Fair-scale one-key complaint"),
    "walk_in": Words("现场投诉", "Walk-in"),
    "other": Words("其他", "Other"),
}
COMPLAINT_STATUS_WORDS = {
    "received": Words("已受理", "Received"),
    "verifying": Words("核查中", "Verifying"),
    "substantiated": Words("查实", "Substantiated"),
    "unfounded": Words("不属实", "Unfounded"),
    "withdrawn": Words("已撤回", "Withdrawn"),
}
# What a reason or an objection is about: a piece of evidence, a reason's own kinds
# (re-weighs, a grade cap) and a published entry.
EVIDENCE_KIND_WORDS = {
    "inspection": Words("检查", "Inspection"),
    "complaint": Words("投诉", "Complaint"),
    "readings": Words("公平秤复称", "Fair-scale re-weighs"),
    "grade": Words("等级上限", "Grade cap"),
    "reading": Words("公平秤复称记录", "Fair-scale reading"),
    "notice_entry": Words("公示条目", "Published entry"),
}

# Publication ----------------------------------------------------------------------------

NOTICE_KIND_WORDS = {
    "exposure": Words("曝光通报", "Exposure notice"),
    "honor_roll": Words("光荣榜", "Honor roll"),
    "demonstration": Words("示范创建名单", "Demonstration listing"),
    "placard": Words("诚信计量公示牌", "Merchant placard"),
}
# A notice's status as officers follow it through its lifecycle...
NOTICE_STATUS_WORDS = {
    "draft": Words("草稿", "Draft"),
    "approved": Words("已审核", "Approved"),
    "published": Words("已发布", "Published"),
    "expired": Words("已到期", "Expired"),
    "withdrawn": Words("已撤回", "Withdrawn"),
    "superseded": Words("已被更正版本取代", "Superseded"),
    "lapsed": Words("已失效", "No longer valid"),
}
# ...and as the public reads a published document: whether it is in force.
DOCUMENT_STATUS_WORDS = {
    "published": Words("有效", "In force"),
    "expired": Words("已到期", "Expired"),
    "withdrawn": Words("已撤回", "Withdrawn"),
    "superseded": Words("已更正", "Corrected"),
    "lapsed": Words("已失效", "No longer valid"),
}
ENTRY_STATUS_WORDS = {
    "active": Words("公示中", "Currently published"),
    "expired": Words("公示期满", "Publication period over"),
    "withdrawn": Words("已撤下", "Taken down"),
}

# Objections, replies and the programme --------------------------------------------------

OBJECTION_STATUS_WORDS = {
    "disputed": Words("有异议，待处理", "Disputed, awaiting decision"),
    "upheld": Words("异议成立", "Upheld"),
    "rejected": Words("异议不成立", "Rejected"),
}
REPLY_STATUS_WORDS = {
    "pending": Words("待审核", "Awaiting moderation"),
    "approved": Words("已随公开信息展示", "Shown with your public record"),
    "rejected": Words("未通过审核", "Not approved"),
}
# Only the statuses a community is shown in public with.
COMMUNITY_STATUS_WORDS = {
    "accepted": Words("已验收命名", "Accepted"),
    "re_evaluated": Words("复评保留", "Re-evaluated"),
}

# Imports and jobs -----------------------------------------------------------------------

IMPORT_KIND_WORDS = {
    "merchants": Words("商户", "Merchants"),
    "inspections": Words("检查记录", "Inspections"),
    "complaints": Words("投诉", "Complaints"),
}
JOB_STATUS_WORDS = {
    "queued": Words("排队中", "Queued"),
    "running": Words("运行中", "Running"),
    "done": Words("已完成", "Done"),
    "failed": Words("失败", "Failed"),
}
