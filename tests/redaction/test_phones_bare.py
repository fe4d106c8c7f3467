"""Phone numbers with nothing around them that says "phone" (issue #13, found on scrubadub's documents).

A number that the numbering plan calls valid, standing alone in prose, is a phone number even with no cue,
as Presidio reads it: a bare NANP number ('2125550143'), a UK number in any grouping people use
('0161 4960837', '(0141) 4960287'), one with the international prefix and the bracketed trunk
('+44(0)131 496 0531', which a card check once took for a 13-digit Visa). What keeps ids and counters out:
validity (an unassigned area code, a length no plan has), the negative cues (order, invoice, ISBN), and,
for a bare block, code and data around it (an assignment, a key, an identifier before it, a unit after it).
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
    # code and data: a valid numbering plan is no sign there (a third of random 10-digit ids pass it)
    "order_id: 2125550143", "invoice_number=2125550143", '"customerId": 2125550143,',
    "trackingNumber 2125550143", "WHERE account_id = 3125550199;", "FNV = 2166136261",
    "const N = 8005550100;", "assert hash(x) == 6175550142",
    "The file is 2125550143 bytes.", "Found 2125550143 rows.",   # a unit after it
])
def test_ids_and_counters_stay(engine, text):
    assert _phone_spans(engine, text) == []


def test_the_bracketed_trunk_is_never_a_card(engine):
    text = LOREM.format("+44(0)131 496 0531")
    assert [f.entity_type for f in engine.analyze(text)] == ["PHONE_NUMBER"]


@pytest.mark.parametrize("text", ["INT_MAX is 2147483647 on this platform.", "maxsize = 4294967295"])
def test_machine_limits_are_nobodys_number(engine, text):
    assert _phone_spans(engine, text) == []


@pytest.mark.parametrize(("text", "number"), [
    ("Call me at (214) 748-3648 tomorrow.", "(214) 748-3648"),   # 2**31, formatted, after a phone cue
    ("Tel: 214-748-3648", "214-748-3648"),
    ("My cell: (858) 993-4592", "(858) 993-4592"),               # 2**33
    ("Phone: +1 717-986-9184", "+1 717-986-9184"),
])
def test_the_limits_rule_is_only_for_bare_digits(engine, text, number):
    assert _phone_spans(engine, text) == [number]
