"""The columns of each importable sheet, with Chinese and English headers, and how a row
becomes the same payload the JSON API takes (so one schema validates both)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from creditsvc.models import (
    CHANNELS,
    INSPECTION_KINDS,
    INSTRUMENT_KINDS,
    PROCEDURES,
    TRADES,
    VERIFICATION_RESULTS,
)
from creditsvc.vocabulary import (
    CHANNEL_WORDS,
    INSPECTION_KIND_WORDS,
    INSTRUMENT_KIND_WORDS,
    NET_CONTENT_UNIT_WORDS,
    PROCEDURE_WORDS,
    TRADE_WORDS,
    VERIFICATION_RESULT_WORDS,
    sheet_choices,
)
from scoring.netcontent import UNITS

LIST_SEPARATORS = re.compile(r"[、,，;；\n]+")
TRUE_WORDS = {"是", "y", "yes", "true", "1", "对"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "", "不"}


@dataclass(frozen=True, eq=False)  # compared by identity: each column is defined once
class Column:
    key: str
    zh: str
    en: str
    required: bool = False
    example: str = ""
    choices: dict[str, str] = field(default_factory=dict)  # Chinese label → code

    def labels(self) -> set[str]:
        return {self.key.lower(), self.zh.lower(), self.en.lower()}


# The Chinese words a cell may hold in place of a code (creditsvc.vocabulary).
TRADE_ZH = sheet_choices(TRADES, TRADE_WORDS)
KIND_ZH = sheet_choices(INSPECTION_KINDS, INSPECTION_KIND_WORDS)
PROCEDURE_ZH = sheet_choices(PROCEDURES, PROCEDURE_WORDS)
CHANNEL_ZH = sheet_choices(CHANNELS, CHANNEL_WORDS)
INSTRUMENT_KIND_ZH = sheet_choices(INSTRUMENT_KINDS, INSTRUMENT_KIND_WORDS)
RESULT_ZH = sheet_choices(VERIFICATION_RESULTS, VERIFICATION_RESULT_WORDS)
UNIT_ZH = sheet_choices(UNITS, NET_CONTENT_UNIT_WORDS)

SHEETS: dict[str, list[Column]] = {
    "merchants": [
        Column("uscc", "统一社会信用代码", "USCC", True, "92310104MA1KXXXXXX"),
        Column("name", "名称", "Name", True, "王记蔬菜"),
        Column("trade", "行业", "Trade", True, "集贸市场摊位", TRADE_ZH),
        Column("district", "所在区", "District", True, "310104"),
        Column("street", "街道/镇", "Street", False, "斜土路街道"),
        Column("market", "所在市场", "Market", False, "斜土路菜市场"),
        Column("address", "地址", "Address", False, "斜土路1000号"),
        Column("uscc_override_reason", "代码校验例外说明", "USCC override reason"),
    ],
    "inspections": [
        Column("merchant", "统一社会信用代码", "USCC", True, "92310104MA1KXXXXXX"),
        Column("inspected_on", "检查日期", "Inspected on", True, "2026-11-01"),
        Column("kind", "检查类型", "Kind", True, "日常检查", KIND_ZH),
        Column("officers", "检查人员", "Officers", True, "张三、李四"),
        Column("findings", "违法行为代码", "Findings", False, "UNVERIFIED、SHORT_RETAIL:major"),
        Column("notes", "备注", "Notes"),
        Column(
            "decision_number", "处罚决定书文号", "Decision number", False, "沪市监徐处〔2026〕1号"
        ),
        Column("decided_on", "处罚决定日期", "Decided on", False, "2026-11-10"),
        Column("procedure", "处罚程序", "Procedure", False, "普通程序", PROCEDURE_ZH),
        Column("fine_yuan", "罚款金额(元)", "Fine (yuan)", False, "1000"),
        Column("confiscation", "没收", "Confiscation"),
        Column("warning_only", "仅警告", "Warning only", False, "否"),
        # One net-content lot per row (JJF 1070); more lots: the API or the console form.
        Column("lot_product", "抽检商品", "Lot product", False, "大米"),
        Column("lot_nominal", "标注净含量", "Lot nominal", False, "1"),
        Column("lot_unit", "净含量单位", "Lot unit", False, "kg", UNIT_ZH),
        Column("lot_batch_size", "批量", "Lot batch size", False, "3"),
        Column("lot_measurements", "实测值", "Lot measurements", False, "1.002、0.998、1"),
    ],
    "complaints": [
        Column("merchant", "统一社会信用代码", "USCC", True, "92310104MA1KXXXXXX"),
        Column("channel", "投诉渠道", "Channel", True, "12345", CHANNEL_ZH),
        Column("received_on", "受理日期", "Received on", True, "2026-11-02"),
        Column("reference", "工单号", "Reference", False, "SH12345-0001"),
        Column("allegation", "投诉内容", "Allegation", True, "复称短少50克"),
        Column("contact", "投诉人联系方式", "Contact", False, "王女士 138xxxxxxxx"),
    ],
    # A verification institute's sheet (检定机构, issue 20): an instrument not registered
    # yet is registered with its first verification. The holder is a business (its USCC)
    # or a market (by name within its district, or id), with a stall number there.
    "verifications": [
        Column("serial", "出厂编号", "Serial", True, "PS-310104-0000001-01"),
        Column("kind", "器具类别", "Kind", True, "计价秤", INSTRUMENT_KIND_ZH),
        Column("merchant", "使用单位统一社会信用代码", "Owner USCC", False, "92310104MA1KXXXXXX"),
        Column("district", "所在区", "District", False, "310104"),
        Column("market", "所在市场", "Market", False, "斜土路菜市场"),
        Column("stall", "摊位号", "Stall", False, "A-12"),
        Column("certificate_number", "检定证书编号", "Certificate number", True, "JD2026-000123"),
        Column("institute", "检定机构", "Institute", True, "上海市计量测试技术研究院"),
        Column("verified_on", "检定日期", "Verified on", True, "2026-11-01"),
        Column("result", "检定结论", "Result", True, "合格", RESULT_ZH),
        Column("next_due", "有效期至", "Next due", False, "2027-10-31"),
    ],
}


def header_map(kind: str, headers: list[str]) -> tuple[dict[int, Column], list[str]]:
    """Match the file's headers to columns, by key, Chinese or English label.

    Returns the position → column map and the problems (unknown or missing headers).
    """
    by_label = {label: col for col in SHEETS[kind] for label in col.labels()}
    found: dict[int, Column] = {}
    problems = []
    for position, header in enumerate(headers):
        column = by_label.get(header.strip().lower())
        if column is None:
            problems.append(f"unknown column {header!r}")
        elif column in found.values():
            problems.append(f"column {header!r} appears twice")
        else:
            found[position] = column
    present = set(found.values())
    problems += [
        f"missing required column {col.zh} ({col.key})"
        for col in SHEETS[kind]
        if col.required and col not in present
    ]
    return found, problems


def cell_value(column: Column, text: str) -> str:
    """Translate a Chinese label to its code where the column has a vocabulary."""
    return column.choices.get(text, text)


def split_list(text: str) -> list[str]:
    return [part.strip() for part in LIST_SEPARATORS.split(text) if part.strip()]


def as_bool(text: str) -> bool | str:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return text  # left for the schema to refuse with its own message


def _findings(text: str) -> list[dict]:
    findings = []
    for part in split_list(text):
        code, _, severity = part.partition(":")
        finding = {"code": code.strip().upper()}
        if severity.strip():
            finding["severity"] = severity.strip().lower()
        findings.append(finding)
    return findings


def _drop_empty(values: dict[str, str]) -> dict:
    return {k: v for k, v in values.items() if v != ""}


PENALTY_KEYS = (
    "decision_number",
    "decided_on",
    "procedure",
    "fine_yuan",
    "confiscation",
    "warning_only",
)


LOT_KEYS = ("product", "nominal", "unit", "batch_size", "measurements")


def _lot(values: dict[str, str]) -> dict:
    lot = _drop_empty({k: values.get(f"lot_{k}", "") for k in LOT_KEYS})
    lot["measurements"] = split_list(values.get("lot_measurements", "").replace(" ", "、"))
    return lot


def inspection_payload(values: dict[str, str]) -> dict:
    own = {k: v for k, v in values.items() if k not in PENALTY_KEYS and not k.startswith("lot_")}
    payload = _drop_empty(own)
    if any(values.get(f"lot_{k}") for k in LOT_KEYS):
        payload["lots"] = [_lot(values)]
    payload["officers"] = split_list(values.get("officers", ""))
    payload["findings"] = _findings(values.get("findings", ""))
    if values.get("decision_number"):
        penalty = _drop_empty({k: values.get(k, "") for k in PENALTY_KEYS})
        penalty["warning_only"] = as_bool(values.get("warning_only", ""))
        payload["penalty"] = penalty
    return payload


# Each kind: how the row's values (by column key) become the API payload.
PAYLOADS: dict[str, Callable[[dict[str, str]], dict]] = {
    "merchants": _drop_empty,
    "inspections": inspection_payload,
    "complaints": _drop_empty,
    "verifications": _drop_empty,
}

# Which column to blame for an error in a payload field (nested penalty fields map to
# their own columns; everything else to the column of the same key).
ERROR_COLUMNS = {
    "penalty": "decision_number",
    "street_id": "street",
    "market_id": "market",
    "stall_id": "stall",
}
