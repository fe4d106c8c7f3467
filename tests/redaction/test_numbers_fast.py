"""The digit-run family's speed devices answer exactly what the plain paths answer.

Each device is switched off (monkeypatched to its plain answer) and the findings compared on seeded
random texts built to reach it: runs of digit groups with every separator the run pattern allows,
brackets, '+', dates, line breaks between CSV/TSV fields, phone cue words, phrases and placeholders,
in views short and long (PhoneCues is used on long views only). The phonenumbers shortcuts are
compared with phonenumbers itself on random digits, digits that start with every prefix parse reads
off the front, and every region's example numbers.
"""

from __future__ import annotations

import random

import phonenumbers
import pytest
from phonenumbers import PhoneNumberType

from service.redaction.detectors import numbers, numbers_classify, numbers_context, numbers_phone, phones
from service.redaction.detectors.base import ScanContext
from service.redaction.detectors.numbers_context import Before, PhoneCues

_WORDS = ["call", "phone", "tel", "mobile", "fax", "me", "at", "or", "on", "text", "my", "number", "is", "your",
          "messages", "office", "home", "ph", "ring", "order", "invoice", "id", "no", "card", "ssn", "account",
          "the", "and", "telephone", "context", "ring", "wa.me/", "hotel", "cellar", "x" * 45]
_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_SEPS = [" ", "-", ".", "/", "\t", "\n", " - ", ", ", ",", "\t", "\n\n", "=\n", "(", ")", "_", "~", "|", ": "]


def _digits(rng: random.Random) -> str:
    digits = "".join(rng.choice("0123456789") for _ in range(rng.choice([1, 2, 3, 3, 4, 4, 4, 5, 6, 7, 10])))
    return digits.translate(_ARABIC_INDIC) if rng.random() < 0.04 else digits


def _piece(rng: random.Random, sparse: bool = False) -> str:
    roll = rng.random()
    if sparse and roll >= 0.63 and rng.random() < 0.9:
        return _digits(rng)
    if roll < 0.45:
        return _digits(rng)
    if roll < 0.5:
        return f"{rng.choice(['19', '20'])}{rng.randint(10, 99)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if roll < 0.55:
        return rng.choice(["+1 ", "+44 ", "(0", "+", "(", "00", "0"]) + _digits(rng)
    if roll < 0.6:
        return f"<PHONE_NUMBER_{rng.randint(1, 3)}>" if rng.random() < 0.5 else "<phone_number_1>"
    if roll < 0.63:
        return ".".join(str(rng.randint(0, 260)) for _ in range(4))
    return rng.choice(_WORDS)


def random_text(rng: random.Random, pieces: int, sparse: bool = False) -> str:
    return "".join(_piece(rng, sparse) + rng.choice(_SEPS) for _ in range(pieces))


def _find(text: str) -> list:
    return sorted(numbers.DigitRunRecognizer().find(ScanContext(text)))


TEXTS = [random_text(random.Random(seed), (8, 30, 400)[seed % 3], sparse=seed % 2 == 1) for seed in range(300)]


def test_the_texts_reach_every_device() -> None:
    found = [f for t in TEXTS for f in _find(t)]
    assert {f[3] for f in found} >= {"PHONE_NUMBER", "CREDIT_CARD", "US_SSN", "IP_ADDRESS"}
    assert sum(len(t) > 8 * numbers_context.WINDOW for t in TEXTS) > 50


def test_segment_layout_test_changes_nothing(monkeypatch) -> None:
    fast = [_find(t) for t in TEXTS]
    monkeypatch.setattr(numbers, "segment_may_hit", lambda *a: True)
    monkeypatch.setattr(numbers_classify, "segment_may_hit", lambda *a: True)
    assert [_find(t) for t in TEXTS] == fast


def test_phone_cues_change_nothing(monkeypatch) -> None:
    fast = [_find(t) for t in TEXTS]
    monkeypatch.setattr(PhoneCues, "may_precede", lambda self, start: True)
    assert [_find(t) for t in TEXTS] == fast


# a placeholder blanked in the window joins a phrase ("text me"), a window ending inside a word ("mob|ile")
_CUE_EDGES = ["please text<x_1>me back 415 555 0132 " * 20, "ask for<person_2>on 0612 ",
              "mobile 0612 345 678 and mob", "x" * 170 + " wa.me/" + "4" * 12]


def test_phone_cues_say_no_only_where_no_phone_context_is() -> None:
    checked = said_no = 0
    for text in _CUE_EDGES + TEXTS[:150]:
        ctx = ScanContext(text)
        cues = PhoneCues(ctx)
        for start in range(0, len(text) + 1, 3):
            if not cues.may_precede(start):
                said_no += 1
                assert not Before(ctx, start).phone(), (text[max(0, start - 160):start], start)
            assert Before(ctx, start, cues).phone() == Before(ctx, start).phone()
            checked += 1
    assert said_no > checked // 10


_REGIONS = sorted(set(numbers_phone._NATIONAL0_REGIONS) | set(numbers_phone._CONTEXT_REGIONS))
# what parse reads off the front of a number: international prefixes, calling codes, national prefixes
_PREFIXES = ["", "0", "00", "000", "010", "0011", "011", "810", "8", "9", "90", "9012", "1", "15", "180020", "1832",
             "0003768", "39", "81", "55", "52", "86", "54", "57", "65", "7", "44", "49", "34", "31", "61"]


def _plain_valid(digits: str, region: str):
    try:
        return phones.valid_for_region(numbers_phone._national_num(digits, region), region)
    except phonenumbers.NumberParseException:
        return "raises"


def _fast_valid(digits: str, region: str):
    try:
        return numbers_phone._national_valid(digits, region)
    except phonenumbers.NumberParseException:
        return "raises"


def _national_digits() -> list[str]:
    rng = random.Random(1313)
    out = [(rng.choice(_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(rng.randint(5, 14))))[:17]
           for _ in range(1500)]
    for region in _REGIONS:
        for kind in (PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE, PhoneNumberType.TOLL_FREE):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is not None:
                national = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
                digits = "".join(c for c in national if c.isdigit())
                out += [digits, digits[:-1] + str((int(digits[-1]) + 1) % 10), digits + "1"]
    return out


_OTHER_SCRIPTS = [str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"), str.maketrans("0123456789", "०१२३४५६७८९")]
NATIONAL = _national_digits()
# digits of other scripts, whole or in part (phonenumbers reads them as ASCII digits)
NATIONAL += [d.translate(_OTHER_SCRIPTS[k % 2]) for k, d in enumerate(NATIONAL[:150])]
NATIONAL += [d[:3] + d[3:].translate(_OTHER_SCRIPTS[k % 2]) for k, d in enumerate(NATIONAL[150:300])]


def test_national_validity_without_parse_is_phonenumbers_answer() -> None:
    answers = {"raises": 0, True: 0, False: 0}
    for digits in NATIONAL:
        for region in _REGIONS:
            plain = _plain_valid(digits, region)
            assert _fast_valid(digits, region) == plain, (digits, region)
            answers[plain] += 1
    assert min(answers.values()) > 0 and answers[True] > 1000


def test_nanp_validity_is_phonenumbers_answer() -> None:
    rng = random.Random(1)
    for _ in range(600):
        digits = str(rng.randint(2, 9)) + "".join(rng.choice("0123456789") for _ in range(9))
        if rng.random() < 0.2:
            digits = digits[:4] + digits[4:].translate(_OTHER_SCRIPTS[0])
        num = phonenumbers.PhoneNumber(country_code=1, national_number=int(digits))
        expected = phonenumbers.is_valid_number_for_region(num, "US") or phonenumbers.is_valid_number_for_region(
            num, "CA")
        assert numbers_phone._nanp_valid(digits) == expected, digits
        assert numbers_phone._nanp_valid("1" + digits) == expected, digits


def test_national_format_is_phonenumbers_format() -> None:
    compared = 0
    for digits in NATIONAL:
        for region in _REGIONS:
            if _plain_valid(digits, region) is True:
                expected = phonenumbers.format_number(numbers_phone._national_num(digits, region),
                                                      phonenumbers.PhoneNumberFormat.NATIONAL)
                assert numbers_phone._national_format(digits, region) == expected, (digits, region)
                compared += 1
    assert compared > 1000


@pytest.mark.parametrize("code", sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE))
def test_region_of_a_number_and_validity_of_a_national_number(code: int) -> None:
    rng = random.Random(code)
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE[code]
    numbers_ = []
    for region in regions:
        for kind in (PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is not None:
                numbers_.append(example)
    numbers_ += [phonenumbers.PhoneNumber(country_code=code, national_number=rng.randint(10**5, 10**11))
                 for _ in range(20)]
    for num in numbers_:
        assert phones.region_for(num) == phonenumbers.region_code_for_number(num), num
        nsn = phonenumbers.national_significant_number(num)
        for region in regions:
            if region != "001" and nsn[:1] != "0":
                assert phones.valid_nsn(nsn, region) == phonenumbers.is_valid_number_for_region(num, region)
