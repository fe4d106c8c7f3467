"""Phone number validity from phonenumbers' metadata, answering exactly what phonenumbers answers.

`phonenumbers.is_valid_number_for_region` works out the number's *type* and calls it valid when the
type is not UNKNOWN: it tries the region's general pattern, then eight rare types (premium rate, toll
free, shared cost, VoIP, personal, pager, UAN, voicemail) and only then fixed line and mobile, each with
two regular-expression calls. Validity needs only whether *some* type matches, so here fixed line and
mobile come first and the first match ends the search: an ordinary number costs two or three patterns
instead of up to eleven. On a request those patterns are rarely in the CPU cache (JP's fixed-line
pattern alone is kilobytes), which is where the time went: digit runs cost the redaction engine twice
as much inside a server as on their own. Region resolution, metadata and the national significant
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
    compiled = _COMPILED.get(pattern)
    if compiled is None:
        compiled = _COMPILED[pattern] = re.compile(pattern)
    return compiled.fullmatch(nsn) is not None


def _has_type(nsn: str, metadata: PhoneMetadata) -> bool:
    if not _matches(nsn, metadata.general_desc):
        return False
    if _matches(nsn, metadata.fixed_line):
        return True
    # phonenumbers tries mobile on its own only where its pattern differs from the fixed-line one
    if not metadata.same_mobile_and_fixed_line_pattern and _matches(nsn, metadata.mobile):
        return True
    return any(_matches(nsn, getattr(metadata, name)) for name in _RARE)


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


def valid_number(num: phonenumbers.PhoneNumber) -> bool:
    """`phonenumbers.is_valid_number(num)`."""
    return valid_for_region(num, phonenumbers.region_code_for_number(num))
