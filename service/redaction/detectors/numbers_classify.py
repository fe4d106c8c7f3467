"""Type and score of one digit run: CREDIT_CARD, US_SSN, PHONE_NUMBER or IPv4 IP_ADDRESS (or nothing).

Dispatched by digit count. Cards: Luhn plus a known issuer range, or, after a card cue ("my card",
"CC#", "paid with"), any Luhn-valid 12-19 digits (issuer lists are never complete). 12- and 13-digit
numbers are mostly ids and millisecond timestamps: they need the cue (or, for 12, a 4-4-4 layout).
Look-alikes left alone: dates, version strings, decimals with a long fraction (digits of pi or e are
not cards), negative-context numbers (order, invoice, ms, bytes), SSNs in unassigned ranges.
A `segment` is part of a longer run cut at a group boundary: there a card must also be laid out like
one (4-4-4-4, 4-6-5, ...), since any 16 digits of a long grouped id pass Luhn one time in ten.
"""

from __future__ import annotations

import re

from service.redaction.detectors.base import ScanContext
from service.redaction.detectors.numbers_context import CARD_CTX, Before, PhoneCues, phone_cue_after, sender_label
from service.redaction.detectors.numbers_phone import (NONDIGIT, amount_shaped, date_shaped, digit_groups, nanp_shaped,
                                                       phone_ok, phone_shaped)
from service.redaction.detectors.validators import card_issuer, luhn_ok, ssn_ok

_DATE_RE = re.compile(
    r"^\(?(?:(?:19|20)\d\d[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.](?:19|20)\d\d)(?:$|[ T])"
)
_SSN_SHAPE = re.compile(r"^\d{3}([- .])\d{2}\1\d{4}$")
_DECIMAL = re.compile(r"^\d{1,3}\.\d{5,}$")  # 3.14159265358979: a decimal, not an id
_COUNTING = "01234567890"
_MACHINE = frozenset(str(2**k + d) for k in range(20, 65) for d in (-1, 0))  # 2147483647: a limit, nobody's number
# What a bare block of digits standing in prose may not touch: an assignment or key before it, a unit after it
_CODE_BEFORE = frozenset("=:#([{<>/\\|+*-_'\"`$@&%^~")
_IDENT = re.compile(r"([A-Za-z][A-Za-z0-9_]*)[ \t]*$")
_WORD_AFTER = re.compile(r"[ \t]*([a-zA-Zµ]+)")
_UNITS = frozenset((
    "b bytes kb kib mb mib gb gib tb bits rows records items entries lines words tokens chars characters times "
    "ms us µs ns s sec secs seconds minutes hours days px pt em requests hits views downloads users events "
    "messages files objects points votes steps iterations cycles ticks"
).split())
_YEARS = re.compile(r"^\(?(?:19|20)\d\d[ \t]?[-/–]?[ \t]?(?:19|20)\d\d\)?$")  # 1990-2004, (2019 2020): years
_PRICE = re.compile(r"^\d+[.,]\d{1,2}$")  # 67567.79: an amount (a phone has no two-digit tail after one dot)
_IBAN_HEAD = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}[ \-]?[A-Z0-9]{4}[ \-]$")
_LINE_BREAK = re.compile(r"=?\r?\n")
_CURRENCY = frozenset("$€£¥₹₽¢")
_CURRENCY_AFTER = re.compile(r"[ \t]?(?:[$€£¥₹₽]|(?:eur|usd|gbp|chf|jpy|inr|cad|aud|euros?|dollars?|pounds?|yen|rupees?)"
                             r"(?![a-z]))")
_IPV4_SHAPE = re.compile(
    r"^\(?(\d{1,3})[ \t]?\.[ \t]?(\d{1,3})[ \t]?\.[ \t]?(\d{1,3})[ \t]?\.[ \t]?(\d{1,3})(?:/\d{1,2})?\)?$"
)
_PREFIX_LEN = re.compile(r"/(\d{1,2})(?!\d)")
_VERSION_BEFORE = re.compile(
    r"\b(?:v|version|ver\.?|release|build|firmware|chrome|firefox|os|ios|android|rev|python|node|java)"
    r"\s*[:=]?\s*$"
)
_EXT_GLUED = re.compile(r"(?:x|ext\.?|#)\d{1,6}(?![\w])", re.IGNORECASE)
EXT_RE = re.compile(r"[ \t]*(?:,[ \t]*)?(?:ext\.?|extension|x|#)[ \t]*\d{1,6}(?!\w)", re.IGNORECASE)


def ipv4(raw: str, ctx: ScanContext, start: int) -> float | None:
    m = _IPV4_SHAPE.match(raw)
    if m is None or (raw[0] == "(") != (raw[-1] == ")"):
        return None
    octets = [int(x) for x in m.groups()]
    if any(o > 255 for o in octets) or any(len(x) > 1 and x[0] == "0" for x in m.groups()):
        return None
    if octets == [0, 0, 0, 0] or _VERSION_BEFORE.search(ctx.context_before(start, 20)):
        return None
    value = octets[0] << 24 | octets[1] << 16 | octets[2] << 8 | octets[3]
    host_bits = ~value & 0xFFFFFFFF
    if octets[:2] == [127, 0] and octets[2] <= 1 or (octets[0] == 255 and host_bits & (host_bits + 1) == 0):
        return None  # 127.0.0.1 / 127.0.1.1, a netmask (255.255.240.0), the broadcast address: nobody's host
    prefix = _PREFIX_LEN.match(raw, raw.find("/")) if "/" in raw else _PREFIX_LEN.match(ctx.text, start + len(raw))
    if prefix is not None:  # a network ("192.0.2.64/26": every host bit zero) names a range, not a host
        bits = 32 - int(prefix.group(1))
        if 0 < bits <= 32 and value & ((1 << bits) - 1) == 0:
            return None
    return 0.95


def _is_versionish(raw: str) -> bool:
    """1.2.3.4 / 10.0.19045.2965: dot-only runs that start with a short group are versions, not phones
    (415.555.2671 keeps its 3-3-4 shape)."""
    undotted = raw.replace(".", "")
    if "." not in raw or (undotted and not undotted.isdigit()):  # (only digits and dots)
        return False
    groups = raw.split(".")
    return 3 <= len(groups) <= 5 and (len(groups[0]) <= 2 or min(len(g) for g in groups) == 1)


def _card_layout(g: list[int]) -> bool:
    """How card numbers are written: one block, fours (the last 1-4 long), 4-6-5 / 4-6-4, digit by digit."""
    if len(g) == 1 or max(g) <= 2:
        return True
    if all(x == 4 for x in g[:-1]) and 1 <= g[-1] <= 4:
        return True
    return g in ([4, 6, 5], [4, 6, 4], [4, 6, 6], [4, 4, 5], [6, 13], [4, 5, 6])


def _plausible(digits: str, n: int) -> bool:
    """Cheap shape test before phonenumbers is asked (national formats only)."""
    if n == 10:
        return (digits[0] in "23456789" and digits[3] in "23456789") or (digits[0] == "0" and digits[1] != "0")
    if n == 11:
        return (digits[0] == "1" and digits[1] in "23456789" and digits[4] in "23456789") or (
            digits[0] == "0" and digits[1] != "0")
    if digits[0] == "0":
        return digits[1] != "0" and 8 <= n <= 13
    return n == 9


def ext_after(text: str, end: int) -> int:
    """End of an extension right after a phone ("x1234", " ext. 12"), or `end` when there is none."""
    m = EXT_RE.match(text, end)
    return m.end() if m else end


def glued_ext(text: str, end: int) -> bool:
    """'...4720x993': a letter right after the run that starts an extension, not a word."""
    return _EXT_GLUED.match(text, end) is not None


def _after_currency(text: str, start: int) -> bool:
    """'$ 1 299 000', '€1 250 000': an amount, not a number anyone dials."""
    return not _CURRENCY.isdisjoint(text[max(0, start - 2):start])


def _currency_after(low: str, end: int) -> bool:
    """'1 299 000 EUR', '4500 dollars'."""
    return _CURRENCY_AFTER.match(low, end) is not None


def short_phone(raw: str, digits: str, ctx: ScanContext, start: int, before: Before | None) -> tuple[float, str] | None:
    """Six digits grouped ('85 99 60', '476-970') right after a phone label ('Phone:', 'Mobile:', 'call me
    at'): a local number. Nowhere else: six digits are times, dates, codes and amounts."""
    if raw.isdigit() or raw[0] in "+(" or not phone_shaped(raw, digits):
        return None
    if before is None:
        before = Before(ctx, start)
    if not before.label() or before.loose_veto() or _after_currency(ctx.text, start):
        return None
    parts = [int(p) for p in NONDIGIT.split(raw) if p]
    if len(parts) == 3 and (("." in raw or "/" in raw or before.last[-1:] == ["on"]) and (
            min(parts[0], parts[1]) <= 12 and max(parts[0], parts[1]) <= 31 or (
            parts[0] <= 23 and parts[1] <= 59 and parts[2] <= 59))):
        return None  # "call me on 12 05 87", "at 10.30.45": a date or a time
    return 0.75, "PHONE_NUMBER"


def _card(digits: str, n: int, g: list[int], ctx: ScanContext, start: int, segment: bool) -> bool:
    if n < 12 or not luhn_ok(digits) or len(set(digits)) < 2:
        return False
    if segment and not _card_layout(g):
        return False
    issuer = card_issuer(digits)
    if issuer is not None and n >= 14:
        return True
    cue = CARD_CTX.search(ctx.context_before(start, 40)) is not None
    if issuer is not None and not cue:
        # 13-digit Visa: no millisecond timestamp starts with 4, but EAN-13 codes and log ids may
        before = Before(ctx, start)
        return not before.negative() and not before.generic_negative()
    if n == 12 and g == [4, 4, 4] and (digits[:2] == "50" or "56" <= digits[:2] <= "69"):
        return True  # 12-digit Maestro, written as a card
    return cue


def segment_may_hit(part: str, groups: list[str], g: list[int], n: int) -> bool:
    """The layouts a part cut from a longer run (classify's `segment`: `n` digits in `groups`, of sizes `g`)
    must have to be anything, read off its groups: a card layout of 12 digits or more that passes Luhn,
    an SSN of one block or 3-2-4, or a phone written with '+' or '(', a leading 0 (trunk or international)
    or the NANP layout. Each is a test classify makes of a segment anyway; here they come first (and
    _split asks before it calls classify), since most parts of a long run are none of them."""
    if n >= 12 and _card_layout(g) and luhn_ok("".join(groups)):
        return True
    if n == 9 and (len(g) == 1 or g == [3, 2, 4]):
        return True
    if n > 15 and not (n <= 17 and "(0)" in part):
        return False
    return part[0] in "+(" or groups[0][0] == "0" or (
        n in (10, 11) and (g in ([3, 3, 4], [1, 3, 3, 4]) or (len(g) > 3 and max(g) <= 2)))


def classify(raw: str, ctx: ScanContext, start: int, end: int | None = None,
             segment: bool = False, before: Before | None = None,
             cues: PhoneCues | None = None) -> tuple[float, str] | None:
    """Score and type for one digit run (`raw` = text[start:end]), or None. `cues` (the view's PhoneCues)
    only saves time: a value that needs a phone context where none can be is ruled out unread."""
    parts = digit_groups(raw)  # (split once: the layout tests below take them)
    digits = "".join(parts)
    n = len(digits)
    if n < 7 or n > 19:
        return short_phone(raw, digits, ctx, start, before) if n == 6 and not segment else None
    g = [len(p) for p in parts]
    if segment and not segment_may_hit(raw, parts, g, n):
        return None
    if n >= 12 and raw[0] != "+" and "(0)" not in raw and _card(digits, n, g, ctx, start, segment):
        # (no card is written with a '+' or a bracketed trunk: '+44(0)131 496 0531' passes Luhn as a Visa)
        if not _DECIMAL.match(raw):
            return 0.95, "CREDIT_CARD"
    if n > 15 and not (n <= 17 and "(0)" in raw):
        return None
    if n == 9 and ssn_ok(digits) and not (segment and not _SSN_SHAPE.match(raw) and not raw.isdigit()):
        if before is None:
            before = Before(ctx, start, cues)
        if before.ssn() and not before.negative(last_only=True):  # "SSN examples ... case 114456168"
            return 0.95, "US_SSN"
        if _SSN_SHAPE.match(raw) and not before.negative(last_only=True) and not before.generic_negative():
            # (written as an SSN is written: only the word right before it can make it an order or a case
            # number; "Size drop. 523-45-6789" is no size, and a word two back is usually another phrase's)
            return 0.85, "US_SSN"
    # from here on a phone or nothing: every test below rules out, so the cheap ones come first (a date, a
    # number that needs a phone context where none can be)
    # dotted like a version ("1.2.3.4"): a phone only when nine digits or more, in groups of two or
    # more, follow a phone cue ("mobile: 01.880.8487", a '•'-separated number in the folded view)
    dotted = _is_versionish(raw)
    if dotted and (segment or n < 9 or min(g) < 2 or not (raw[0] == "0" or raw.index(".") >= 3)):
        return None  # ("19.10.531.69", a version; "02.771.4409" starts with a trunk 0)
    intl = raw[0] == "+" or raw[:2] == "(+" or (digits[:2] == "00" and n > 9)
    if end is None:
        end = start + len(raw)
    if len(set(digits)) < 3:
        return None  # 0 1 0 1 1 0 0 1 1, 000-000-0000: bits and placeholders, not numbers anyone has
    if _DATE_RE.match(raw) or _DECIMAL.match(raw) or _YEARS.match(raw) or _PRICE.match(raw):
        return None
    near_cue = phone_cue_after(ctx, end) or ext_after(ctx.text, end) > end or sender_label(ctx, start, end)
    needs_context = dotted or not intl and (not _plausible(digits, n) or _SSN_SHAPE.match(raw) is not None)
    if needs_context and not near_cue and cues is not None and not cues.may_precede(start):
        return None  # it needs a phone context and none can be read before it (the tests below, known in advance)
    spaced_out = len(g) > 3 and max(g) <= 2  # "4 1 5 5 5 5 2 6 7 1": deliberate obfuscation
    if len(g) > 1 and min(g) > 1 and all(part in _COUNTING for part in parts):
        return None  # "01 012 0123", "123-456-7890": counting, a placeholder
    # part of a longer run: only the canonical layouts (3-3-4, or a trunk-0 number grouped the way its
    # country writes it), since any window of a long id would do otherwise
    canonical = nanp_shaped(digits) and (spaced_out or g in ([3, 3, 4], [1, 3, 3, 4]))
    if not intl:
        if segment and not canonical and digits[0] != "0":
            return None
        if date_shaped(raw, parts) or amount_shaped(raw, parts) or _after_currency(ctx.text, start) or \
                _currency_after(ctx.lower, end):
            return None  # a date written with blanks ("2025 03 14"), an amount ("4 500 000", "$ 1 299 000")
    if before is None:
        before = Before(ctx, start, cues)
    if not intl and (before.negative() or _IBAN_HEAD.search(ctx.text[max(0, start - 12):start])):
        return None  # (checked before the phone context, which cannot change this outcome; the tail of an
        # account number after its IBAN head "GB42 WEST 9811 9102 60" is none either)
    has_context = near_cue or before.phone()
    if dotted and not has_context:
        return None
    if not intl:
        if not has_context and (not _plausible(digits, n) or _SSN_SHAPE.match(raw) or before.generic_negative()):
            return None
        if segment and not canonical:
            has_context = False  # (a trunk-0 segment: valid and grouped the way its country writes it)
    # read by its layout alone: a whole run, and one block of digits only right next to its cue ("call me at
    # 4766970", not "call ... files: 1048576")
    whole = not segment and (not raw.isdigit() or near_cue or before.label())
    if not intl and before.loose_veto():
        return None  # an account, a code, an amount ("account 476 6970", "code", "amount", "id: ...")
    # a line break inside the value ends the leniency (a CSV's '...,09767\n8733,...' is two fields), unless
    # quotes hold both sides: a cell wrapped inside its quotes ('"+354 0\r\n66 7133"') is still one value
    one_value = "\n" not in raw
    if not one_value and start > 0 and ctx.text[start - 1] in "\"'" and ctx.text[end:end + 1] == ctx.text[start - 1] \
            and ctx.text[start - 1] not in raw:
        raw, one_value, parts = _LINE_BREAK.sub("", raw), True, None  # read unwrapped
    if not phone_ok(raw, digits, has_context, spaced_out, lenient=has_context and one_value, whole=whole,
                    parts=parts):
        return None
    formatted = not raw.lstrip("+").isdigit()
    if not (formatted or intl or has_context or segment):
        # one block of digits with nothing around it that speaks of phones: it got here only by being valid
        # in its numbering plan (a bare '2125550143' or '01614960837'). Standing alone in prose, that is
        # enough for privacy, as it is for Presidio: at the threshold, no more. In code and data a valid
        # plan is no sign (a third of random 10-digit ids pass it): not after an assignment, a key or an
        # identifier ('order_id: ...', 'N = ...', 'trackingNumber ...'), nor before a unit ('... bytes').
        if digits in _MACHINE or not _alone_in_prose(ctx, start, end):
            return None
        return 0.5, "PHONE_NUMBER"
    score = 0.4 + (0.25 if formatted else 0.0) + (0.3 if intl else 0.0) + (0.3 if has_context else 0.0)
    return min(score, 1.0), "PHONE_NUMBER"


def _alone_in_prose(ctx: ScanContext, start: int, end: int) -> bool:
    """A bare number between words or at a line's start: not a value of code or data (see classify)."""
    before = ctx.text[max(0, start - 40):start].rstrip(" \t")
    if before and before[-1] in _CODE_BEFORE:
        return False
    word = _IDENT.search(before)
    if word is not None and ("_" in word.group(1) or any(c.isdigit() for c in word.group(1))
                             or any(c.isupper() for c in word.group(1)[1:])):
        return False  # an identifier: 'order_id', 'trackingNumber', 'v2'
    after = _WORD_AFTER.match(ctx.text, end)
    return after is None or after.group(1).lower() not in _UNITS
