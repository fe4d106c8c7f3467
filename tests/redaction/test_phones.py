"""`detectors.phones` answers exactly what phonenumbers answers, for every region it knows."""

from __future__ import annotations

import phonenumbers
from hypothesis import given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberType

from service.redaction.detectors.phones import valid_for_region, valid_number

TYPES = [v for k, v in vars(PhoneNumberType).items() if k.isupper() and isinstance(v, int)]
CODES = sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)


def _neighbours(num: phonenumbers.PhoneNumber) -> list[phonenumbers.PhoneNumber]:
    """The number itself and numbers one edit away: every last digit, a digit dropped or added, the first
    digit changed (valid and invalid ones, of lengths either side of the possible ones)."""
    nsn = phonenumbers.national_significant_number(num)
    variants = {nsn, nsn[:-1], nsn + "0", nsn + "7"} | {nsn[:-1] + d for d in "0123456789"} | {
        d + nsn[1:] for d in "123456789"}
    out = []
    for v in sorted(variants):
        if v and v.isdigit() and len(v) <= 17:
            n = phonenumbers.PhoneNumber(country_code=num.country_code, national_number=int(v))
            if v.startswith("0"):
                n.italian_leading_zero = True
            out.append(n)
    return out


def _agree(num: phonenumbers.PhoneNumber, regions: list[str]) -> None:
    assert valid_number(num) == phonenumbers.is_valid_number(num), num
    for region in regions:
        assert valid_for_region(num, region) == phonenumbers.is_valid_number_for_region(num, region), (num, region)


def test_every_regions_example_numbers_and_their_neighbours() -> None:
    checked = valid = 0
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in TYPES:
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE[example.country_code]
            for num in _neighbours(example):
                _agree(num, [*regions, "US", "GB"])
                checked += 1
                valid += phonenumbers.is_valid_number(num)
    for code in phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS:  # +800, +882, ...: region "001"
        example = phonenumbers.example_number_for_non_geo_entity(code)
        if example is not None:
            for num in _neighbours(example):
                _agree(num, ["001"])
                checked += 1
    # both answers occur in bulk: the comparison is not between two functions that always say no
    assert checked > 20_000 and 0.1 < valid / checked < 0.9


@settings(max_examples=3000, deadline=None, derandomize=True, database=None)
@given(st.sampled_from(CODES), st.text("0123456789", min_size=1, max_size=17), st.booleans())
def test_random_numbers(code: int, digits: str, leading_zero: bool) -> None:
    num = phonenumbers.PhoneNumber(country_code=code, national_number=int(digits))
    if leading_zero and digits.startswith("0"):
        num.italian_leading_zero = True
        num.number_of_leading_zeros = len(digits) - len(digits.lstrip("0")) or None
    _agree(num, [*phonenumbers.COUNTRY_CODE_TO_REGION_CODE[code], "US", "DE", None])  # type: ignore[list-item]


def test_the_region_must_match_the_country_code() -> None:
    us = phonenumbers.parse("+1 415 555 2671")
    assert valid_for_region(us, "US") and not valid_for_region(us, "GB") and not valid_for_region(us, None)
    assert valid_number(phonenumbers.parse("+81 90 1234 9390")) and not valid_number(phonenumbers.parse("+81 90 1234"))
