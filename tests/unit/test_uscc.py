"""GB 32100-2015 unified social credit codes (reference/rules.md §3)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creditsvc import uscc

# Codes published by the companies themselves on their public registrations.
REAL_CODES = [
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
    "914403001922038216",  # 华为技术有限公司
    "91110108551385082Q",  # 小米科技有限责任公司
    "91110000802100433B",  # 北京百度网讯科技有限公司
    "9131000013221158XC",  # 上海浦东发展银行股份有限公司
    "91100000100003962T",  # 中国工商银行股份有限公司
    "91330100716105852F",  # 阿里巴巴(中国)有限公司
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_published_codes_are_valid(code):
    assert uscc.parse(code).code == code


@pytest.mark.parametrize("code", REAL_CODES)
def test_trimmed_and_upper_cased_before_checking(code):
    assert uscc.parse(f"  {code[:9].lower()} {code[9:]} ").code == code


@pytest.mark.parametrize("code", REAL_CODES)
def test_altered_check_character_is_named(code):
    altered = code[:17] + ("0" if code[17] != "0" else "1")
    with pytest.raises(uscc.USCCError) as caught:
        uscc.parse(altered)
    assert caught.value.check_only
    assert f"should be {code[17]!r}" in str(caught.value)


@pytest.mark.parametrize("code", REAL_CODES)
def test_altered_body_fails_the_check(code):
    position = 10
    replacement = "1" if code[position] != "1" else "2"
    with pytest.raises(uscc.USCCError) as caught:
        uscc.parse(code[:position] + replacement + code[position + 1 :])
    assert caught.value.check_only


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("9144030070846113", "18 characters, got 16"),
        ("91440300708461136TX", "18 characters, got 19"),
        ("91440300708461I36T", "'I'"),
        ("9144030070846O136T", "'O'"),
        ("91440300708461S36V", "'S', 'V'"),
        ("9144030070846113Z6", "'Z'"),
    ],
)
def test_wrong_length_and_forbidden_characters(raw, words):
    with pytest.raises(uscc.USCCError) as caught:
        uscc.parse(raw)
    assert words in str(caught.value)
    assert not caught.value.check_only


def test_weights_are_powers_of_three_mod_31():
    assert uscc.WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@given(st.text(alphabet=uscc.ALPHABET, min_size=9, max_size=9))
def test_made_codes_always_parse(organisation):
    code = uscc.make("9", "2", "310104", organisation)
    assert uscc.parse(code).entity_type == "2"
    assert uscc.parse(code).division == "310104"


@given(st.text(alphabet=uscc.ALPHABET, min_size=9, max_size=9), st.sampled_from(uscc.ALPHABET))
def test_exactly_one_check_character_fits(organisation, wrong):
    first17 = "91310104" + organisation
    right = uscc.check_character(first17)
    if wrong == right:
        assert uscc.parse(first17 + wrong)
    else:
        with pytest.raises(uscc.USCCError):
            uscc.parse(first17 + wrong)


# 个体工商户 is registration authority 9 (市场监管) with type 2 under it (GB 32100-2015 表1):
# type 2 under authority 1 is a public institution (a public hospital), under 5 a private
# non-enterprise unit (民办非企业单位).
@pytest.mark.parametrize(
    ("first_two", "individual"),
    [("92", True), ("91", False), ("93", False), ("12", False), ("52", False), ("11", False)],
)
def test_an_individual_business_is_authority_9_and_type_2(first_two, individual):
    code = uscc.make(first_two[0], first_two[1], "310104", "MA1FL0000")
    assert uscc.parse(code).individual_business is individual


def test_eligibility_names_a_public_hospital_as_an_organisation_not_an_individual():
    from creditsvc.services.publication.eligibility import is_individual_business

    hospital = uscc.make("1", "2", "310000", "425000000")
    assert not is_individual_business(hospital)
    assert is_individual_business(uscc.make("9", "2", "310104", "MA1FL0000"))


# Issue 20: codes whose check character fits but whose structure is impossible.
@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("000000000000000000", "registration authority '0' does not exist"),
        (
            "9YYYYYYYYYYYYYYYYG",
            "organisation type 'Y' does not exist under registration authority 9",
        ),
        ("94310104MA1FL0000", "organisation type '4'"),
        ("B1310104MA1FL0000", "registration authority 'B'"),
        ("913101A4MA1FL0000", "not an administrative division"),
        ("91990000MA1FL0000", "not an administrative division"),
    ],
)
def test_structure_is_checked_before_the_check_character(code, words):
    if len(code) == 17:
        code += uscc.check_character(code)
    assert uscc.check_character(code[:17]) == code[17]  # the check alone would pass
    with pytest.raises(uscc.USCCError, match=words) as caught:
        uscc.parse(code)
    assert caught.value.overridable and not caught.value.check_only


@pytest.mark.parametrize(
    ("authority", "kinds"), [(a, kinds) for a, (_, kinds) in uscc.AUTHORITIES.items()]
)
def test_every_type_the_table_allows_under_an_authority_parses(authority, kinds):
    for kind in kinds:
        assert uscc.parse(uscc.make(authority, kind, "310104", "MA1FL0000")).entity_type == kind


def test_a_national_authority_registers_under_division_100000():
    assert uscc.parse("91100000100003962T").division == "100000"  # 中国工商银行


def test_wrong_length_and_alphabet_are_never_overridable():
    with pytest.raises(uscc.USCCError) as caught:
        uscc.parse("91440300708461I36T")
    assert not caught.value.overridable
