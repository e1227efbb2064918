"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from a 31-character alphabet without I, O, S, V and Z (reference/rules.md §3):
position 1 is the registration authority (登记管理部门代码) and position 2 an organisation
type allowed under it (机构类别代码, GB 32100-2015 表1); positions 3-8 the numeric
administrative division of the registering authority (GB/T 2260); 9-17 the organisation
code; 18 a check character: weights 3^(i-1) mod 31 over positions 1-17,
c18 = 31 - (Σ value·weight mod 31), with 31 written as 0.

A code failing its structure or its check character is an error an authorised officer
may override with a recorded reason (some 2015 pilot codes fail); a code of the wrong
length or with characters outside the alphabet is never one.
"""

from __future__ import annotations

from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, ...
LENGTH = 18

# GB 32100-2015 表1: registration authority → the organisation types allowed under it,
# with the authorities added to the table since (A 中央军委改革和编制办公室, N 农业).
AUTHORITIES: dict[str, tuple[str, str]] = {
    "1": ("机构编制", "1239"),  # 机关, 事业单位, 中央编办管理的群众团体, 其他
    "2": ("外交", "19"),  # 外国常驻新闻机构, 其他
    "3": (
        "司法行政",
        "123459",
    ),  # 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
    "4": ("文化", "19"),  # 外国在华文化中心, 其他
    "5": ("民政", "1239"),  # 社会团体, 民办非企业单位, 基金会, 其他
    "6": ("旅游", "129"),  # 外国旅游部门常驻代表机构, 港澳台旅游部门常驻代表机构, 其他
    "7": ("宗教", "129"),  # 宗教活动场所, 宗教院校, 其他
    "8": ("工会", "19"),  # 基层工会, 其他
    "9": ("工商/市场监管", "123"),  # 企业, 个体工商户, 农民专业合作社
    "A": ("中央军委改革和编制办公室", "19"),  # 军队事业单位, 其他
    "N": ("农业", "1239"),  # 组级, 村级, 乡镇级集体经济组织, 其他
    "Y": ("其他", "19"),
}
# GB/T 2260 province-level codes, and 10 for an authority of the whole country (100000).
PROVINCES = frozenset(
    "10 11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "  # noqa: SIM905
    "50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)


class USCCError(ValueError):
    """A code that cannot be a USCC. `check_only` is true when only position 18 is wrong;
    `overridable` when the code is well formed (18 characters of the alphabet) and fails
    only its structure or check character, which an officer may override with a reason."""

    def __init__(
        self, message: str, *, check_only: bool = False, overridable: bool = False
    ) -> None:
        super().__init__(message)
        self.check_only = check_only
        self.overridable = overridable or check_only


@dataclass(frozen=True)
class USCC:
    code: str

    @property
    def registration_authority(self) -> str:
        return self.code[0]

    @property
    def entity_type(self) -> str:
        return self.code[1]

    @property
    def division(self) -> str:
        return self.code[2:8]

    @property
    def individual_business(self) -> bool:
        """个体工商户 (an individual business): registration authority 9 (工商/市场监管)
        and, under it, type 2 (GB 32100-2015 表1). Type 2 alone is not enough: under
        authority 1 it is a public institution (事业单位, e.g. a public hospital), under 5
        a private non-enterprise unit (民办非企业单位)."""
        return self.registration_authority == "9" and self.entity_type == "2"


def normalise(raw: str) -> str:
    """Trim all white space (inside too, as pasted codes often carry it) and upper-case."""
    return "".join(raw.split()).upper()


def check_character(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters."""
    total = sum(VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def parse(raw: str) -> USCC:
    """Normalise and validate a code; raise USCCError naming the first problem found."""
    code = normalise(raw)
    if len(code) != LENGTH:
        raise USCCError(f"must be 18 characters, got {len(code)}")
    bad = sorted({ch for ch in code if ch not in VALUE})
    if bad:
        raise USCCError(
            "contains characters not allowed in a USCC: "
            + ", ".join(repr(ch) for ch in bad)
            + " (I, O, S, V, Z and lower-case letters are never used)"
        )
    problem = structure_problem(code)
    if problem:
        raise USCCError(problem, overridable=True)
    expected = check_character(code[:17])
    if code[17] != expected:
        raise USCCError(
            f"check character is {code[17]!r} but should be {expected!r}", check_only=True
        )
    return USCC(code)


def structure_problem(code: str) -> str | None:
    """What is wrong with positions 1-8 of a well-formed code (GB 32100-2015 4.2), or None."""
    authority, kind, division = code[0], code[1], code[2:8]
    if authority not in AUTHORITIES:
        return f"registration authority {authority!r} does not exist (GB 32100 表1)"
    name, kinds = AUTHORITIES[authority]
    if kind not in kinds:
        allowed = ", ".join(kinds)
        return (
            f"organisation type {kind!r} does not exist under registration authority "
            f"{authority} ({name}); allowed: {allowed}"
        )
    if not division.isdigit() or division[:2] not in PROVINCES:
        return f"positions 3-8 ({division}) are not an administrative division code (GB/T 2260)"
    return None


def make(authority: str, entity_type: str, division: str, organisation: str) -> str:
    """Compose a valid code from its parts (used by the demo city generator)."""
    first17 = f"{authority}{entity_type}{division}{organisation}"
    if len(first17) != 17:
        raise ValueError("authority(1) + entity type(1) + division(6) + organisation(9) = 17")
    return first17 + check_character(first17)
