"""Words for codes shown on every page (public site, merchant portal, officer console), in
the page's language, and typed data marked with its own language. The words themselves
are the vocabulary's (`creditsvc.vocabulary`); this module picks the page's language.

Grade names come from the scoring policy in force (it carries them in both languages),
so a page never disagrees with the policy a grade was computed under.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from flask_babel import LazyString, get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from creditsvc import vocabulary
from creditsvc.vocabulary import Words
from scoring.policy import Policy


def chinese() -> bool:
    locale = get_locale()
    return locale is None or locale.language == "zh"


def pick(zh: str | None, en: str | None) -> str:
    """The Chinese or English one of a bilingual pair, by the page's language."""
    return (zh if chinese() else en) or zh or en or ""


def _page_words(words: Mapping[str, Words]) -> dict[str, LazyString]:
    """Each code's word in the language of the page it is shown on."""
    return {code: LazyString(pick, w.zh, w.en) for code, w in words.items()}


TRADE_LABELS = _page_words(vocabulary.TRADE_WORDS)
NOTICE_KIND_LABELS = _page_words(vocabulary.NOTICE_KIND_WORDS)
LISTING_SORT_LABELS = _page_words(vocabulary.LISTING_SORT_WORDS)
DOCUMENT_STATUS_LABELS = _page_words(vocabulary.DOCUMENT_STATUS_WORDS)
ENTRY_STATUS_LABELS = _page_words(vocabulary.ENTRY_STATUS_WORDS)
EVIDENCE_KIND_LABELS = _page_words(vocabulary.EVIDENCE_KIND_WORDS)
OBJECTION_STATUS_LABELS = _page_words(vocabulary.OBJECTION_STATUS_WORDS)
REPLY_STATUS_LABELS = _page_words(vocabulary.REPLY_STATUS_WORDS)
COMMUNITY_STATUS_LABELS = _page_words(vocabulary.COMMUNITY_STATUS_WORDS)

# The officer console's words.
INSPECTION_KIND_LABELS = _page_words(vocabulary.INSPECTION_KIND_WORDS)
SEVERITY_LABELS = _page_words(vocabulary.SEVERITY_WORDS)
PROCEDURE_LABELS = _page_words(vocabulary.PROCEDURE_WORDS)
PENALTY_CHANGE_LABELS = _page_words(vocabulary.PENALTY_CHANGE_WORDS)
NET_CONTENT_UNIT_LABELS = _page_words(vocabulary.NET_CONTENT_UNIT_WORDS)
CHANNEL_LABELS = _page_words(vocabulary.CHANNEL_WORDS)
COMPLAINT_STATUS_LABELS = _page_words(vocabulary.COMPLAINT_STATUS_WORDS)
NOTICE_STATUS_LABELS = _page_words(vocabulary.NOTICE_STATUS_WORDS)
JOB_STATUS_LABELS = _page_words(vocabulary.JOB_STATUS_WORDS)
IMPORT_KIND_LABELS = _page_words(vocabulary.IMPORT_KIND_WORDS)
AUDIT_ACTOR_LABELS = _page_words(vocabulary.AUDIT_ACTOR_WORDS)
AUDIT_ACTION_LABELS = _page_words(vocabulary.AUDIT_ACTION_WORDS)
AUDIT_ENTITY_LABELS = _page_words(vocabulary.AUDIT_ENTITY_WORDS)
ROLE_LABELS = _page_words(vocabulary.ROLE_WORDS)
REPAIR_STATUS_LABELS = _page_words(vocabulary.REPAIR_STATUS_WORDS)
PENALTY_PUBLICATION_STATUS_LABELS = _page_words(vocabulary.PENALTY_PUBLICATION_STATUS_WORDS)
QUEUE_KIND_LABELS = _page_words(vocabulary.QUEUE_KIND_WORDS)
QUEUE_STEP_LABELS = _page_words(vocabulary.QUEUE_STEP_WORDS)
INSTRUMENT_KIND_LABELS = _page_words(vocabulary.INSTRUMENT_KIND_WORDS)
VERIFICATION_RESULT_LABELS = _page_words(vocabulary.VERIFICATION_RESULT_WORDS)
INSTRUMENT_DUE_LABELS = _page_words(vocabulary.INSTRUMENT_DUE_WORDS)


def grade_label(policy: Policy, grade: str | None) -> str:
    for row in policy.grades:
        if row["grade"] == grade:
            return pick(row.get("zh"), row.get("en"))
    return _("Unrated")


# Han characters (CJK Unified Ideographs and Extension A).
HAN = re.compile(r"[\u3400-\u9fff]")


def typed(text: object) -> Markup:
    """Data as someone typed it (a name, an allegation, a notice's title), marked
    `lang="zh-CN"` when it holds Chinese, so an English page has it read as Chinese
    (WCAG 3.1.2); escaped like any other value. Every page marks data this way."""
    if text is None:
        return Markup("")
    value = str(text)
    if HAN.search(value):
        return Markup('<span lang="zh-CN">{}</span>').format(value)
    return escape(value)


def district_name(district) -> str:
    return pick(district.name_zh, district.name_en)


def worded(words: Mapping[str, object], code: object) -> Markup:
    """A code's word in the page's language; a code without one is shown as the stored
    code it is (`<code>`), never as if it were English text."""
    word = words.get(code) if code is not None else None
    if word is not None:
        return escape(str(word))
    return Markup("<code>{}</code>").format("—" if code is None else code)


def audit_actor(actor: str) -> Markup:
    """'user:xuhui' as 用户 xuhui: the kind in words, the name as stored."""
    kind, _sep, name = actor.partition(":")
    if not name:
        return worded(AUDIT_ACTOR_LABELS, actor)
    return Markup("{} <code>{}</code>").format(worded(AUDIT_ACTOR_LABELS, kind), name)


def template_helpers() -> dict:
    """Jinja globals for the pages of this package."""
    return {
        "trade_label": lambda code: TRADE_LABELS.get(code, code),
        "kind_label": lambda code: NOTICE_KIND_LABELS.get(code, code),
        "document_status_label": lambda code: DOCUMENT_STATUS_LABELS.get(code, code),
        "entry_status_label": lambda code: ENTRY_STATUS_LABELS.get(code, code),
        "evidence_label": lambda code: EVIDENCE_KIND_LABELS.get(code, code),
        "community_status_label": lambda code: COMMUNITY_STATUS_LABELS.get(code, code),
        "objection_status_label": lambda code: OBJECTION_STATUS_LABELS.get(code, code),
        "reply_status_label": lambda code: REPLY_STATUS_LABELS.get(code, code),
        "audit_actor": audit_actor,
        "audit_action": lambda code: worded(AUDIT_ACTION_LABELS, code),
        "audit_entity": lambda code: worded(AUDIT_ENTITY_LABELS, code),
        "audit_entity_word": lambda code: str(AUDIT_ENTITY_LABELS.get(code, code)),
        "pick": pick,
        "typed": typed,
        "chinese": chinese,
    }


# The programme and random inspections (officer console).
COMMUNITY_PROGRAMME_STATUS_LABELS = _page_words(vocabulary.COMMUNITY_PROGRAMME_STATUS_WORDS)
DRAW_KIND_LABELS = _page_words(vocabulary.DRAW_KIND_WORDS)
UNIT_STATUS_LABELS = _page_words(vocabulary.UNIT_STATUS_WORDS)
UNIT_ROUTE_LABELS = _page_words(vocabulary.UNIT_ROUTE_WORDS)
COMMITMENT_CHANNEL_LABELS = _page_words(vocabulary.COMMITMENT_CHANNEL_WORDS)
PLAN_STATUS_LABELS = _page_words(vocabulary.PLAN_STATUS_WORDS)
PLAN_OUTCOME_LABELS = _page_words(vocabulary.PLAN_OUTCOME_WORDS)
RISK_CLASS_LABELS = _page_words(vocabulary.RISK_CLASS_WORDS)
# -- roles: the market host's, association's and portal's pages (issue 19).
READING_CATEGORY_LABELS = _page_words(vocabulary.READING_CATEGORY_WORDS)
VERDICT_LABELS = _page_words(vocabulary.VERDICT_WORDS)
REPAIR_CONDITION_LABELS = _page_words(vocabulary.REPAIR_CONDITION_WORDS)
