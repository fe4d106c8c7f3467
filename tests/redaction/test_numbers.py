"""The digit-run family (phones, cards, SSNs, IPv4, IBANs, NINOs): values side by side, plausible but not
"valid" values in context, uncommon card layouts, split values and look-alikes that must stay.

Every example is written here; card and IBAN check digits are computed by the small reference
functions below (written independently of the validators under test)."""

from __future__ import annotations

import re

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.redaction.detectors import ScanContext
from service.redaction.detectors import numbers, numbers_iban
from tests.redaction.conftest import types_of


def luhn_complete(prefix: str) -> str:
    """`prefix` plus the one check digit that makes it Luhn-valid."""
    for d in "0123456789":
        s = prefix + d
        total = sum(int(c) if i % 2 == 0 else (2 * int(c)) // 10 + (2 * int(c)) % 10
                    for i, c in enumerate(reversed(s)))
        if total % 10 == 0:
            return s
    raise AssertionError("unreachable")


def iban_complete(country: str, bban: str) -> str:
    """An IBAN (upper case, compact) with ISO 7064 mod 97-10 check digits."""
    moved = bban + country + "00"
    check = 98 - int("".join(str(int(c, 36)) for c in moved)) % 97
    return f"{country}{check:02d}{bban}"


def grouped(digits: str, sizes: list[int], sep: str = " ") -> str:
    out, i = [], 0
    for n in sizes:
        out.append(digits[i:i + n])
        i += n
    return sep.join(out)


def found(engine, text: str, etype: str) -> list[str]:
    return [v for t, v in types_of(engine, text) if t == etype]


def invalid(number: str) -> bool:
    return not phonenumbers.is_valid_number(phonenumbers.parse(number))


# -- neighbours merged into one digit run -------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Contacts: +1 415 555 0132 +44 20 7946 0958", ["+1 415 555 0132", "+44 20 7946 0958"]),
    ("call Dana on 415 555 0132 416 555 0199 today", ["415 555 0132", "416 555 0199"]),
    ("tel 020 7946 0958 / 020 7946 0959", ["020 7946 0958", "020 7946 0959"]),
    ("reach me: +1 415 555 0132 +1 415 555 0199", ["+1 415 555 0132", "+1 415 555 0199"]),
    ("Contacts: (415) 555-0132 (416) 555-0199", ["(415) 555-0132", "(416) 555-0199"]),
])
def test_two_phone_numbers_separated_by_a_space_are_both_found(engine, text, expected):
    assert found(engine, text, "PHONE_NUMBER") == expected


def test_an_ssn_followed_by_a_card_number_gives_both(engine):
    card = grouped(luhn_complete("451203948811627"), [4, 4, 4, 4])
    text = f"SSN 219-45-7781 {card} on file"
    assert types_of(engine, text) == [("US_SSN", "219-45-7781"), ("CREDIT_CARD", card)]


@pytest.mark.parametrize("text, ip", [
    ("2024-05-01 10:22:31 192.168.4.17 GET /index.html", "192.168.4.17"),
    ("2024-05-01 192.168.4.17 login ok", "192.168.4.17"),
    ("server (10.0.0.12) is down", "10.0.0.12"),
    ("server [10.0.0.12] is down", "10.0.0.12"),
    ("ts 31 172.16.9.201 ok", "172.16.9.201"),
])
def test_ipv4_next_to_timestamps_and_in_brackets(engine, text, ip):
    assert found(engine, text, "IP_ADDRESS") == [ip]


def test_several_ipv4_addresses_separated_by_spaces(engine):
    text = "hosts 10.0.0.12 10.0.0.13 10.0.0.14"
    assert found(engine, text, "IP_ADDRESS") == ["10.0.0.12", "10.0.0.13", "10.0.0.14"]


@pytest.mark.parametrize("text", ["call 415 555 0132 05/01/2024", "call 415 555 0132 2024-05-01",
                                  "2024-05-01 415 555 0132 call me"])
def test_a_phone_next_to_a_date_is_found_and_the_date_is_left(engine, text):
    assert found(engine, text, "PHONE_NUMBER") == ["415 555 0132"]


def test_splitting_tries_a_bounded_number_of_parts_per_run(monkeypatch):
    """Linear: however a run is grouped, classify is called at most a constant times per digit group."""
    calls = []
    real = numbers.classify
    monkeypatch.setattr(numbers, "classify", lambda *a, **k: calls.append(1) or real(*a, **k))
    rec = numbers.DigitRunRecognizer()
    for unit in ("7 ", "41 ", "415 ", "0132 ", "4.1.", "20-", "1 2-3.4 "):
        for reps in (20, 400):
            calls.clear()
            text = "phone: " + unit * reps
            rec.find(ScanContext(text))
            groups = sum(c.isdigit() and not (i and text[i - 1].isdigit()) for i, c in enumerate(text))
            assert len(calls) <= 4 * groups + 8, (unit, reps)


# -- plausible but not "valid" values ---------------------------------------------------------------

def test_unassigned_us_numbers_are_phones_in_a_phone_context_only(engine):
    assert invalid("+1 554 239 4720") and invalid("+1 237 555 0100")
    for value in ("(554) 239-4720", "554-239-4720", "237.555.0100"):
        assert found(engine, f"My phone number is {value}.", "PHONE_NUMBER") == [value]
        assert found(engine, f"call {value} tomorrow", "PHONE_NUMBER") == [value]
        assert found(engine, f"The total was {value} units", "PHONE_NUMBER") == []


@pytest.mark.parametrize("text, value", [
    ("call me at (415) 555-0199 x1234", "(415) 555-0199 x1234"),
    ("call me at (554) 239-4720x993", "(554) 239-4720x993"),
    ("office 415-555-0199 ext. 12", "415-555-0199 ext. 12"),
    ("toll free 1-800-555-0199", "1-800-555-0199"),
    ("please call 001-237-555-0100 after 5", "001-237-555-0100"),
    ("554.239.4720x0384", "554.239.4720x0384"),
])
def test_extensions_and_prefixes(engine, text, value):
    assert found(engine, text, "PHONE_NUMBER") == [value]


def test_a_cue_glued_by_a_dash_does_not_cut_the_number(engine):
    text = "Dana Lee\n(02) 9519 3105-Office\\,(626)050-5982-Fax"
    assert found(engine, text, "PHONE_NUMBER") == ["(02) 9519 3105", "(626)050-5982"]


@pytest.mark.parametrize("after", [" (fax)", " mobile", " - cell", " (m)", " [home]"])
def test_a_phone_cue_after_the_number_counts_as_context(engine, after):
    assert invalid("+1 237 555 0100")
    text = f"Dana: 237 555 0100{after}"
    assert found(engine, text, "PHONE_NUMBER") == ["237 555 0100"]
    assert found(engine, "Dana: 237 555 0100 apples", "PHONE_NUMBER") == []


@pytest.mark.parametrize("value", ["+254 712 345 678", "+63 917 123 4567", "+880 1712 345678", "+84 912 345 678"])
def test_valid_numbers_of_regions_outside_the_built_in_list(engine, value):
    assert found(engine, f"see {value} below", "PHONE_NUMBER") == [value]
    assert found(engine, f"whatsapp {value}", "PHONE_NUMBER") == [value]


@pytest.mark.parametrize("value", ["+254 999 123 456", "+63 2 000 1234", "+84 24 0000 1234", "+1-628-097-0859"])
def test_unassigned_international_numbers_with_a_possible_length_are_phones(engine, value):
    """The '+' and a known calling code are a cue of their own: nine digits or more need nothing else."""
    assert invalid(value)
    assert found(engine, f"my mobile is {value}", "PHONE_NUMBER") == [value]
    assert found(engine, f"Dana {value} later", "PHONE_NUMBER") == [value]


def test_short_or_impossible_international_numbers_need_a_cue(engine):
    short = "+47 901 23"  # Norway: five-digit numbers are possible, none is valid here
    assert invalid(short) and phonenumbers.is_possible_number(phonenumbers.parse(short))
    assert found(engine, f"score {short} today", "PHONE_NUMBER") == []  # seven digits and no cue
    assert found(engine, f"call {short} today", "PHONE_NUMBER") == [short]
    assert found(engine, "delta +99 123 456 789", "PHONE_NUMBER") == []  # no such calling code
    assert found(engine, "value +1 123 456 7890", "PHONE_NUMBER") == []  # a NANP area code never starts with 1


def test_no_leniency_across_a_line_break(engine):
    """Under a "phone" header a CSV row's last field and the next row's first one are not a phone."""
    text = 'id,name,phone,postcode\n6906,Dana Smith,"+1 415 555 0132",09767\n8733,Lee Wong,"+1 415 555 0199",04787'
    assert found(engine, text, "PHONE_NUMBER") == ["+1 415 555 0132", "+1 415 555 0199"]
    assert found(engine, "my number 2015552\n104 thanks", "PHONE_NUMBER") == ["2015552\n104"]


def test_trunk_zero_in_brackets_after_the_country_code(engine):
    assert found(engine, "London office +44 (0)20 7946 0958", "PHONE_NUMBER") == ["+44 (0)20 7946 0958"]
    assert found(engine, "ring +49(0)30 1207 9600 now", "PHONE_NUMBER") == ["+49(0)30 1207 9600"]


# -- cards in less common layouts and lengths ---------------------------------------------------------

@pytest.mark.parametrize("text_of", [
    lambda d: f"paid with {grouped(d, [4, 4, 4, 4, 3])} yesterday",           # 19-digit Visa, 4-4-4-4-3
    lambda d: f"card {d}",
])
def test_nineteen_digit_cards(engine, text_of):
    d = luhn_complete("412744019823002" + "513")
    text = text_of(d)
    assert [t for t, _ in types_of(engine, text)] == ["CREDIT_CARD"]
    assert "".join(c for c in found(engine, text, "CREDIT_CARD")[0] if c.isdigit()) == d


def test_amex_four_six_five_and_twelve_digit_maestro(engine):
    amex = grouped(luhn_complete("37144963539843"), [4, 6, 5])
    maestro = grouped(luhn_complete("67593824107"), [4, 4, 4])
    assert found(engine, f"Amex {amex} exp 04/29", "CREDIT_CARD") == [amex]
    assert found(engine, f"the {maestro} one", "CREDIT_CARD") == [maestro]


def test_luhn_valid_numbers_without_a_known_issuer_need_a_card_cue(engine):
    unknown = grouped(luhn_complete("928374610293845"), [4, 4, 4, 4])
    short = grouped(luhn_complete("81274401982"), [4, 4, 4])
    for cue in ("my card", "card number:", "CC#", "Credit card"):
        assert found(engine, f"{cue} {unknown}", "CREDIT_CARD") == [unknown], cue
        assert found(engine, f"{cue} {short}", "CREDIT_CARD") == [short], cue
    assert found(engine, f"batch {unknown} processed", "CREDIT_CARD") == []
    assert found(engine, f"the value {short} here", "CREDIT_CARD") == []


def test_thirteen_digit_visa_and_older_jcb_ranges(engine):
    visa13 = luhn_complete("400604366216")
    jcb15 = luhn_complete("18008509507033")
    jcb16 = grouped(luhn_complete("351852619996188"), [4, 4, 4, 4])
    for value in (visa13, jcb15, jcb16):
        assert found(engine, f"I paid with {value} yesterday", "CREDIT_CARD") == [value]
        assert found(engine, f"{value}", "CREDIT_CARD") == [value]
    assert found(engine, f"EAN {visa13} on the box", "CREDIT_CARD") == []
    assert found(engine, f"took 12 ms {visa13} in the log", "CREDIT_CARD") == []


def test_an_ssn_cue_earlier_does_not_make_a_case_number_an_ssn(engine):
    assert found(engine, "Invalid SSN examples: 666-12-3456. Case number 114456168 is linked.", "US_SSN") == []
    assert found(engine, "job ran 3600 seconds. SSN 302887366 on file", "US_SSN") == ["302887366"]


@pytest.mark.parametrize("text", [
    "pi = 3.14159265358979323846", "e is 2.71828182845904523536 roughly", "pi 3.141592653589793",
    "e = 2.718281828459045", "sqrt(2) = 1.4142135623730950488", "phi 1.6180339887498948482",
    "card game score 3.14159265358979",
])
def test_digits_of_constants_are_not_cards(engine, text):
    assert types_of(engine, text) == []


def test_a_long_evenly_grouped_id_is_not_mined_for_cards(engine):
    card = grouped(luhn_complete("411111111111111"), [4, 4, 4, 4])
    assert found(engine, f"id 9999 {card} end", "CREDIT_CARD") == []
    assert found(engine, f"id {card} 9999 end", "CREDIT_CARD") == []
    assert types_of(engine, "Test card 4912 0803 0885 7400 should be declined") == []


# -- split values ------------------------------------------------------------------------------------

@pytest.mark.parametrize("sep", ["_", "/", "~", "|", "·", "–", "•", "\n", "\r\n", "=\r\n", "=\n", " \n"])
def test_card_groups_joined_by_odd_separators_and_line_breaks(engine, sep):
    card = luhn_complete("451203948811627")
    value = grouped(card, [4, 4, 4, 4], sep)
    text = f"card {value} thanks"
    assert found(engine, text, "CREDIT_CARD") == [value]
    assert card not in "".join(c for c in engine.redact(text).text if c.isdigit())


@pytest.mark.parametrize("sep", ["_", "~", "|", "\n", "=\r\n"])
def test_phone_groups_joined_by_odd_separators(engine, sep):
    value = sep.join(["415", "555", "0132"])
    assert found(engine, f"phone {value} ok", "PHONE_NUMBER") == [value]


def test_digits_spaced_out_one_by_one(engine):
    assert found(engine, "call 4 1 5 5 5 5 0 1 3 2 now", "PHONE_NUMBER") == ["4 1 5 5 5 5 0 1 3 2"]
    card = luhn_complete("451203948811627")
    assert found(engine, f"card {' '.join(card)}", "CREDIT_CARD") == [" ".join(card)]


def test_lower_and_mixed_case_ibans(engine):
    de = iban_complete("DE", "370400440532013000")
    gb = iban_complete("GB", "WEST12345698765432")
    lower = grouped(de.lower(), [4, 4, 4, 4, 4, 2])
    assert found(engine, f"IBAN {lower} please", "IBAN_CODE") == [lower]
    mixed = "Gb" + gb[2:6] + gb[6:].lower()
    assert found(engine, f"pay to {mixed}.", "IBAN_CODE") == [mixed]


def test_lower_case_ibans_must_fit_the_bban_format_too(engine):
    # the right length and mod 97, but a German BBAN is all digits: prose-like, not an IBAN
    fake = iban_complete("DE", "AB12CD34EF56GH78IJ").lower()
    assert iban_complete("DE", "AB12CD34EF56GH78IJ")[2:4].isdigit()
    assert found(engine, f"see {fake} here", "IBAN_CODE") == []
    assert found(engine, "she is 25 years old and happy to see you", "IBAN_CODE") == []
    wrong_length = iban_complete("DE", "37040044053201300").lower()
    assert found(engine, f"iban {wrong_length}", "IBAN_CODE") == []


def test_lower_case_nino_needs_its_name_nearby(engine):
    assert found(engine, "NI number: ab 12 34 56 c", "UK_NINO") == ["ab 12 34 56 c"]
    assert found(engine, "national insurance Jk 12 34 56 D please", "UK_NINO") == ["Jk 12 34 56 D"]
    assert found(engine, "code ab 12 34 56 c here", "UK_NINO") == []


# two ASCII letters, an optional ' '/'-', two digits, then two letters/digits or a separator and one
_LOWER_REF = re.compile(r"(?=([A-Za-z]{2})[ -]?[0-9]{2}(?:[A-Za-z0-9]{2}|[ -][A-Za-z0-9]))")


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(st.text(alphabet="abDEgbGBé 0123456789-x٣", max_size=60))
def test_iban_hint_candidates_match_a_plain_reference_scan(text):
    """The hint scan (on the shape map, and on the text when there is no map) finds exactly the positions
    a plain (slow) look-ahead scan at every position finds."""
    class NoMaps(ScanContext):
        __slots__ = ()

        def ascii_map(self, table):
            return None

    expected = [m.start() for m in _LOWER_REF.finditer(text)]
    assert numbers_iban.hint_starts(ScanContext(text)) == expected
    assert numbers_iban.hint_starts(NoMaps(text)) == expected


# -- numbers nobody would call personal --------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Python 3.11.4 and Node 20.10.0 on Windows 10.0.19045.2965",
    "2024-05-01T10:22:31.123456Z request took 1234 ms",
    "elapsed 00:12:33.456 (753456 us) in 3 retries",
    "Total: $1,234.56 ; price 12.99 x 3 = 38.97",
    "file is 1048576 bytes, 2.5 GB, 4096x2160 at 60 fps",
    "Order #4471-2209 shipped 2024-05-01 12:00",
    "invoice 4471 2209 5531 was paid",
    "| 2023 | 1500 | 2200 | 3100 |",
    "col_1234_5678 and ~2000 ~3000 users",
    "timestamps 1714558951 1714558952 1714558953",
    "ids: 1002 1003 1004 1005 1006 1007 1008 1009",
    "call matrix 0 1 0 1 1 0 0 1 1",
    "phone '01\t012\t0123\t01234'.expandtabs(4) gives '01  012 0123    01234'",
    "phone: (123) 456-7890 is the placeholder in the form",
    "ISBN 978-3-925-82926-6 and 978-0-306-40615-7",
    "version 4.19.2-1041 build 20240501 1203",
])
def test_look_alikes_stay(engine, text):
    assert types_of(engine, text) == []


@pytest.mark.parametrize("text", [
    "Rate total tough 523-45-6789 price.",    # a negative word two back belongs to another phrase
    "Size drop. 523-45-6789. Order nice.",    # ... or to another sentence
])
def test_an_ssn_written_as_one_is_vetoed_only_by_the_word_right_before(engine, text):
    assert ("US_SSN", "523-45-6789") in types_of(engine, text)


@pytest.mark.parametrize("text", ["Order 523-45-6789 shipped.", "Invoice #523-45-6789", "Case number 523-45-6789"])
def test_an_order_or_case_number_in_ssn_shape_stays(engine, text):
    assert not any(t == "US_SSN" for t, _ in types_of(engine, text))
