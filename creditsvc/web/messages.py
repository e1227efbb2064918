"""The reasons pages show, in the page's language.

Services and schemas refuse input with English messages, which the API returns as they
are (DESIGN §9). A page shows the same reason translated: each message the API can give
is matched here, exactly or by its pattern with the figures it carries. A message with no
entry is shown as it is, marked as English (`reason` filter), and is a gap to fill here.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from creditsvc.web import labels, registry_messages

# Messages that carry no figures.
_EXACT = {
    "Missing data for required field.": _l("Required."),
    "Field may not be null.": _l("Required."),
    "Not a valid date.": _l("Not a valid date."),
    "Not a valid datetime.": _l("Not a valid date and time."),
    "Not a valid number.": _l("Not a valid number."),
    "Not a valid integer.": _l("Not a valid whole number."),
    "Not a valid string.": _l("Not valid text."),
    "Not a valid boolean.": _l("Not yes or no."),
    "Unknown field.": _l("This field is not expected here."),
    "Invalid input type.": _l("Not a valid value."),
    "cannot be in the future": _l("Cannot be in the future."),
    "more than 10 minutes in the future": _l("More than 10 minutes in the future."),
    "no such merchant, or not yours to see": _l("No such business, or not yours to see."),
    "no such market, or not yours to see": _l("No such market, or not yours to see."),
    "a decision cannot precede the inspection": _l(
        "The decision cannot be dated before the inspection."
    ),
    "a penalty needs at least one finding": _l("A penalty needs at least one finding."),
    "a warning alone carries no fine or confiscation": _l(
        "A warning alone carries no fine or confiscation."
    ),
    "decision number already recorded": _l("This decision number is already recorded."),
    "the later decision has its own document number": _l(
        "The later decision has its own document number."
    ),
    "the period ends before it starts": _l("The period ends before it starts."),
    "an exposure notice needs its period": _l("An exposure notice needs its period."),
    "only an exposure notice has a period": _l("Only an exposure notice has a period."),
    "a placard, and only a placard, names a merchant": _l(
        "A placard, and only a placard, names a business."
    ),
    "give exactly one of stall or merchant": _l("Give either a stall or a business, not both."),
    "a market host registers merchants of its own markets": _l(
        "A market host registers businesses of its own markets only."
    ),
    "only an officer may override a USCC check": _l(
        "Only an officer may accept a code that fails its checks."
    ),
    "only a code failing its structure or check character may be overridden": _l(
        "Only a code that fails its structure or check character needs a reason to be accepted."
    ),
    "a counted lot's nominal quantity is a whole number": _l(
        "A counted lot's nominal quantity is a whole number."
    ),
    "a counted lot is counted in whole pieces": _l("A counted lot is counted in whole pieces."),
    "the header row does not fit this kind of sheet": _l(
        "The header row does not fit this kind of sheet."
    ),
    "no data rows": _l("The sheet has no data rows."),
    "The CSRF token is missing.": _l("The form had expired: open it again and send it."),
    "The CSRF token has expired.": _l("The form had expired: open it again and send it."),
    "The CSRF token is invalid.": _l("The form had expired: open it again and send it."),
    "The CSRF tokens do not match.": _l("The form had expired: open it again and send it."),
    "this account is linked to no business": _l("This account is linked to no business."),
    "no such business": _l("There is no business with this code on the public register."),
    # The programme's services (random inspection plans, communities, units, commitments).
    "plans are drawn for your own district only": _l("Plans are drawn for your own district only."),
    "plans are published by their district's officers": _l(
        "Plans are published by their district's officers."
    ),
    "no such district officer": _l("No such district officer."),
    "conflicts are declared for officers of your own district": _l(
        "Conflicts are declared for officers of your own district."
    ),
    "this conflict is already declared": _l("This conflict is already declared."),
    "a draw of this community awaits its decision": _l(
        "A draw of this community awaits its decision."
    ),
    "draw the units to check first": _l("Draw the units to check first."),
    "only an officer of the community's district may do this": _l(
        "Only an officer of the community's district may do this."
    ),
    "only an officer of the unit's district may do this": _l(
        "Only an officer of the unit's district may do this."
    ),
    "attach the scan of the signed commitment": _l("Attach the scan of the signed commitment."),
    "the document is empty": _l("The scan is empty."),
    "the document must be a PDF, JPEG or PNG file": _l("The scan must be a PDF, JPEG or PNG file."),
    "a commitment cannot be signed in the future": _l("Cannot be in the future."),
    "the merchant's commitment is in force already; withdraw it first": _l(
        "The business's commitment is in force already: withdraw it first."
    ),
    "name the merchant whose signed commitment you record": _l("Required."),
}


# The registry columns a sheet names by name ("no street '斜土路' in district 310104").
_COLUMN_WORDS = {"street": _l("street"), "market": _l("market")}


def _pattern(regex: str, words: Callable[..., str]) -> tuple[re.Pattern, Callable[..., str]]:
    return re.compile(regex), words


# What the API adds to a USCC error an officer may override (schemas/registry.py).
_OVERRIDE_HINT = r"(?:; an officer may register it with uscc_override_reason)?"

# Messages with figures: the pattern, and the translated sentence built from its groups.
_PATTERNS = [
    # A sheet's cell with a word outside its column's vocabulary (imports/runner.py).
    _pattern(
        r"Must be one of: .*\. \(可填 / accepted: (.*)\)",
        lambda accepted: _("Must be one of: %(choices)s.", choices=accepted),
    ),
    _pattern(
        r"Must be one of: (.*)\.",
        lambda choices: _("Must be one of: %(choices)s.", choices=choices.replace(", ", "、")),
    ),
    _pattern(
        r"contains .*\(U\+([0-9A-F]{4,6})\), which this field may not hold",
        lambda code: _(
            "Contains a control or invisible formatting character (U+%(code)s), "
            "which this field may not hold.",
            code=code,
        ),
    ),
    _pattern(
        r"must be from (\S+) to (\S+)",
        lambda first, last: _("Must be from %(first)s to %(last)s.", first=first, last=last),
    ),
    _pattern(
        r"Length must be between (\d+) and (\d+)\.",
        lambda low, high: _("Must be %(low)s to %(high)s characters.", low=low, high=high),
    ),
    _pattern(
        r"Shorter than minimum length (\d+)\.", lambda n: _("At least %(n)s characters.", n=n)
    ),
    _pattern(r"Longer than maximum length (\d+)\.", lambda n: _("At most %(n)s characters.", n=n)),
    _pattern(
        r"Must be greater than or equal to (\S+) and less than or equal to (\S+)\.",
        lambda low, high: _("Must be from %(first)s to %(last)s.", first=low, last=high),
    ),
    _pattern(r"Must be greater than or equal to (\S+)\.", lambda n: _("At least %(n)s.", n=n)),
    _pattern(r"Must be less than or equal to (\S+)\.", lambda n: _("At most %(n)s.", n=n)),
    _pattern(r"Must be greater than (\S+)\.", lambda n: _("More than %(n)s.", n=n)),
    _pattern(
        r"must be 18 characters, got (\d+)",
        lambda n: _("A unified social credit code has 18 characters; this has %(n)s.", n=n),
    ),
    _pattern(
        r"contains characters not allowed in a USCC: (.*)",
        lambda chars: _(
            "Contains characters a unified social credit code cannot hold: %(chars)s",
            chars=chars,
        ),
    ),
    _pattern(
        r"check character is '(.)' but should be '(.)'",
        lambda given, expected: _(
            "The check character is %(given)s but should be %(expected)s: "
            "the code was probably mistyped.",
            given=given,
            expected=expected,
        ),
    ),
    # GB 32100-2015 structure (creditsvc/uscc.py), with the override hint the API adds.
    _pattern(
        r"registration authority '(.)' does not exist \(GB 32100 表1\)" + _OVERRIDE_HINT,
        lambda authority: _(
            "The first character, %(authority)s, is no registration authority of GB 32100.",
            authority=authority,
        ),
    ),
    _pattern(
        r"organisation type '(.)' does not exist under registration authority (.) \(.*\); "
        r"allowed: (.*?)" + _OVERRIDE_HINT,
        lambda kind, authority, allowed: _(
            "The second character, %(kind)s, is no organisation type under registration "
            "authority %(authority)s (allowed: %(allowed)s).",
            kind=kind,
            authority=authority,
            allowed=allowed,
        ),
    ),
    _pattern(
        r"positions 3-8 \((.*)\) are not an administrative division code \(GB/T 2260\)"
        + _OVERRIDE_HINT,
        lambda division: _(
            "Characters 3 to 8, %(division)s, are no administrative division code.",
            division=division,
        ),
    ),
    _pattern(
        r"merchant (\S+) is already registered",
        lambda code: _("The business %(code)s is already registered.", code=code),
    ),
    _pattern(
        r"no such merchant, or not yours to see: (.*)",
        lambda codes: _("No such business, or not yours to see: %(codes)s", codes=codes),
    ),
    _pattern(
        r"a district officer may only write in district (\S+)",
        lambda code: _(
            "A district officer may only write in their own district (%(code)s).", code=code
        ),
    ),
    _pattern(r"more than (\d+) days old", lambda n: _("More than %(n)s days old.", n=n)),
    _pattern(
        r"no district with code (\S+)", lambda code: _("No district with code %(code)s.", code=code)
    ),
    _pattern(
        r"no district '(.*)' \(give the code or the Chinese name\)",
        lambda text: _("No district %(text)s: give its code or Chinese name.", text=text),
    ),
    _pattern(
        r"no (\w+) '(.*)' in district (\S+)",
        lambda column, text, district: _(
            "No %(column)s named %(text)s in district %(district)s.",
            column=_COLUMN_WORDS.get(column, column),
            text=text,
            district=district,
        ),
    ),
    _pattern(
        r"no street (\d+)(?: in district (\S+))?",
        lambda n, _district=None: _("No street number %(n)s in this district.", n=n),
    ),
    _pattern(
        r"no market (\d+) in district (\S+)",
        lambda n, _district: _("No market number %(n)s in this district.", n=n),
    ),
    _pattern(
        r"no inspection (\d+) in your district",
        lambda n: _("No inspection number %(n)s in your district.", n=n),
    ),
    _pattern(
        r"inspection (\d+) has no penalty decision to revoke or change",
        lambda n: _("Inspection %(n)s has no penalty decision to revoke or change.", n=n),
    ),
    _pattern(
        r"(\w+) (\d+) is already void",
        lambda kind, n: _(
            "Record %(kind)s %(n)s is already void.",
            kind=labels.EVIDENCE_KIND_LABELS.get(kind, kind),
            n=n,
        ),
    ),
    _pattern(
        r"not a valid document serial: check digit .* does not match .*",
        lambda: _("The serial number's check digit does not fit: it was probably mistyped."),
    ),
    _pattern(
        r"not a valid document serial: .*",
        lambda: _("This is not the serial number of a document of the bureau."),
    ),
    _pattern(
        r"no document with serial (\S+) has been issued",
        lambda serial: _(
            "No document with serial number %(serial)s has been issued.", serial=serial
        ),
    ),
    # The programme's services, with their figures.
    _pattern(
        r"a plan is published after its period, which ends (\S+)",
        lambda day: _("A plan is published after its period, which ends %(day)s.", day=day),
    ),
    _pattern(
        r"district (\S+) has no active officer to inspect",
        lambda district: _(
            "District %(district)s has no active officer to inspect.", district=district
        ),
    ),
    _pattern(
        r"no officer free of a declared conflict for merchant id (\d+)",
        lambda n: _(
            "Every officer declared a conflict with one of the businesses drawn (id %(id)s).",
            id=n,
        ),
    ),
    _pattern(
        r"not merchants of the community's district: (.+)",
        lambda codes: _("Not businesses of the community's district: %(codes)s", codes=codes),
    ),
    _pattern(
        r"the acceptance draws (\d+) units: name at least \d+",
        lambda count: _(
            "The acceptance draws %(count)s units: name at least %(count)s.", count=count
        ),
    ),
    _pattern(
        r"a draw needs at least (\d+) participating units",
        lambda count: _("A draw needs at least %(count)s participating units.", count=count),
    ),
    _pattern(
        r"Length must be (\d+)\.",
        lambda count: _("Must be %(count)s characters long.", count=count),
    ),
    _pattern(
        r"the record is .+; this needs .+|the (?:plan|commitment) is (?:already )?\S+(?: already)?",
        lambda: _("This step was taken already, or is not open now: reload the page."),
    ),
    _pattern(r"unknown column '(.*)'", lambda h: _("Unknown column %(h)s.", h=h)),
    _pattern(r"column '(.*)' appears twice", lambda h: _("Column %(h)s appears twice.", h=h)),
    _pattern(
        r"missing required column (\S+) \((\w+)\)",
        lambda zh, key: _("The required column %(name)s is missing.", name=zh),
    ),
    _pattern(
        r"(\d+) errors: nothing was imported",
        lambda n: _("%(n)s errors: nothing was imported.", n=n),
    ),
]


def known(message: str) -> str | None:
    """The message in the page's language, or None when this module has no entry."""
    exact = _EXACT.get(message)
    if exact is not None:
        return str(exact)
    for pattern, words in _PATTERNS:
        if found := pattern.fullmatch(message):
            return words(*found.groups())
    # The registry's and the accounts' refusals have a table of their own.
    return registry_messages.explain(message)


def translate(message: str) -> str:
    """The message in the page's language, or as it came when it has no entry."""
    words = known(message)
    return words if words is not None else message


def reason(message: object) -> Markup | str:
    """Jinja filter: a refusal's reason in the page's language; one with no entry here is
    shown as it came, marked as English (WCAG 3.1.2)."""
    text = str(message)
    words = known(text)
    if words is not None:
        return words
    return Markup('<span lang="en">{}</span>').format(text)
