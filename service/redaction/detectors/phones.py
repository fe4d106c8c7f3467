"""Phone number validity from phonenumbers' metadata, answering exactly what phonenumbers answers.

`phonenumbers.is_valid_number_for_region` works out the number's *type* and calls it valid when the
type is not UNKNOWN: it tries the region's general pattern, then eight rare types (premium rate, toll
free, shared cost, VoIP, personal, pager, UAN, voicemail) and only then fixed line and mobile, each with
two regular-expression calls. Validity needs only whether *some* type matches, so here the patterns of
every type a number of that length can have are one pattern of alternatives, fixed line and mobile first
(`_any_type`, built once per region and length): an ordinary number costs two pattern calls instead of
up to twenty-two, and a number of no type (an unassigned area code) no longer walks all eleven types in
Python. On a request those patterns are rarely in the CPU cache (JP's fixed-line pattern alone is
kilobytes), which is where the time went: digit runs cost the redaction engine twice as much inside a
server as on their own. The region of a number (`region_for`: phonenumbers' region_code_for_number, whose
own type walk made '+44 ...' cost four of them) uses the same test; metadata and the national significant
number are phonenumbers' own public functions; a pattern is matched as phonenumbers matches it (the
possible lengths first, then the whole national number). tests/redaction/test_phones.py compares the
answers with phonenumbers' for every region's example numbers, their neighbours and random numbers, so a
release that changes the rules fails there first.
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import PhoneMetadata

_COMPILED: dict[str, re.Pattern[str]] = {}  # metadata patterns: a fixed, finite set
_RARE = ("premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager", "uan", "voicemail")
_TYPES = ("fixed_line", "mobile", *_RARE)
_ANY_TYPE: dict[tuple[str, int, int], re.Pattern[str] | None] = {}  # (region, calling code, length): finite
_NSN_PATTERNS: dict[tuple[str, int], tuple[re.Pattern[str], re.Pattern[str]] | None] = {}  # (region, length)


def _matches(nsn: str, desc: object) -> bool:
    """phonenumbers' `_is_number_matching_desc`: possible lengths (when listed), then a full match."""
    if desc is None:
        return False
    lengths = desc.possible_length  # type: ignore[attr-defined]
    if len(lengths) > 0 and len(nsn) not in lengths:
        return False
    pattern = desc.national_number_pattern  # type: ignore[attr-defined]
    if not pattern:
        return False
    return _compiled(pattern).fullmatch(nsn) is not None


def _any_type(metadata: PhoneMetadata, length: int) -> re.Pattern[str] | None:
    """One pattern for "fixed line, mobile or a rare type" at one national number length: the patterns of
    the types whose possible lengths hold `length` (or list none), as alternatives. A full match of the
    alternatives is a full match of one of them, so this answers what the type-by-type walk answers,
    in one call into the regex engine."""
    key = (metadata.id, metadata.country_code, length)
    if key in _ANY_TYPE:
        return _ANY_TYPE[key]
    alts = []
    for name in _TYPES:
        if name == "mobile" and metadata.same_mobile_and_fixed_line_pattern:
            continue  # (phonenumbers skips it: the fixed-line pattern already answered)
        desc = getattr(metadata, name)
        if desc is None:
            continue
        lengths = desc.possible_length
        if (len(lengths) > 0 and length not in lengths) or not desc.national_number_pattern:
            continue
        alts.append("(?:" + desc.national_number_pattern + ")")
    compiled = _ANY_TYPE[key] = re.compile("|".join(alts)) if alts else None
    return compiled


def _has_type(nsn: str, metadata: PhoneMetadata) -> bool:
    if not _matches(nsn, metadata.general_desc):
        return False
    pattern = _any_type(metadata, len(nsn))
    return pattern is not None and pattern.fullmatch(nsn) is not None


def valid_for_region(num: phonenumbers.PhoneNumber, region: str | None) -> bool:
    """`phonenumbers.is_valid_number_for_region(num, region)`."""
    if region is None:
        return False
    country_code = num.country_code
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(country_code, region.upper())
    if metadata is None or (region != phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY
                            and country_code != phonenumbers.country_code_for_valid_region(region)):
        return False
    return _has_type(phonenumbers.national_significant_number(num), metadata)


def _compiled(pattern: str) -> re.Pattern[str]:
    compiled = _COMPILED.get(pattern)
    if compiled is None:
        compiled = _COMPILED[pattern] = re.compile(pattern)
    return compiled


def region_for(num: phonenumbers.PhoneNumber) -> str | None:
    """`phonenumbers.region_code_for_number(num)`: the only region of its calling code, or the first of
    them whose leading digits (where listed) or some type (elsewhere) the number has, with the type test
    above ("has some type" is "type not UNKNOWN")."""
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(num.country_code)
    if regions is None:
        return None
    if len(regions) == 1:
        return regions[0]
    nsn = phonenumbers.national_significant_number(num)
    for region in regions:
        metadata = PhoneMetadata.metadata_for_region(region.upper(), None)
        if metadata is None:
            continue
        if metadata.leading_digits is not None:
            if _compiled(metadata.leading_digits).match(nsn):
                return region
        elif _has_type(nsn, metadata):
            return region
    return None


def valid_number(num: phonenumbers.PhoneNumber) -> bool:
    """`phonenumbers.is_valid_number(num)`."""
    return valid_for_region(num, region_for(num))


def _nsn_patterns(region: str, length: int) -> tuple[re.Pattern[str], re.Pattern[str]] | None:
    """The general pattern and `_any_type` of `region` for national numbers of `length` digits, or None
    where no number of that length is valid (what `_has_type` asks, looked up once per region and length)."""
    key = (region, length)
    if key in _NSN_PATTERNS:
        return _NSN_PATTERNS[key]
    metadata = PhoneMetadata.metadata_for_region(region)
    got = None
    if metadata is not None and metadata.general_desc is not None:
        general = metadata.general_desc
        lengths = general.possible_length
        any_type = _any_type(metadata, length)
        if (len(lengths) == 0 or length in lengths) and general.national_number_pattern and any_type is not None:
            got = (_compiled(general.national_number_pattern), any_type)
    _NSN_PATTERNS[key] = got
    return got


def valid_nsn(nsn: str, region: str) -> bool:
    """`valid_for_region` of a number of `region`'s own calling code whose national significant number
    (leading zeros included) is the string `nsn`, without building the number."""
    patterns = _nsn_patterns(region, len(nsn))
    return patterns is not None and patterns[0].fullmatch(nsn) is not None and patterns[1].fullmatch(nsn) is not None
