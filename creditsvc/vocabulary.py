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

# Accounts: the role an account holds (models.account.ROLES).
ROLE_WORDS = {
    "city": Words("市局官员", "City officer"),
    "district": Words("区局官员", "District officer"),
    "host": Words("市场主办者", "Market host"),
    "merchant": Words("经营者", "Merchant"),
    "association": Words("行业协会", "Industry association"),
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
    "reading_batch": Words("同一天的公平秤复称记录", "A day's fair-scale readings"),
}

# Publication ----------------------------------------------------------------------------

NOTICE_KIND_WORDS = {
    "exposure": Words("曝光通报", "Exposure notice"),
    "honor_roll": Words("光荣榜", "Honor roll"),
    "demonstration": Words("示范创建名单", "Demonstration listing"),
    "placard": Words("诚信计量公示牌", "Merchant placard"),
}
# The public listing's orders (schemas.standing.LISTING_SORTS).
LISTING_SORT_WORDS = {
    "name": Words("按名称", "By name"),
    "grade": Words("按等级（A 在前）", "By grade (A first)"),
    "inspected": Words("按最近检查", "By latest inspection"),
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
    "verifications": Words("计量器具检定记录", "Instrument verifications"),
}
JOB_STATUS_WORDS = {
    "queued": Words("排队中", "Queued"),
    "running": Words("运行中", "Running"),
    "done": Words("已完成", "Done"),
    "failed": Words("失败", "Failed"),
}

# The audit log -------------------------------------------------------------------------

# Who acted: the part of an audit actor before the colon ("user:xuhui", "device:FS-001").
AUDIT_ACTOR_WORDS = {
    "user": Words("用户", "User"),
    "device": Words("公平秤", "Fair scale"),
    "system": Words("系统", "System"),
    "job": Words("后台任务", "Background job"),
    "cli": Words("命令行", "Command line"),
    "public": Words("系统（无账号）", "System (no account)"),
}

AUDIT_ACTION_WORDS = {
    "create": Words("新建", "Created"),
    "update": Words("修改", "Changed"),
    "delete": Words("删除", "Deleted"),
    "withdraw": Words("撤回", "Withdrawn"),
    "publish": Words("发布", "Published"),
    "file": Words("提出", "Filed"),
    "decide": Words("决定", "Decided"),
    "approve": Words("批准", "Approved"),
    "revoke": Words("撤销", "Revoked"),
    "remind": Words("提醒", "Reminded"),
    "expire": Words("到期", "Expired"),
    "correct": Words("更正", "Corrected"),
    "transition": Words("状态变更", "Status changed"),
    "suspend": Words("暂停", "Suspended"),
    "supersede": Words("被新版本取代", "Superseded"),
    "submit": Words("提交", "Submitted"),
    "sign": Words("签署", "Signed"),
    "set_units": Words("确定参与单位", "Units named"),
    "review": Words("审核", "Reviewed"),
    "render_failed": Words("生成文件失败", "Rendering failed"),
    "reinstate": Words("恢复", "Reinstated"),
    "moderate": Words("审核回复", "Moderated"),
    "lapse": Words("失效", "Lapsed"),
    "draw": Words("随机抽取", "Drawn"),
    "assess": Words("评定", "Assessed"),
    "change_password": Words("修改密码", "Password changed"),
    "void": Words("作废", "Voided"),
    "inspections": Words("检查", "Inspections"),
    # A month of fair-scale readings past retention, moved to its archive file and back.
    "archive": Words("归档", "Archived"),
    "restore": Words("从归档恢复", "Restored from the archive"),
}

# Audited records, by table name.
AUDIT_ENTITY_WORDS = {
    "calendar_days": Words("节假日安排", "Holiday calendar day"),
    "calendar_years": Words("节假日年度", "Holiday calendar year"),
    "markets": Words("市场", "Market"),
    "stalls": Words("摊位", "Stall"),
    "devices": Words("公平秤", "Fair scale"),
    "community_units": Words("示范社区参与单位", "Community unit"),
    "community_draws": Words("示范社区抽查", "Community draw"),
    "demonstration_units": Words("示范单位", "Demonstration unit"),
    "merchants": Words("经营者", "Business"),
    "instruments": Words("计量器具", "Measuring instrument"),
    "users": Words("账号", "Account"),
    "api_tokens": Words("接口令牌", "API token"),
    "scoring_policies": Words("评分规则版本", "Scoring policy version"),
    "streets": Words("街道（镇）", "Street or town"),
    "communities": Words("示范社区", "Demonstration community"),
    "commitments": Words("诚信计量承诺", "Commitment"),
    "objections": Words("异议", "Objection"),
    "merchant_replies": Words("经营者回复", "Business's reply"),
    "inspections": Words("检查", "Inspection"),
    "penalty_decisions": Words("处罚决定", "Penalty decision"),
    "penalty_changes": Words("处罚决定变更", "Penalty change"),
    "repair_applications": Words("信用修复申请", "Credit repair application"),
    "readings": Words("公平秤复称记录", "Fair-scale reading"),
    "notices": Words("公示文件", "Notice"),
    "notice_entries": Words("公示条目", "Published entry"),
    "penalty_publications": Words("处罚信息公示", "Penalty publication"),
    "risk_models": Words("风险模型", "Risk model"),
    "officer_conflicts": Words("回避声明", "Conflict of interest"),
    "inspection_plans": Words("双随机抽查计划", "Random inspection plan"),
    "complaints": Words("投诉", "Complaint"),
    "voids": Words("作废记录", "Voided record"),
}

# The programme and random inspections in the officer console (helper programme) ---------

# Every status of a community, for the officers who move it along.
COMMUNITY_PROGRAMME_STATUS_WORDS = {
    "applying": Words("申请中", "Applying"),
    "reviewed": Words("区局审核通过，待市局验收", "Reviewed, awaiting the city's acceptance"),
    **COMMUNITY_STATUS_WORDS,
    "rejected": Words("未通过", "Rejected"),
    "revoked": Words("已撤销命名", "Designation revoked"),
}
DRAW_KIND_WORDS = {
    "acceptance": Words("验收抽查", "Acceptance"),
    "re_evaluation": Words("复评抽查", "Re-evaluation"),
}

# -- roles: fair-scale readings, demonstration units, credit repair (issue 19) -----------

READING_CATEGORY_WORDS = {
    "grain": Words("粮食", "Grain"),
    "vegetable": Words("蔬菜", "Vegetables"),
    "fruit": Words("水果", "Fruit"),
    "meat": Words("肉类", "Meat"),
    "egg": Words("蛋类", "Eggs"),
    "poultry": Words("禽类", "Poultry"),
    "seafood": Words("水产品", "Seafood"),
    "pastry": Words("糕点", "Pastry"),
    "candy": Words("糖果", "Sweets"),
    "condiment": Words("调味品", "Condiments"),
    "dried_vegetable": Words("干菜", "Dried vegetables"),
    "delicacy": Words("山珍", "Delicacies"),
    "live_poultry": Words("活禽", "Live poultry"),
    "live_fish": Words("活鱼", "Live fish"),
    "water_soaked": Words("水发物", "Water-soaked goods"),
    "gold": Words("金饰品", "Gold ornaments"),
    "silver": Words("银饰品", "Silver ornaments"),
    "other": Words("其他", "Other"),
}
VERDICT_WORDS = {
    "within": Words("合格", "Within tolerance"),
    "short": Words("短缺超差", "Short"),
    "not_assessable": Words("无法判定", "Not assessable"),
}
UNIT_STATUS_WORDS = {
    "pending": Words("待评审", "Awaiting assessment"),
    "designated": Words("已命名", "Designated"),
    "rejected": Words("评审未通过", "Not designated"),
    "suspended": Words("已暂停", "Suspended"),
    "revoked": Words("已撤销", "Revoked"),
}
UNIT_ROUTE_WORDS = {
    "nominated": Words("行业协会推荐", "Nominated by an association"),
    "applied": Words("商户自行申请", "Applied for by the business"),
}
COMMITMENT_CHANNEL_WORDS = {
    "portal": Words("商户在线签署", "Signed in the portal"),
    "officer": Words("纸质承诺书，由执法人员录入", "Paper, recorded by an officer"),
}
PLAN_STATUS_WORDS = {
    "drawn": Words("已抽取", "Drawn"),
    "published": Words("已公开", "Published"),
}
PLAN_OUTCOME_WORDS = {
    "not inspected": Words("未检查", "Not inspected"),
    "clean": Words("未发现问题", "No violations"),
    "violations": Words("发现问题", "Violations found"),
}
RISK_CLASS_WORDS = {
    "A": Words("A类（低风险）", "A (lowest risk)"),
    "B": Words("B类（一般风险）", "B (general risk)"),
    "C": Words("C类（较高风险）", "C (higher risk)"),
    "D": Words("D类（高风险）", "D (highest risk)"),
}
REPAIR_STATUS_WORDS = {
    "pending": Words("待决定", "Awaiting decision"),
    "approved": Words("已通过", "Approved"),
    "refused": Words("未通过", "Refused"),
}
# The conditions of 行政处罚信息公示规定 第十四条, by the codes of scoring.repair.
REPAIR_CONDITION_WORDS = {
    "MIN_PUBLISHED": Words("公示期满", "Published long enough"),
    "OBLIGATIONS": Words("已履行处罚义务", "Penalty obligations fulfilled"),
    "HARM_REMEDIED": Words("已消除危害后果", "Harm remedied"),
    "NO_REPEAT": Words("未再发生同类违法", "No repeat of the violation"),
    "NOT_LISTED": Words("未列入异常名录或失信名单", "Not on the restricted lists"),
}

# The officers' to-do list and appeals (issue 19) ---------------------------------------

PENALTY_PUBLICATION_STATUS_WORDS = {
    "pending": Words("待公示", "To be published"),
    "overdue": Words("已逾期未公示", "Overdue"),
    "published": Words("已公示", "Published"),
}
# What a to-do item is about (services.programme.queue), and the step it waits for.
QUEUE_KIND_WORDS = {
    "objection": Words("异议", "Objection"),
    "repair": Words("信用修复申请", "Credit repair application"),
    "reply": Words("商户回应", "Business's reply"),
    "demonstration_unit": Words("示范单位", "Demonstration unit"),
    "community": Words("示范社区", "Demonstration community"),
    "withdrawal": Words("撤下公示条目", "Entries taken off a notice"),
    "penalty_publication": Words("行政处罚信息公示", "Penalty publication"),
    "notice": Words("公示文书", "Notice"),
    "instrument": Words("计量器具检定逾期", "Instrument past its verification"),
    "fair_scale_alert": Words("公平秤预警", "Fair-scale alert"),
}
QUEUE_STEP_WORDS = {
    "decide": Words("作出决定", "Decide"),
    "moderate": Words("审核", "Moderate"),
    "assess": Words("评估认定", "Assess"),
    "revoke_or_reinstate": Words("撤销或恢复", "Revoke or reinstate"),
    "review": Words("审查申请材料", "Review the application"),
    "draw": Words("抽取验收单位", "Draw the units to check"),
    "re_evaluate": Words("复评", "Re-evaluate"),
    "fix_render": Words("重新生成更正版本", "Render the corrected version again"),
    "publish_correction": Words("发布更正版本", "Publish the corrected version"),
    "publish_nationally": Words(
        "在国家企业信用信息公示系统公示", "Publish on the national credit publicity system"
    ),
    "approve": Words("审核", "Approve"),
    "await_approval": Words("待其他人员审核", "Awaits another officer's approval"),
    "publish": Words("发布", "Publish"),
    "verify": Words("检定或停用", "Verify, or take out of use"),
    "inspect": Words("定向抽查", "Inspect (targeted check)"),
}

# The verification registry (issue 20) --------------------------------------------------

INSTRUMENT_KIND_WORDS = {
    "pricing_scale": Words("计价秤", "Pricing scale"),
    "fuel_dispenser": Words("燃油加油机", "Fuel dispenser"),
    "focimeter": Words("焦度计", "Focimeter"),
    "refractometer": Words("验光仪", "Refractometer"),
    "fair_scale": Words("公平秤", "Fair scale"),
    "lensmeter": Words("镜片焦度计", "Lensmeter"),
    "taximeter": Words("出租车计价器", "Taximeter"),
    "water_meter": Words("水表", "Water meter"),
    "gas_meter": Words("燃气表", "Gas meter"),
    "electricity_meter": Words("电能表", "Electricity meter"),
    "other": Words("其他", "Other"),
}
VERIFICATION_RESULT_WORDS = {
    "passed": Words("合格", "Passed"),
    "failed": Words("不合格", "Failed"),
}
READING_REASON_WORDS = {
    "scale_verification_lapsed": Words("公平秤检定已过期", "Scale's verification lapsed"),
    "scale_unverified": Words("公平秤无检定记录", "Scale has no verification on record"),
}
INSTRUMENT_DUE_WORDS = {
    "overdue": Words("已逾期", "Overdue"),
    "due_soon": Words("30天内到期", "Due within 30 days"),
}

# Open data (issue 22) --------------------------------------------------------------------
# Each dataset of the open-data catalogue: its name, and what it holds. The catalogue page
# and its DCAT JSON-LD both read these (services.publication.open_data).
OPEN_DATASET_WORDS = {
    "merchants": Words("经营者及诚信计量等级", "Businesses and their grades"),
    "documents": Words("公告文书", "Published documents"),
    "honor_roll": Words("光荣榜", "Honor rolls"),
    "demonstrations": Words("示范社（街）区", "Demonstration communities"),
    "demonstration_units": Words("诚信计量示范单位", "Demonstration units"),
    "inspection_plans": Words("双随机抽查计划及结果", "Random inspection plans and outcomes"),
}
OPEN_DATASET_DESCRIPTIONS = {
    "merchants": Words(
        "每个经营者的名称、统一社会信用代码、行业、所在区和街镇、市场及摊位，以及现行诚信计量等级和评级日期。",
        "Every business with its name, USCC, trade, district, street, market and stall, and "
        "its current honest-metrology grade with the day it was assessed.",
    ),
    "documents": Words(
        "各区局发布且仍有效的曝光通报、光荣榜、示范创建名单和公示牌，附编号、SHA-256 和 PDF 链接。",
        "Exposure notices, honor rolls, demonstration listings and placards in force, with "
        "their serials, SHA-256 and PDF links.",
    ),
    "honor_roll": Words(
        "有效光荣榜上列明的经营者。",
        "The businesses listed on honor rolls in force.",
    ),
    "demonstration_units": Words(
        "已命名且在有效期内的诚信计量示范单位。",
        "Honest-metrology demonstration units designated and in force.",
    ),
    "demonstrations": Words(
        "有效示范创建名单上的诚信计量示范社（街）区。",
        "Demonstration communities on demonstration listings in force.",
    ),
    "inspection_plans": Words(
        "抽查期结束后公开的双随机抽查计划：抽取的经营者、检查日期和结果；抽取时的分类权重不公开。",
        "Random inspection plans published after their period: the businesses drawn, the "
        "day each was inspected and the outcome; never how each was weighted in the draw.",
    ),
}
# How often a dataset changes, by its code in the EU frequency vocabulary (DCAT-AP).
OPEN_DATA_FREQUENCY_WORDS = {
    "DAILY": Words("每日（夜间重算后）", "Daily, after the nightly roll"),
    "UPDATE_CONT": Words("随发布更新", "On each publication or withdrawal"),
    "IRREG": Words("不定期（抽查期结束后公开）", "Irregular: after each plan's period"),
}
# What each column of the open-data exports means, by the field's name in the JSON and CSV.
OPEN_DATA_FIELD_WORDS = {
    "uscc": Words("统一社会信用代码", "Unified social credit code (USCC)"),
    "name": Words("名称（经营者或示范社区）", "Name of the business or community"),
    "trade": Words("行业代码", "Trade code"),
    "district": Words("所在区代码（行政区划代码）", "District code (administrative division)"),
    "district_name": Words("所在区名称", "District name"),
    "street": Words("街道或镇", "Street or town"),
    "market": Words("所在集贸市场", "Market"),
    "stall": Words("摊位号", "Stall number"),
    "address": Words("经营地址", "Address"),
    "rated": Words("是否已评级", "Whether the business is rated"),
    "grade": Words("诚信计量等级（A 至 D）", "Honest-metrology grade (A to D)"),
    "as_of": Words("评级日期", "Day the grade was assessed"),
    "serial": Words("文书编号", "Document serial"),
    "kind": Words("文书种类代码", "Kind of document (code)"),
    "kind_name": Words("文书种类", "Kind of document"),
    "title": Words("标题", "Title"),
    "bureau": Words("发布机关", "Issuing bureau"),
    "issued_on": Words("发布日期", "Day of issue"),
    "status": Words("状态代码", "Status (code)"),
    "status_text": Words("状态", "Status"),
    "in_force": Words("是否有效", "Whether in force"),
    "withdraw_reason": Words("撤回理由", "Why it was withdrawn"),
    "withdrawn_on": Words("撤回日期", "Day withdrawn"),
    "expired_on": Words("到期日期", "Day expired"),
    "superseded_by": Words("更正后文书编号", "Serial of the correction"),
    "superseded_on": Words("更正日期", "Day corrected"),
    "supersedes": Words("所更正文书编号", "Serial of the document corrected"),
    "sha256": Words("PDF 的 SHA-256 摘要", "SHA-256 of the PDF"),
    "pages": Words("页数", "Pages"),
    "verify_url": Words("核验地址", "Verification address"),
    "pdf_url": Words("PDF 下载地址", "PDF download address"),
    "demonstration": Words("是否为示范单位", "Whether a demonstration unit"),
    "accepted_on": Words("验收日期", "Day accepted"),
    "designated_on": Words("命名日期", "Day designated"),
    "valid_until": Words("有效期至", "Valid until"),
    "plan": Words("抽查计划编号", "Plan number"),
    "period_start": Words("抽查期开始", "Period start"),
    "period_end": Words("抽查期结束", "Period end"),
    "seed": Words("随机种子（供核查抽取）", "Random seed (to audit the draw)"),
    "published_on": Words("公开日期", "Day published"),
    "inspected_on": Words("检查日期", "Day inspected"),
    "outcome": Words("检查结果", "Outcome"),
}
