"""Addresses with no context word (address_anchor.py): read back from a UK postcode or a US state and ZIP, a dwelling
unit before a street line, a UK country closing a block; in any case and with any separators. Examples are our own,
in the manner of a fake-document generator that drops values into filler sentences (bench/address_faker.py)."""

from __future__ import annotations

import pytest

from service.redaction.detectors.address import ADDRESS
from service.redaction.detectors.address_anchor import uk_postcode
from service.redaction.detectors.base import ScanContext


def covering(engine, text: str, value: str) -> list[str]:
    """Types of the findings that overlap `value` in `text`; a finding must cover it whole."""
    s = text.index(value)
    e = s + len(value)
    found = [f for f in engine.analyze(text) if f.start < e and f.end > s]
    assert found, f"nothing found over {value!r}"
    assert len(found) == 1 and found[0].start <= s and found[0].end >= e, \
        [text[f.start:f.end] for f in found]
    return [f.entity_type for f in found]


def address_covers(text: str, value: str) -> bool:
    """Whether one LOCATION candidate of the address recognizer covers `value` whole (the engine may type the
    union with a PERSON reading of part of it either way)."""
    s = text.index(value)
    return any(a <= s and b >= s + len(value) for a, b, _, _ in ADDRESS.find(ScanContext(text)))


@pytest.mark.parametrize("value", [
    # UK, postcode last, every separator, unit or number, lower-case street words and postcodes
    "Flat 4 Hartley lane\nNorth Graceton\nLS9 3QT",
    "Studio 2\nMorgan squares\nWest Ianside\nb23 7hx",
    "17 Kerr fields, Lake Alisonbury, CB4 1ZZ",
    "Flat 11c, Oswin Parade, Tillbury, NE6 2RT, SCOTLAND",
    "Ashcombe House\n12 Tilly Row\nNorth Vernside\nGL5 3QB",
    "Block Fennimore Studio 7 Quarry Mews Portwell EX4 9LJ GB",
    "52B ABBOTT HILLS\nKESTONFORD\nDN3 1WZ",
    "41 tamsin ridges, hollowmere, pr2 6xa",
    "Garrick Knoll\nSouth Elverton\nme14 5ld",
    # UK without a postcode: a flat before the street line, a country after the city
    "Flat 9 Prior Walk Eastmere",
    "flat 2 tanner row\nwexham",
    "71 Garrow Knolls East Pennyshire Scotland",
    "Tarrant Field\nWexborough\nBritain",
    "Lowther Building\n8 Sable Fords\nUpper Ditton\nWALES",
    # US: no house number, a letter after it, spaces only, lower or upper case
    "912b Oakridge Crossing, Port Melissa, OR 97211",
    "Oakridge Crossing Apt. 331 Port Melissa, OR 97211",
    "Harlan Overpass Suite 204\nEast Tobyton, PW 96940",
    "Quill Ridges\nLake Odaville\nNV 89011",
    "4657 jackie grove\nhollandmouth, nh 50816",
    "8812 BRENNAN NECK LAKE ODETTEVILLE MH 60411",
    "602 Corbin Curve Fernbury WI 53703",
    # military, any case and separators
    "psc 4471, box 2093\napo ae 09123",
    "USNV Harper\nFPO AP 96612",
    "Unit 2231 Box 7781, DPO AA 34022",
])
@pytest.mark.parametrize("frame", ["{}", "sed quia {} velit esse.", "Quo dolor.\n{}\nnon numquam", "amet. {}. Eius"])
def test_whole_address_without_context(engine, value, frame):
    text = frame.format(value)
    covering(engine, text, value)
    assert address_covers(text, value)


@pytest.mark.parametrize("code", ["CB4 1ZZ", "SW1A 1AA", "EC1A 1BB", "W1A 0AX", "M1 1AE", "LE14 7TB", "G07 2GS"])
def test_uk_postcode_alone(engine, code):
    assert covering(engine, f"Adipisci {code} eius modi.", code) == ["LOCATION"]


@pytest.mark.parametrize("out_code, in_code, ok", [
    ("CB4", "1ZZ", True), ("cb4", "1zz", True), ("SW1A", "1AA", True), ("W1A", "0AX", True),
    ("Cb4", "1zz", False),  # mixed case
    ("QX1", "2AB", False),  # no such area
    ("CB4", "1CZ", False),  # C never in the inward code
    ("W1I", "2AB", False),  # I never after a one-letter area's digit
    ("SW1C", "1AA", False),  # C never after a two-letter area's digit
])
def test_uk_postcode_shape(out_code, in_code, ok):
    assert uk_postcode(out_code, in_code) is ok


@pytest.mark.parametrize("text", [
    "cb4 1zz",  # a lower-case code alone: letter-digit pairs are common in notes and code
    "the e4 5aa move",
    "The SSD M2 4GB is fast.",  # a size
    "Suite 1 Test Run passed on the second try.",  # a test suite, not a dwelling
    "Unit 3 Grammar Course starts on Monday.",
    "We toured Hyde Park, London, England last year.",  # a landmark and a city in prose
    "Data Center\nOperations\nEngland",
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit. Sed do eiusmod tempor incididunt ut labore.",
    "Quaerat Voluptatem. Magnam Aliquam Quaerat Est. Dolore Magnam Velit.",
    "I love England and Wales.",
    "Studio 97 Better End was the last track.",  # a weak street word after words of the language, not names
    "Flat 57 Movie Well, then home.",
    "Studio 19 Religious Happy close. That is all.",  # a lower-case street word after capitalised words
    "Invoice 318 Style SPRING catalogue",  # an upper-case weak street word after a name that is not
])
def test_no_location(engine, text):
    assert [text[f.start:f.end] for f in engine.analyze(text) if f.entity_type == "LOCATION"] == []


class _CountingHead:
    """Stands in for a head pattern and counts its searches."""

    def __init__(self, pattern):
        self.pattern, self.searches = pattern, 0

    def search(self, *args):
        self.searches += 1
        return self.pattern.search(*args)


@pytest.mark.parametrize("motif", ["UK ", "Wales ", "Scotland ", "In Great Britain And The UK Officers Review. "])
def test_country_words_without_a_street_are_not_searched(monkeypatch, motif):
    """A head search costs about 200 us; one per country word (overlapping 160-character windows) made 64 KB
    of 'UK ' cost five seconds. A window without a street word holds no head and is not searched."""
    from service.redaction.detectors import address_anchor as aa

    cased, lower = _CountingHead(aa.HEAD_CASED), _CountingHead(aa.HEAD_LOWER)
    monkeypatch.setattr(aa, "HEAD_CASED", cased)
    monkeypatch.setattr(aa, "HEAD_LOWER", lower)
    text = motif * 500
    out: list = []
    aa.find_country_closed(text, text.lower(), set(text.lower().replace(".", " ").split()), out)
    assert out == [] and cased.searches + lower.searches == 0


def test_country_windows_never_overlap(monkeypatch):
    """Each country word's window starts after the previous one: a street line before many country words is
    searched once, and the address is still found."""
    from service.redaction.detectors import address_anchor as aa

    cased = _CountingHead(aa.HEAD_CASED)
    monkeypatch.setattr(aa, "HEAD_CASED", cased)
    text = "13 Stephanie Mill Ireneton Scotland" + " UK" * 40
    out: list = []
    aa.find_country_closed(text, text.lower(), set(text.lower().split()), out)
    assert [text[s:e] for s, e, *_ in out] == ["13 Stephanie Mill Ireneton Scotland"]
    assert cased.searches == 1
