"""PHONE_NUMBER classification of one digit run: validity (phonenumbers' metadata) and, in a phone context,
plausibility.

Two levels, chosen by context (numbers_context):
- no phone cue: the number must be valid for its country (international form) or for one of the
  regions tried nationally, and a national number must also be grouped the way its country writes it
  (so '7379 1843 85' after a bank reference is not a phone);
- a phone cue (a word before, a cue word after, an extension, the sender form 'Name (number):'): for
  privacy a phone-shaped number is a phone even when the numbering plan calls it invalid or unassigned
  ('555' numbers, area codes not yet in service, generator output): NANP shape (area code and exchange
  2-9), '+' or '00' with a known country calling code and a length that country's numbers can have, a
  trunk-0 national number of 9 to 12 digits, and for a whole run (not a part cut from a longer one)
  any phone layout (phone_shaped: '476 6970', '51-30-20-57', '(00) 5969 8113');
- a '+', a known calling code and a plausible length is a phone without another cue (intl_loose).
Dates, year spans, amounts and prices are never phones by layout (date_shaped, amount_shaped).
Fast paths build `PhoneNumber` objects directly instead of calling phonenumbers.parse (its slow part).
"""

from __future__ import annotations

import re

import phonenumbers

from service.redaction.detectors.phones import valid_for_region, valid_nsn, valid_number

_NATIONAL0_REGIONS = ("GB", "DE", "FR", "NL", "AU", "IN", "IT", "JP", "BR", "CH", "AT", "BE", "IE", "SE")
_CONTEXT_REGIONS = ("GB", "DE", "FR", "BR", "MX", "IN", "ES", "IT", "NL", "AU", "CN", "JP", "PT", "PL",
                    "CH", "AT", "BE", "SE", "DK", "NO", "AR", "CO", "ZA", "NG", "SG", "IE", "TR", "RU")
NONDIGIT = re.compile(r"\D+")
US_DIGIT = "23456789"
_CC_REGIONS = phonenumbers.COUNTRY_CODE_TO_REGION_CODE
_SIMPLE_TRUNK0 = frozenset({"GB", "DE", "FR", "NL", "AU", "IN", "CH", "AT", "BE", "IE", "SE", "DK", "NO", "PL",
                            "ES", "PT", "TR", "ZA", "NG"})


def digit_groups(raw: str) -> list[str]:
    """The groups of digits of a run, in order. The layout tests below take them as `parts` where the
    caller has them already (one split per run instead of one per test)."""
    return [p for p in NONDIGIT.split(raw) if p]


def groups_of(s: str) -> list[int]:
    return [len(g) for g in NONDIGIT.split(s) if g]


def _region_lengths() -> dict[str, tuple[frozenset[int], str | None]]:
    out = {}
    for r in set(_NATIONAL0_REGIONS) | set(_CONTEXT_REGIONS) | {"US", "CA"}:
        md = phonenumbers.PhoneMetadata.metadata_for_region(r)
        if md is not None:
            out[r] = (frozenset(md.general_desc.possible_length), md.national_prefix)
    return out


def _cc_lengths() -> dict[int, frozenset[int]]:
    """Every national significant number length any region of a calling code allows."""
    out: dict[int, frozenset[int]] = {}
    for cc, regions in _CC_REGIONS.items():
        lengths: set[int] = set()
        for r in regions:
            md = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(cc, r)
            if md is not None:
                lengths.update(md.general_desc.possible_length)
        out[cc] = frozenset(lengths)
    return out


_REGION_LEN = _region_lengths()
_CC_LEN = _cc_lengths()


def _length_fits(digits: str, region: str) -> bool:
    """Cheap pre-check: can `digits`, written nationally in `region`, have a possible length there?"""
    lengths, prefix = _REGION_LEN.get(region, (frozenset(), None))
    n = len(digits)
    if n in lengths:
        return True
    return bool(prefix) and digits.startswith(prefix) and (n - len(prefix)) in lengths


def _nanp_valid(digits: str) -> bool:
    """US/Canada without phonenumbers.parse (the common case, built directly)."""
    if len(digits) == 11:
        digits = digits[1:]
    if not digits.isascii():  # (digits of another script: the number holds them as ASCII)
        num = phonenumbers.PhoneNumber(country_code=1, national_number=int(digits))
        return valid_for_region(num, "US") or valid_for_region(num, "CA")
    return valid_nsn(digits, "US") or valid_nsn(digits, "CA")  # (digits[0] is 2-9: no leading zero)


def nanp_shaped(digits: str) -> bool:
    """Ten digits (or 1 + ten) whose area code and exchange start with 2-9: the NANP shape."""
    n = len(digits)
    return (n == 10 and digits[0] in US_DIGIT and digits[3] in US_DIGIT) or (
        n == 11 and digits[0] == "1" and digits[1] in US_DIGIT and digits[4] in US_DIGIT)


def _split_cc(digits: str) -> tuple[int, str] | None:
    for k in (1, 2, 3):
        cc = int(digits[:k]) if digits[:k] else -1
        if cc in _CC_REGIONS:
            return cc, digits[k:]
    return None


def intl_valid(digits: str) -> bool:
    """'+' + digits, validated by phonenumbers without its (slow) parse: the country calling code is
    the 1-3 digit prefix phonenumbers knows, the rest is the national significant number."""
    got = _split_cc(digits)
    if got is None:
        return False
    cc, rest = got
    if not rest or len(rest) > 17:
        return False
    num = phonenumbers.PhoneNumber(country_code=cc, national_number=int(rest))
    if cc == 1 and len(rest) == 10 and (valid_for_region(num, "US") or valid_for_region(num, "CA")):
        return True  # skips the walk over all 25 NANP regions for the common case
    if rest[0] == "0":
        num.italian_leading_zero = True
        zeros = len(rest) - len(rest.lstrip("0"))
        if zeros > 1:
            num.number_of_leading_zeros = zeros
    return valid_number(num)


def intl_plausible(digits: str) -> bool:
    """'+' + digits in a phone context: a known calling code and a length its numbers can have (one
    trunk '0' after the code, "+44 (0)20 ...", is dropped)."""
    got = _split_cc(digits)
    if got is None:
        return False
    cc, rest = got
    if rest[:1] == "0" and cc not in (39, 378, 379):  # Italy, San Marino, Vatican keep their 0
        rest = rest[1:]
    if len(set(rest)) < 3:
        return False  # +1 000 000 0000: a placeholder
    if cc == 1:
        return len(rest) == 10 and rest[0] in US_DIGIT
    return len(rest) in _CC_LEN.get(cc, ())


def intl_loose(digits: str, lenient: bool) -> bool:
    """'+' + digits that fail the numbering plan: a known calling code and, in a phone context, a national
    part of 6 to 13 digits (E.164 allows 15 in all); without one, a national part whose length that
    country's numbers can have, read with or without a leading 0 ('+354 079 2151', '+90 012 307 91 02'),
    or of 8 to 12 digits. The '+' is itself a cue; a generator, a typo or a new range does not make the
    number any less personal."""
    got = _split_cc(digits)
    if got is None or len(digits) > 15:
        return False
    cc, rest = got
    if cc == 1 or len(set(rest)) < 3:
        return False  # (NANP numbers have one layout, which intl_plausible knows: "+1 123 ..." is none)
    if lenient:
        return 6 <= len(rest) <= 13
    lengths = _CC_LEN.get(cc, ())
    return len(rest) in lengths or (rest[:1] == "0" and len(rest) - 1 in lengths) or 8 <= len(rest) <= 12


def _year(g: str) -> bool:
    return len(g) == 4 and g[:2] in ("19", "20")


def date_shaped(raw: str, parts: list[str] | None = None) -> bool:
    """A date in any separators: year, month, day or day, month, year ('2025 03 14', '14 03 2025')."""
    if parts is None:
        parts = digit_groups(raw)
    if len(parts) != 3:
        return False
    a, b, c = parts
    if _year(a) and len(b) <= 2 and len(c) <= 2:
        return 1 <= int(b) <= 12 and 1 <= int(c) <= 31
    if _year(c) and len(a) <= 2 and len(b) <= 2:
        return 1 <= int(a) <= 31 and 1 <= int(b) <= 31 and min(int(a), int(b)) <= 12
    return False


def amount_shaped(raw: str, parts: list[str] | None = None) -> bool:
    """Thousands separated by blanks or dots: a first group of one digit, or a round last group ('4 500 000',
    '12.250.000'); '612 604 338' keeps its phone reading."""
    if parts is None:
        parts = digit_groups(raw)
    return len(parts) > 2 and all(len(p) == 3 for p in parts[1:]) and (len(parts[0]) == 1 or parts[-1] == "000")


def phone_shaped(raw: str, digits: str, parts: list[str] | None = None) -> bool:
    """Laid out like a phone number, for a run in a phone context whose numbering plan does not know it:
    6 to 15 digits in at most six groups ('476 6970', '51-30-20-57', '(96) 829-325', '00 6994766',
    '(00898) 0980581'), a single digit only as the first group ('1-', a trunk '0 '); not a date or a year
    range ('2024 01 15', '1990-2004'), not a decimal or a price ('1299.00'), not one digit repeated."""
    if parts is None:
        parts = digit_groups(raw)
    n = len(digits)
    if not 6 <= n <= 15 or len(parts) > 6 or len(set(digits)) < 3:
        return False
    sizes = [len(p) for p in parts]
    if 1 in sizes[1:] or (len(parts) > 1 and max(sizes) > 8) or (len(parts) == 1 and n > 12):
        return False
    if date_shaped(raw, parts) or amount_shaped(raw, parts) or sizes == [3, 2, 4]:
        return False  # (3-2-4 is an SSN's layout: "000-93-4012" after "phone ... SSN examples:")
    if len(parts) == 2 and (_year(parts[0]) and _year(parts[1]) or ("." in raw or "," in raw) and sizes[1] <= 2):
        return False  # 1990-2004, 1299.00
    return True


def _national_num(digits: str, region: str):
    """PhoneNumber for a national-format number, built directly where the trunk prefix is a plain 0."""
    cc = phonenumbers.country_code_for_region(region)
    if region in _SIMPLE_TRUNK0 and digits[0] == "0" and len(digits) > 1 and digits[1] != "0":
        return phonenumbers.PhoneNumber(country_code=cc, national_number=int(digits[1:]))
    if region in _SIMPLE_TRUNK0 and digits[0] != "0" and region in ("ES", "PT", "DK", "NO", "PL"):
        return phonenumbers.PhoneNumber(country_code=cc, national_number=int(digits))
    return phonenumbers.parse(digits, region)


def _suffix_regions() -> dict[str, tuple[re.Pattern[str], tuple[int, ...], str, re.Pattern[str] | None]]:
    """Regions of the national loops where phonenumbers.parse(digits, region) of a string of digits keeps a
    suffix of them as the national significant number: no national-prefix transform rule, or one that
    keeps a suffix (JP's '\\1' keeps the whole number, BR's '\\2' the part after a carrier code). With
    each: its international dialling prefix, the lengths of its numbers, its calling code and its national
    prefix for parsing."""
    keeps_suffix = {"JP": "\\1", "BR": "\\2"}
    out = {}
    for region in set(_NATIONAL0_REGIONS) | set(_CONTEXT_REGIONS):
        md = phonenumbers.PhoneMetadata.metadata_for_region(region)
        if md is None or md.national_prefix_transform_rule not in (None, keeps_suffix.get(region)):
            continue
        idd = re.compile(md.international_prefix or "NonMatch")
        prefix = re.compile(md.national_prefix_for_parsing) if md.national_prefix_for_parsing else None
        out[region] = (idd, tuple(md.general_desc.possible_length), str(md.country_code), prefix)
    return out


_SUFFIX_REGIONS = _suffix_regions()


def _known_nsn(digits: str, region: str) -> str | None:
    """The national significant number of `_national_num(digits, region)` where it is known without parsing
    (None elsewhere): the digits after a plain trunk 0, the digits of a region without a trunk prefix, or
    the digits themselves, leading zeros included, where they start with none of what parse reads off the
    front (the region's international prefix, its calling code, its national prefix for parsing). Digits
    of another script ('٠٥٩٨...') are left to phonenumbers, which reads them as ASCII digits."""
    if not digits.isascii():
        return None
    if region in _SIMPLE_TRUNK0 and digits[0] == "0" and len(digits) > 1 and digits[1] != "0":
        return digits[1:]
    if region in _SIMPLE_TRUNK0 and digits[0] != "0" and region in ("ES", "PT", "DK", "NO", "PL"):
        return digits
    known = _SUFFIX_REGIONS.get(region)
    if known is not None and known[0].match(digits) is None and not digits.startswith(known[2]) and (
            known[3] is None or known[3].match(digits) is None):
        return digits
    return None


def _national_valid(digits: str, region: str) -> bool:
    """`valid_for_region(_national_num(digits, region), region)`, raising what that raises, without building
    a number where its national significant number is known (_known_nsn), and without parsing where the
    answer is known: unless `digits` start with the region's international prefix (the one case where
    parse raises, or reads another calling code), parse keeps a suffix of them as the national significant
    number, and a valid number is one of its region's lengths that its patterns match (phones.valid_nsn);
    when no suffix of a possible length matches, parse would not raise and the number is not valid."""
    if not digits.isascii():
        return valid_for_region(_national_num(digits, region), region)
    nsn = _known_nsn(digits, region)
    if nsn is not None:
        return valid_nsn(nsn, region)
    known = _SUFFIX_REGIONS.get(region)
    if known is not None and known[0].match(digits) is None:
        n = len(digits)
        if not any(length <= n and valid_nsn(digits[n - length:], region) for length in known[1]):
            return False
    return valid_for_region(phonenumbers.parse(digits, region), region)


_FIRST_GROUP = re.compile(r"(\\\d)")  # phonenumbers' _FIRST_GROUP_PATTERN: the "\1" of a format rule
_FORMATS: dict[int, list[tuple[re.Pattern[str] | None, re.Pattern[str], str]]] = {}  # per calling code: finite


def _national_formats(cc: int) -> list[tuple[re.Pattern[str] | None, re.Pattern[str], str]]:
    """The NATIONAL formats of a calling code's main region as phonenumbers applies them (its last, most
    detailed leading-digits pattern, the number pattern, the rule with the national prefix formatting
    rule put in for the first group), compiled once."""
    got = _FORMATS.get(cc)
    if got is None:
        md = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(
            cc, phonenumbers.region_code_for_country_code(cc))
        got = []
        for f in md.number_format:
            leading = re.compile(f.leading_digits_pattern[-1]) if len(f.leading_digits_pattern) > 0 else None
            rule = f.format
            if f.national_prefix_formatting_rule:
                rule = _FIRST_GROUP.sub(f.national_prefix_formatting_rule, rule, count=1)
            got.append((leading, re.compile(f.pattern), rule))
        _FORMATS[cc] = got
    return got


def _national_format(digits: str, region: str) -> str:
    """`phonenumbers.format_number(_national_num(digits, region), NATIONAL)` of a number of `region`'s own
    calling code (one _national_valid called valid): the first format whose leading digits and pattern
    fit, applied as phonenumbers applies it, without its per-call pattern lookups."""
    nsn = _known_nsn(digits, region)
    if nsn is None:
        nsn = phonenumbers.national_significant_number(_national_num(digits, region))
    for leading, pattern, rule in _national_formats(phonenumbers.country_code_for_region(region)):
        if (leading is None or leading.match(nsn)) and pattern.fullmatch(nsn):
            return pattern.sub(rule, nsn)
    return nsn


def _drop_trunk(raw: str) -> str:
    """'+44 (0)20 7946 0958' -> '+44 20 7946 0958': the optional trunk 0 in brackets after the code."""
    i = raw.find("(0)")
    return raw[:i] + raw[i + 3:] if i > 0 else raw


def phone_ok(raw: str, digits: str, has_context: bool, spaced_out: bool, lenient: bool = False,
             whole: bool = False, parts: list[str] | None = None) -> bool:
    """Validity (always enough) or, when `lenient` (a phone cue and no line break inside the value: a
    CSV's "...,09767\n8733,..." under a "phone" header is two fields), plausibility (see the module
    docstring). `has_context` alone relaxes only the grouping of valid numbers. A `whole` run (not a part
    cut from a longer one) may also pass on its layout alone: intl_loose, or in a phone context
    phone_shaped. `parts`: digit_groups(raw), where the caller has them."""
    if parts is None:
        parts = digit_groups(raw)
    try:
        if raw.lstrip("( \t").startswith("+") or (digits.startswith("00") and len(digits) > 9):
            if "(0)" in raw:
                digits = NONDIGIT.sub("", _drop_trunk(raw))
            d = digits.lstrip("+")
            if d.startswith("00"):
                d = d[2:]
            if intl_valid(d):
                return True
            # a '+', a known calling code and a possible length: a phone-shaped number (the '+' is itself
            # a cue); without another cue it must be written cleanly and hold nine digits or more
            if "\n" in raw:
                return False
            if intl_plausible(d) and (lenient or len(d) >= 9):
                return True
            if whole and raw.lstrip("( \t").startswith("+"):
                return intl_loose(d, lenient) and (lenient or len(d) >= 9)
            # '00' then digits that are no international number: in a phone context, read by its layout
            return lenient and whole and phone_shaped(raw, digits, parts)
        g = [len(p) for p in parts]
        n = len(digits)
        if lenient and n in (10, 11) and digits[n - 10] in US_DIGIT and (n == 10 or digits[0] == "1") and (
                g[-3:] == [3, 3, 4] or len(g) == 1 or spaced_out):
            # NANP layout in a phone context: area code 2-9, any exchange (numbers not yet in service)
            return len(set(digits[-7:])) > 1  # (415) 000-0000 is a placeholder
        if lenient and whole and phone_shaped(raw, digits, parts):
            return True  # the answer of the last line, known before any region is parsed (the loop only adds)
        if nanp_shaped(digits):
            if _nanp_valid(digits) and (has_context or spaced_out or len(g) == 1 or g in ([3, 3, 4], [1, 3, 3, 4])):
                return True
        if lenient and digits[0] == "0" and digits[1] != "0" and 9 <= n <= 13:
            return True  # a trunk-0 national number, of any region (the built-in list is not the world;
            # "(0847) 101480025": a trunk 0 and twelve digits, as Austria and Germany have them)
        regions = (_NATIONAL0_REGIONS if digits[0] == "0" else ()) + (_CONTEXT_REGIONS if has_context else ())
        for region in regions:
            if not _length_fits(digits, region):
                continue
            if not _national_valid(digits, region):
                continue
            if has_context or spaced_out or len(g) == 1:
                return True
            national = groups_of(_national_format(digits, region))
            if g == national or (len(g) > 1 and g[0] == national[0] and phone_shaped(raw, digits, parts)):
                return True  # its country's layout, or its area code as the country writes it and the rest in
                # any phone-like grouping ('0161 4960837', '(0141) 4960287' for 0161 496 0837)
        if has_context:
            if not digits.startswith("0") and intl_valid(digits):
                return True  # "phone: 4930120796" - an international number written without its '+'
    except (phonenumbers.NumberParseException, ValueError):
        pass  # ("00 6994766" read in a region: no number there, but perhaps one by its layout)
    return lenient and whole and phone_shaped(raw, digits, parts)
