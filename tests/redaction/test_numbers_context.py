"""PHONE_NUMBER in a phone context: a phone-shaped number after (or before) a cue is a phone even when
the numbering plan does not know it, and a '+' number of plausible length is one; dates, times,
versions, prices, order numbers, ISBNs and coordinates in the same places stay. Also the UK_NINO layout
after a generic id key. Every example is written here."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.redaction.conftest import types_of


def phones(engine, text: str) -> list[str]:
    return [v for t, v in types_of(engine, text) if t == "PHONE_NUMBER"]


@pytest.mark.parametrize("text, value", [
    # cue words before the number that are not "phone"
    ("Nobody is answering at 384 2291, is the shop closed?", "384 2291"),
    ("I keep getting messages to 066 4183 2290 from your bot", "066 4183 2290"),
    ("No text messages reach my registered 712 604 338 any more", "712 604 338"),
    ("She called from 38-41-07-66 twice", "38-41-07-66"),
    ("the pager 0431-7720515 beeps", "0431-7720515"),
    # cue words after it
    ("Front desk\n612 4408 office\nback soon", "612 4408"),
    ("(71) 604-228 fax", "(71) 604-228"),
    ("reception 417 20 93 10 (mobile)", "417 20 93 10"),
    # six digits right after a label or a request for a number
    ("Contact\nPhone:\n47 18 92\n", "47 18 92"),
    ("Mobile: 63 05 71\nDesk: ext 5", "63 05 71"),
    ("Could the clerk call me at 58 22 13 tomorrow?", "58 22 13"),
    # a phone word before "no" or "#", one block of digits right after its cue
    ("Phone no. 384 2291", "384 2291"),
    ("Tel #: 384 2291", "384 2291"),
    ("just call me at 3842291 later", "3842291"),
    # six digits right after a verb asking for a call, or after messages/texts sent to them
    ("Or just ring 47 18 92 tonight", "47 18 92"),
    ("You may dial 63 05 71 from the lobby", "63 05 71"),
    ("She keeps getting texts to 58 22 13 from a bot", "58 22 13"),
    # a trunk 0 and twelve digits after a cue (an area code in brackets, the rest in one block)
    ('{"tel": "(0958) 310274466", "city": "Graz"}', "(0958) 310274466"),
])
def test_phone_shaped_numbers_after_a_cue(engine, text: str, value: str) -> None:
    assert phones(engine, text) == [value]


@pytest.mark.parametrize("text, value", [
    ('{"user": {"mobile": "(00) 4417 9023", "city": "Ulm"}}', "(00) 4417 9023"),
    ("BEGIN:VCARD\nFN:Pat Doe\nTEL;TYPE=work:00 5512093\nEND:VCARD", "00 5512093"),
    ("BEGIN:VCARD\nTEL;TYPE=cell:(00)733-1046\nEND:VCARD", "(00)733-1046"),
    ('id,name,phone,city\n17,Ola Berg,"(00) 6120 4471",Oslo\n18,Kim Ek,"(00) 6120 4472",Bergen\n',
     "(00) 6120 4471"),
    ("Thanks,\n--\nRuth\nTel: +98-511-90446121\n", "+98-511-90446121"),
    ('"mobile": "02.771.4409"', "02.771.4409"),
    ("[09:12] Ana: and your number?\n[09:13] Ben: (00731) 4402218\n", "(00731) 4402218"),
])
def test_odd_layouts_in_structured_places(engine, text: str, value: str) -> None:
    assert value in phones(engine, text)


@pytest.mark.parametrize("text, value", [
    ("Tove (640.318.227): on the train\nMe: ok", "(640.318.227)"),
    ("Rafa (733-410-926): running late\n", "(733-410-926)"),
    ("Ines ((21) 93305-1177): see you at 8\n", "(21) 93305-1177"),
])
def test_the_sender_of_a_text_message(engine, text: str, value: str) -> None:
    """'Name (number): text' - the number in brackets after a name and before a colon is the sender's."""
    assert phones(engine, text) == [value]


def test_a_whatsapp_link_names_its_number(engine) -> None:
    assert phones(engine, "ping me: https://wa.me/447700900123?text=hi") == ["447700900123"]
    assert phones(engine, "see https://example.org/items/447700900123") == []


@pytest.mark.parametrize("value", ["+354 081 4420", "+90 014 552 83 16", "+98-771-30552184"])
def test_plus_numbers_of_a_plausible_length(engine, value: str) -> None:
    """A '+', a known calling code and a plausible length: a phone with or without another cue."""
    assert phones(engine, f"Ask Lou (or {value}) about it") == [value]
    assert phones(engine, f"whatsapp {value}") == [value]


def test_a_csv_cell_wrapped_inside_its_quotes(engine) -> None:
    text = 'id,name,phone\n5,Eva Lind,"+354 0\r\n81 4420"\n6,Ari Sig,"+354 092 7715"\n'
    assert phones(engine, text) == ["+354 0\r\n81 4420", "+354 092 7715"]


def test_a_negative_word_ends_at_its_line(engine) -> None:
    """'PO' (a purchase order) on one line does not veto the phone on the next."""
    text = "Rua Nova 12, PO 4410\n(62) 917-403 office\n"
    assert phones(engine, text) == ["(62) 917-403"]


@pytest.mark.parametrize("text", [
    # dates, times and years in phone contexts
    "Call me on 2025 03 14 about it",
    "Phone booked for 14.03.2025, ring at 10 30 then",
    "Call log 1998-2004 archived",
    "Results (2019 2020): both years called off",
    "phone: 08:30 - 17:45 weekdays",
    "Mobile: 12 05 2024",
    # versions
    "mobile app version 4.12.0.1187 is out",
    "Phone firmware 10.3.19045.22 released",
    # prices and amounts
    "Call us: $1 299 000 for the whole lot",
    "phone plan costs 1299.00 a year",
    "mobile contract, amount 4 500 000",
    # order numbers, ISBNs, codes
    "call about order 4471 2290 881",
    "Phone the library: ISBN 978-3-16-148410-0",
    "text me the code 448 213 901",
    "call re account 6120 4471 93",
    # coordinates
    "Call when at 48.85661, 2.35222 please",
    # amounts, ids and plain numbers near a cue word
    "API calls 4 500 000 per day",
    "the answer is 1 234 567",
    "Enter a number like 2345678",
    "message id 202401151030 was dropped",
    "Contact us, ring buffer 1048576",
    # cue words that count only a few words before the number
    "Messages were archived last spring after the review; batch total 5521 8830",
    "Sales team called, revenue 556 46 833 EUR.",
    "we called twice, the result is 67567.79",
    # the tail of an account number after its IBAN head (a check digit that fails: no IBAN either)
    "phone banking is down; transfer to GB17 MIDL 4471 2290 88 instead",
    # an SSN's layout is no phone's, whatever the cue
    "phone line pending. Sample SSN list: 000-41-7730",
    # six digits without a label right before them
    "phone later, the score was 38 41 07",
    "We met 12 06 18 and called later",
    "please call me on 12 05 87 or after",
    "Phone: 10.30.45 was the time of the call",
    "call me at 14/06/92",
    "dial 14.06.92 into the log",
])
def test_look_alikes_in_phone_contexts_stay(engine, text: str) -> None:
    assert phones(engine, text) == []


@pytest.mark.parametrize("text", [
    "The ratio was +354 081 4420 to one",  # glued to no word but in prose: still a '+' number
])
def test_plus_numbers_are_phones_even_in_odd_prose(engine, text: str) -> None:
    assert phones(engine, text) == ["+354 081 4420"]


@pytest.mark.parametrize("text", [
    "offset +12 35",  # too short
    "value +1 123 456 7890",  # NANP area codes never start with 1
    "delta +99 123 456 789",  # no such calling code
    "score +33 000 000 000",  # a placeholder
])
def test_plus_numbers_that_are_no_phones(engine, text: str) -> None:
    assert phones(engine, text) == []


@pytest.mark.parametrize("text, value", [
    ('{"surname": "Holt", "id_number": "ZZ 447120 T"}', "ZZ 447120 T"),
    ("<person><id_number>QQ 12 34 56 A</id_number></person>", "QQ 12 34 56 A"),
])
def test_a_nino_layout_after_an_id_key(engine, text: str, value: str) -> None:
    assert ("UK_NINO", value) in types_of(engine, text)


def test_a_lower_case_word_after_an_id_key_is_no_nino(engine) -> None:
    assert all(t != "UK_NINO" for t, _ in types_of(engine, "my id number is 448213 a new one"))


_CUES = st.sampled_from(["Phone:", "call me on", "mobile", "Tel", "whatsapp", "messages to"])


@settings(max_examples=150, deadline=None)
@given(cue=_CUES, year=st.integers(1950, 2035), month=st.integers(1, 12), day=st.integers(1, 28),
       sep=st.sampled_from([" ", "-", ".", "/"]), day_first=st.booleans())
def test_dates_after_a_phone_cue_are_no_phones(engine, cue, year, month, day, sep, day_first) -> None:
    date = f"{day:02d}{sep}{month:02d}{sep}{year}" if day_first else f"{year}{sep}{month:02d}{sep}{day:02d}"
    assert phones(engine, f"{cue} {date} please") == []


@settings(max_examples=150, deadline=None)
@given(cue=_CUES, millions=st.integers(1, 9), rest=st.integers(0, 999), last=st.integers(0, 999),
       sep=st.sampled_from([" ", "."]), unit=st.sampled_from(["units", "people", "euros", "rows"]))
def test_amounts_after_a_phone_cue_are_no_phones(engine, cue, millions, rest, last, sep, unit) -> None:
    """Thousands groups after a one-digit head ('4 500 123 rows') read as an amount."""
    amount = f"{millions}{sep}{rest:03d}{sep}{last:03d}"
    assert phones(engine, f"{cue} {amount} {unit}") == []
