"""Phone numbers with nothing around them that says "phone" (issue #13, found on scrubadub's documents).

A number that the numbering plan calls valid is a phone number even with no cue, as Presidio reads it: a
bare NANP number ('2125550143'), a UK number in any grouping people use ('0161 4960837', '(0141) 4960287'),
one with the international prefix and the bracketed trunk ('+44(0)131 496 0531', which a card check once
took for a 13-digit Visa). What keeps ids and counters out: validity (an unassigned area code, a length
no plan has) and the negative cues that already veto numbers in a phone's shape (order, invoice, ISBN).
"""

from __future__ import annotations

import pytest

from service.redaction.engine import RedactionEngine

LOREM = "Quibusdam animi {} tempora sunt."


@pytest.fixture(scope="module")
def engine() -> RedactionEngine:
    return RedactionEngine.default()


def _phone_spans(engine: RedactionEngine, text: str) -> list[str]:
    return [text[f.start:f.end] for f in engine.analyze(text) if f.entity_type == "PHONE_NUMBER"]


@pytest.mark.parametrize("number", [
    "2125550143",           # NANP, one block
    "3125551234",
    "01614960837",          # UK, one block
    "02079460958",
    "0161 4960837",         # UK, area code then the rest
    "(0141) 4960287",
    "(0113)4960441",
    "020 79460958",
    "+44(0)131 496 0531",   # international with the bracketed trunk
    "+44(0)1414960142",
    "+44(0)29 2018 0886",
])
def test_a_valid_number_is_a_phone_without_any_cue(engine, number):
    text = LOREM.format(number)
    assert _phone_spans(engine, text) == [number]


@pytest.mark.parametrize("text", [
    "The counter wraps at 4294967296 and starts again.",   # 2**32: area code 429 is unassigned
    "Order 2125550143 shipped on Monday.",                 # a negative cue before the number
    "Invoice no. 01614960837 is overdue.",
    "ISBN 0306406152 is the first edition.",
    "Elapsed 1733412345 seconds since the epoch.",         # NANP numbers never start with 1
])
def test_ids_and_counters_stay(engine, text):
    assert _phone_spans(engine, text) == []


def test_the_bracketed_trunk_is_never_a_card(engine):
    text = LOREM.format("+44(0)131 496 0531")
    assert [f.entity_type for f in engine.analyze(text)] == ["PHONE_NUMBER"]


@pytest.mark.parametrize("text", ["INT_MAX is 2147483647 on this platform.", "maxsize = 4294967295"])
def test_machine_limits_are_nobodys_number(engine, text):
    assert _phone_spans(engine, text) == []
