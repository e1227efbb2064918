"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from a 31-character alphabet without I, O, S, V and Z. Position 18 is
a check character: weights 3^(i-1) mod 31 over positions 1-17,
c18 = 31 - (Σ value·weight mod 31), with 31 written as 0 (reference/rules.md §3).
"""

from __future__ import annotations

from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, ...
LENGTH = 18


class USCCError(ValueError):
    """A code that cannot be a USCC; `check_only` is true when only position 18 is wrong."""

    def __init__(self, message: str, *, check_only: bool = False) -> None:
        super().__init__(message)
        self.check_only = check_only


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
    expected = check_character(code[:17])
    if code[17] != expected:
        raise USCCError(
            f"check character is {code[17]!r} but should be {expected!r}", check_only=True
        )
    return USCC(code)


def make(authority: str, entity_type: str, division: str, organisation: str) -> str:
    """Compose a valid code from its parts (used by the demo city generator)."""
    first17 = f"{authority}{entity_type}{division}{organisation}"
    if len(first17) != 17:
        raise ValueError("authority(1) + entity type(1) + division(6) + organisation(9) = 17")
    return first17 + check_character(first17)
