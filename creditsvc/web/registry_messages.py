"""The registry's and the accounts' refusals in the page's language (issue 19): the
services and schemas answer the API in English; a console form shows each reason beside
its field in the officer's language. A message not listed here is shown as it comes."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

_EXACT = {
    "letters, digits, '.', '_' or '-' only": _l("Letters, digits, '.', '_' or '-' only."),
    "not a Shanghai district code": _l("Not a Shanghai district."),
    "not an e-mail address": _l("Not an e-mail address."),
    "a district officer needs --district with a valid code": _l(
        "A district officer needs a district."
    ),
    "a merchant account needs --merchant with a registered USCC": _l(
        "No business with this USCC is registered."
    ),
    "a market host needs --market with an existing market id": _l("No market has this number."),
    "no such market, or not yours to see": _l("No such market, or not yours to see."),
    "only a code failing its check character may be overridden": _l(
        "Only a code whose check character is wrong may be overridden."
    ),
    "you cannot deactivate your own account": _l("You cannot deactivate your own account."),
    "Unknown field.": _l("Not a field of this form."),
    "Not a valid boolean.": _l("Not one of the choices."),
    "only the city officer manages accounts": _l("Only the city officer manages accounts."),
}

_PATTERNS = [
    (
        r"a device with serial .+ is already registered",
        _l("A fair scale with this serial number is already registered."),
    ),
    (
        r"stall .+ already exists in this market",
        _l("This market already has a stall of this number."),
    ),
    (
        r"street .+ already exists in this district",
        _l("This district already has a street or town of this name."),
    ),
    (r"merchant \S+ is already registered", _l("A business with this USCC is already registered.")),
    (r"user .+ exists", _l("This username is taken.")),
    (r"role must be one of .*", _l("Not one of the choices.")),
    (r"no street \d+ in district \d+", _l("No such street or town in this district.")),
    (r"no street \d+", _l("No such street or town in this district.")),
    (r"no market \d+ in district \d+", _l("No such market in this district.")),
    (r"no district with code .*", _l("Not a Shanghai district.")),
    (
        r"a district officer may only write in district \d+",
        _l("You may only write in your own district."),
    ),
    (
        r"merchant \S+ is registered in district \d+; .*",
        _l("This business is registered in another district than the market's."),
    ),
    (r"must be 18 characters, got \d+", _l("A USCC has 18 characters.")),
    (r"contains characters not allowed in a USCC: .*", _l("Holds characters a USCC cannot hold.")),
    (
        r"check character is .+ but should be .+; an officer may .*",
        _l(
            "The check character (the last one) is wrong. If the code is as printed on "
            "the licence, give the reason to register it anyway."
        ),
    ),
    (r"check character is .+ but should be .+", _l("The check character (the last one) is wrong.")),
    (r"a password needs at least \d+ characters", _l("The password is too short.")),
]
_COMPILED = [(re.compile(pattern), words) for pattern, words in _PATTERNS]
_LENGTH = re.compile(r"Length must be between (\d+) and (\d+)\.")
_LONGEST = re.compile(r"Longer than maximum length (\d+)\.")
_NEXT_VERSION = re.compile(r"the next version is (\d+)")
_UNUSABLE = re.compile(r"policy not usable: (.*)", re.S)


def explain(message: str) -> str | None:
    """The message in the page's language, or None when it is not one of the registry's."""
    if message in _EXACT:
        return str(_EXACT[message])
    for pattern, words in _COMPILED:
        if pattern.fullmatch(message):
            return str(words)
    if found := _LENGTH.fullmatch(message):
        return _("Between %(min)s and %(max)s characters.", min=found[1], max=found[2])
    if found := _LONGEST.fullmatch(message):
        return _("At most %(max)s characters.", max=found[1])
    if found := _NEXT_VERSION.fullmatch(message):
        return _("The next version is %(version)s.", version=found[1])
    if found := _UNUSABLE.fullmatch(message):
        # The detail is the document's own path (grades.0.min), kept as written.
        return _("The policy cannot be used: %(detail)s", detail=found[1])
    return None
