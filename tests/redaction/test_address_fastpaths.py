"""The address recognizer's speed devices find exactly what the plain scans they replace find.

Each test draws texts from pieces that make the device's cases likely (house numbers, capitals, unit words,
street abbreviations, separators, non-ASCII letters and digits) and compares the fast path with the plain
one written out here.
"""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from service.redaction.detectors import address as address_mod
from service.redaction.detectors import address_block, address_context
from service.redaction.detectors.base import ScanContext

_PIECES = [
    "0", "12", "4479", "123456", "1234567", "4B", "12a", " ", "  ", "\t", ",", ", ", ".", "\n", "\r\n", "-", "'",
    "_", ":", "#", "/", "A", "Main", "St", "Street", "ul.", "al.", "pl.", "os.", "u.", "th", "rd", "nd", "st",
    "Apt", "APT", "apt", "Apt.", "Suite", "SUITE", "suite", "Unit", "unit", "Flat", "flat", "Apartment", "apartment",
    "adapt", "N.", "Fitjabraut", "vei", "x", "é", "Ø", "٣", "²", "ſuite", "$", "€", "+", "/",
]
# a unit, a house number and a street that ends its line, in any letter case ("Apartment 5 12 Main St\n")
_unit_lines = st.builds(
    lambda unit, dot, num, name, brk: f"{unit}{dot} {num} 12 {name}{brk}",
    st.sampled_from(["apt", "apartment", "suite", "unit", "flat"]).flatmap(
        lambda w: st.sampled_from([w, w.upper(), w.capitalize()])),
    st.sampled_from(["", "."]), st.sampled_from(["5", "4B", "12345"]),
    st.sampled_from(["Main St", "N. Oak", "Fitjabraut", "Ilichova"]), st.sampled_from(["\n", "\r\n", " x"]))
_texts = st.lists(st.one_of(st.sampled_from(_PIECES), _unit_lines), max_size=40).map("".join)
# a number, a separator and a word: the shape seeds ("0 A", "0A A", "0a A", "0 ul.", "0, A", "0th A"...) and their
# near misses, between other pieces
_seeded = st.builds(lambda a, b, c: a + b + c, st.sampled_from(["0", "12", "4B", "7a", "3th", "2nd", "x"]),
                    st.sampled_from([" ", "  ", ", ", ",", "\t", ""]),
                    st.sampled_from(["A", "Main", "ul.", "al.", "pl.", "os.", "u.", "us.", "ul", "u", "main"]))
_ascii_texts = st.lists(st.one_of(_seeded, st.sampled_from([" ", ".", "\n", "x", "0"])), max_size=20).map("".join)


def _plain_number_starts(shape: bytes) -> list[int]:
    ends = []
    for seed in address_block._SHAPE_SEEDS:
        i = shape.find(seed)
        while i >= 0:
            ends.append(i + 1)
            i = shape.find(seed, i + 1)
    starts = []
    for e in sorted(set(ends)):
        k = e
        while k > 0 and e - k < 6 and shape[k - 1] == 48:
            k -= 1
        starts.append(k)
    return starts


@settings(max_examples=400, deadline=None)
@given(_ascii_texts)
def test_shape_seeds_in_one_scan(text):
    shape = ScanContext(text).shape
    assert address_block._number_starts(text, shape) == _plain_number_starts(shape)


@settings(max_examples=400, deadline=None)
@given(_ascii_texts)
def test_number_before_a_capital_in_one_scan(text):
    shape = ScanContext(text).shape
    plain = (b"0 A" in shape or b"0A A" in shape or b"0, A" in shape or any(
        o in shape for o in (b"0th A", b"0rd A", b"0nd A", b"0st A")) or any(
        b"0" + bytes([c]) + b" A" in shape for c in range(97, 123)))  # "912b Oakridge"
    assert (address_mod._NUMBER_THEN_CAPITAL.search(shape) is not None) == plain


def _span(m):
    return None if m is None else m.span()


@settings(max_examples=600, deadline=None)
@given(_texts, st.data())
def test_line_before_a_unit_searched_from_its_body(text, data):
    end = data.draw(st.integers(0, len(text)))
    lo = data.draw(st.integers(0, end))
    pat = address_context.LINE_BEFORE_UNIT
    start = address_context.line_search_start(text, lo, end)
    assert lo <= start <= end
    assert _span(pat.search(text, start, end)) == _span(pat.search(text, lo, end))


@settings(max_examples=600, deadline=None)
@given(_texts)
def test_unit_lines_tried_at_unit_words(text):
    ctx = ScanContext(text)
    plain = [m.span() for m in address_block._UNIT_THEN_LINE.finditer(text)]
    fast = [m.span() for m in address_block.unit_then_lines(text, ctx.lower, ctx.shape is not None)]
    assert fast == plain


def test_unit_lines_examples():
    text = "Suite 963 4553 124 N. Stadion\nLarnaka LA 6019 and apt 4 12 Main St\n"
    ctx = ScanContext(text)
    fast = [m.span() for m in address_block.unit_then_lines(text, ctx.lower, True)]
    assert fast == [m.span() for m in address_block._UNIT_THEN_LINE.finditer(text)] != []


def test_line_before_a_unit_examples():
    pat = address_context.LINE_BEFORE_UNIT
    for text in ("here they are: 55910 24 Church St ", "Covillon\nRIGHT ON Co.Ltd.\n51178 Keskiortentie 4 ",
                 "x1234567 Main St 5,\n", "(12 Main 4 ", "a: b 7 Long Road 12\r\n"):
        end = len(text)
        plain = pat.search(text, 0, end)
        assert plain is not None
        assert _span(pat.search(text, address_context.line_search_start(text, 0, end), end)) == plain.span()


@settings(max_examples=400, deadline=None)
@given(_texts, st.data())
def test_house_number_starts_with_the_lookbehind_after_the_digit(text, data):
    end = data.draw(st.integers(0, len(text)))
    lo = data.draw(st.integers(0, end))
    plain = re.compile(r"(?<![\w$€£¥.,:/#+-])\d")
    assert [m.span() for m in address_mod._NUM_START.finditer(text, lo, end)] == \
        [m.span() for m in plain.finditer(text, lo, end)]


# a character before, a UK postcode or a US state and ZIP (or near misses), a character after
_postcode_texts = st.lists(st.builds(
    lambda a, b, c, d: a + b + c + d, st.sampled_from(["", " ", "-", "x", "_", "é", "1", ",", "\n"]),
    st.sampled_from(["SW1A", "W1", "EC1A", "A", "NY", "OR", "É", "1"]), st.sampled_from([" ", "\t", "", "-"]),
    st.sampled_from(["2AA", "1AB", "1BC", "12345", "12345-6789", "1234", "2CA", "é", "x"])), max_size=6).map("".join)


@settings(max_examples=600, deadline=None)
@given(_postcode_texts)
def test_postcode_scans_with_the_lookbehind_after_the_first_capital(text):
    from service.redaction.detectors.address_context import ZIP
    plain_uk = re.compile(r"(?<![\w-])[A-Z]{1,2}\d[A-Z\d]?[ \t]\d[ABD-HJLNP-UW-Z]{2}(?![\w])")
    plain_us = re.compile(r"(?<![\w-])(?P<st>[A-Z]{2})[ \t]" + ZIP)
    assert [m.span() for m in address_mod._UK_ALONE.finditer(text)] == [m.span() for m in plain_uk.finditer(text)]
    assert [(m.span(), m.span("st")) for m in address_mod._US_ZIP_LINE.finditer(text)] == \
        [(m.span(), m.span("st")) for m in plain_us.finditer(text)]


# -- address_anchor.py: the head before an anchor is searched from the start of its token run ----------------------

_HEAD_PIECES = [
    " ", "  ", ", ", ",", "\n", "\r\n", "\t", ".", "-", "'", "#", "(", "x", "é", "12", "912b", "4", "Flat", "flat", "Apt.",
    "apt", "Studio", "Suite", "#4", "Oak", "OAK", "oak", "Lane", "lane", "LANE", "St.", "st.", "Crossing", "Murray",
    "House", "house", "Block", "North", "north", "Port", "Melissa", "melissa", "O'Neil", "the", "and", "Lorem", "a.b",
    "x#4", "(12", "_", "Ø",
]
_head_texts = st.lists(st.sampled_from(_HEAD_PIECES), max_size=45).map("".join)


@settings(max_examples=1500, deadline=None)
@given(_head_texts, st.booleans(), st.integers(min_value=0, max_value=60))
@example("x.Oak-Lane ", False, 0)  # a head opening inside a failing token, after its first non-word character
@example("Lorem (12 Oak Lane\nPort ", False, 0)
@example("12 oak lane\nnorth melissa ", True, 0)
def test_head_search_from_its_token_run(text, lower, floor):
    from service.redaction.detectors import address_anchor as anchor

    s = len(text)
    floor = min(floor, s)
    head = anchor.HEAD_LOWER if lower else anchor.HEAD_CASED
    plain = head.search(text, max(floor, s - anchor._BACK), s)
    fast = head.search(text, anchor.head_search_start(text, s, lower, floor), s)
    assert _span(plain) == _span(fast)
