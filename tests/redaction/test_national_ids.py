"""Passports, driver's licences, national ids and medical record numbers, through the engine.

Every example value here was made up for these tests; the check digits were worked out with the small
independent implementations below (not with the library the detector uses), and the first test
proves each example is valid or invalid as its test claims.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.redaction.conftest import types_of

NEW_TYPES = {"US_PASSPORT", "US_DRIVER_LICENSE", "UK_NHS", "ES_NIF", "ES_NIE", "IT_FISCAL_CODE", "IN_AADHAAR",
             "IN_PAN", "DE_TAX_ID", "FR_NIR", "MEDICAL_RECORD"}


# -- independent check digits (test side) ------------------------------------------------------

def _nhs(d: str) -> bool:
    r = (11 - sum(int(x) * w for x, w in zip(d[:9], range(10, 1, -1))) % 11) % 11
    return r != 10 and r == int(d[9])


_D5 = ["0123456789", "1234067895", "2340178956", "3401289567", "4012395678", "5987604321", "6598710432",
       "7659821043", "8765932104", "9876543210"]
_P8 = ["0123456789", "1576283094", "5803796142", "8916043527", "9453126870", "4286573901", "2793806415",
       "7046913258"]


def _verhoeff(d: str) -> bool:
    c = 0
    for i, ch in enumerate(reversed(d)):
        c = int(_D5[c][int(_P8[i % 8][int(ch)])])
    return c == 0


def _idnr(d: str) -> bool:
    reps = [n for n in Counter(d[:10]).values() if n > 1]
    if d[0] == "0" or reps not in ([2], [3]):
        return False
    p = 10
    for ch in d[:10]:
        p = ((int(ch) + p) % 10 or 10) * 2 % 11
    return (11 - p) % 10 == int(d[10])


def _nir(v: str) -> bool:
    body = v[:5] + {"2A": "19", "2B": "18"}.get(v[5:7], v[5:7]) + v[7:13]
    return 97 - int(body) % 97 == int(v[13:])


_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def _dni(v: str) -> bool:
    return _LETTERS[int(v[:8]) % 23] == v[8].upper()


def _nie(v: str) -> bool:
    return _LETTERS[int(str("XYZ".index(v[0].upper())) + v[1:8]) % 23] == v[8].upper()


_ODD = dict(zip("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12,
                 14, 16, 10, 22, 25, 24, 23]))


def _cf(v: str) -> bool:
    v = v.upper()
    s = sum(_ODD[c] if i % 2 == 0 else (int(c) if c.isdigit() else ord(c) - 65) for i, c in enumerate(v[:15]))
    return chr(65 + s % 26) == v[15]


VALID = {
    _nhs: ["9434765919", "4010232137", "4857773457", "6402213675", "2127361008"],
    _verhoeff: ["234567890124", "491836253079", "863142579601"],
    _idnr: ["86095742719", "47123598612", "29341856774"],
    _nir: ["255081416802538", "185057800608491", "291019935012309", "185052A12345633", "185307800608406",
           "785057800608482"],
    _dni: ["12345678Z", "54362315K", "87654321X"],
    _nie: ["X1234567L", "Y7654321G", "Z0011223G"],
    _cf: ["RSSMRA85T10A562S", "BNCGLI90A41F205H", "VRDLCU72M15H501L"],
}
INVALID = {
    _nhs: ["9434765918", "4010232130"],
    _verhoeff: ["234567890123", "491836253078"],
    _idnr: ["86095742710", "12345678903"],
    _nir: ["255081416802539"],
    _dni: ["12345678A"],
    _nie: ["X1234567A"],
    _cf: ["RSSMRA85T10A562T"],
}


def test_examples_are_what_the_tests_claim() -> None:
    for check, values in VALID.items():
        assert all(check(v) for v in values), check.__name__
    for check, values in INVALID.items():
        assert not any(check(v) for v in values), check.__name__


# -- found, whole value, right type ------------------------------------------------------------

FOUND = [
    # UK NHS: key in prose/fields, dashes, plain, 3-3-4 on its own
    ("My NHS number is 943 476 5919.", "UK_NHS", "943 476 5919"),
    ("nhs_number=4010232137", "UK_NHS", "4010232137"),
    ("NHS No: 485-777-3457 (checked)", "UK_NHS", "485-777-3457"),
    ("Patient NHS no. 640 221 3675 attended clinic", "UK_NHS", "640 221 3675"),
    ("Results for 401 023 2137 are back.", "UK_NHS", "401 023 2137"),
    ("<td>NHS number</td><td>4857773457</td>", "UK_NHS", "4857773457"),
    # Aadhaar: Hindi-English keys, Devanagari key, grouped on its own, dashes
    ("Aadhaar no. 2345 6789 0124", "IN_AADHAAR", "2345 6789 0124"),
    ('{"aadhaar_number": "491836253079"}', "IN_AADHAAR", "491836253079"),
    ("UID: 8631-4257-9601", "IN_AADHAAR", "8631-4257-9601"),
    ("आधार संख्या: 2345 6789 0124", "IN_AADHAAR", "2345 6789 0124"),
    ("My aadhaar number is 4918 3625 3079 ok", "IN_AADHAAR", "4918 3625 3079"),
    ("KYC done with 8631 4257 9601 yesterday", "IN_AADHAAR", "8631 4257 9601"),
    # PAN (no checksum): key required, any case
    ("PAN: ABCPE1234F", "IN_PAN", "ABCPE1234F"),
    ("pan card no. abcpe1234f", "IN_PAN", "abcpe1234f"),
    ('"pan_number": "AAAPL1234C",', "IN_PAN", "AAAPL1234C"),
    # Steuer-ID
    ("Steuer-ID: 86095742719", "DE_TAX_ID", "86095742719"),
    ("Meine Steueridentifikationsnummer lautet 47 123 598 612.", "DE_TAX_ID", "47 123 598 612"),
    ("steuer_id=29341856774", "DE_TAX_ID", "29341856774"),
    ("IdNr.: 86 095 742 719", "DE_TAX_ID", "86 095 742 719"),
    # French NIR
    ("Numéro de sécurité sociale : 2 55 08 14 168 025 38", "FR_NIR", "2 55 08 14 168 025 38"),
    ("NIR 185057800608491", "FR_NIR", "185057800608491"),
    ("n° sécu 1 85 05 2A 123 456 33", "FR_NIR", "1 85 05 2A 123 456 33"),
    ("Assuré : 2 91 01 99 350 123 09", "FR_NIR", "2 91 01 99 350 123 09"),
    ("<nir>185057800608491</nir>", "FR_NIR", "185057800608491"),
    ("client 185057800608491 ok", "FR_NIR", "185057800608491"),
    ("NIR (provisoire): 785057800608482", "FR_NIR", "785057800608482"),
    # Spanish DNI / NIE
    ("DNI: 12345678Z", "ES_NIF", "12345678Z"),
    ("dni 54362315k", "ES_NIF", "54362315k"),
    ("NIF 87654321-X", "ES_NIF", "87654321-X"),
    ("DNI 12.345.678-Z", "ES_NIF", "12.345.678-Z"),
    ("Firmado por 54362315K en Madrid", "ES_NIF", "54362315K"),
    ("NIE X1234567L", "ES_NIE", "X1234567L"),
    ("nie: y7654321g", "ES_NIE", "y7654321g"),
    ("Residente con Z0011223G desde 2019", "ES_NIE", "Z0011223G"),
    # codice fiscale: any case, markup, no key needed
    ("Codice fiscale: RSSMRA85T10A562S", "IT_FISCAL_CODE", "RSSMRA85T10A562S"),
    ("cf=bncgli90a41f205h", "IT_FISCAL_CODE", "bncgli90a41f205h"),
    ("<td>VRDLCU72M15H501L</td>", "IT_FISCAL_CODE", "VRDLCU72M15H501L"),
    # passports (no checksum): keys in prose, JSON, key: value, markup, other languages
    ('{"passport_number": "X12345678"}', "US_PASSPORT", "X12345678"),
    ("Passport No.: 123456789", "US_PASSPORT", "123456789"),
    ("passport: C01X00T47", "US_PASSPORT", "C01X00T47"),
    ("<tr><th>Passport</th><td>A98765432</td></tr>", "US_PASSPORT", "A98765432"),
    ("Número de pasaporte: PAA123456", "US_PASSPORT", "PAA123456"),
    ("Reisepass-Nr. C01X00T47", "US_PASSPORT", "C01X00T47"),
    ("passeport n° 12AB34567", "US_PASSPORT", "12AB34567"),
    ("passportNumber=A1234567", "US_PASSPORT", "A1234567"),
    ("my passport number is 530918274, expires soon", "US_PASSPORT", "530918274"),
    # driver's licences
    ("dl_number=D1234567", "US_DRIVER_LICENSE", "D1234567"),
    ("Driver's license: S123-456-78-901-0", "US_DRIVER_LICENSE", "S123-456-78-901-0"),
    ("NY driver license 123 456 789", "US_DRIVER_LICENSE", "123 456 789"),
    ("Drivers licence D1234567 2025", "US_DRIVER_LICENSE", "D1234567"),
    ("Führerschein-Nr.: B072RRE2I55", "US_DRIVER_LICENSE", "B072RRE2I55"),
    ("DL#: WDLABCD456DG", "US_DRIVER_LICENSE", "WDLABCD456DG"),
    ("driver_license_number=LJSTBCQ1419*", "US_DRIVER_LICENSE", "LJSTBCQ1419*"),
    # medical record numbers
    ("MRN: 00123456", "MEDICAL_RECORD", "00123456"),
    ("Patient ID: PT-2024-000123", "MEDICAL_RECORD", "PT-2024-000123"),
    ("medical_record_number=MR-884512", "MEDICAL_RECORD", "MR-884512"),
    ("UHID 2023/004512 admitted", "MEDICAL_RECORD", "2023/004512"),
    ("Nº de historia clínica: 4471123", "MEDICAL_RECORD", "4471123"),
    ("Patientennummer: 7732145", "MEDICAL_RECORD", "7732145"),
    ("numero di cartella clinica 00991234", "MEDICAL_RECORD", "00991234"),
    ("patient_id: 55012873\nward: 4B", "MEDICAL_RECORD", "55012873"),
    # a person's id field: a valid identifier is typed by its checksum, anything else hidden by its shape
    ('{"id_number": "RSSMRA85T10A562S"}', "IT_FISCAL_CODE", "RSSMRA85T10A562S"),
    ('{"id_number": "796324322638"}', "IN_AADHAAR", "796324322638"),
    ("<id_number>X95267656</id_number>", "US_PASSPORT", "X95267656"),
    ('"idNumber": "70703201"', "US_DRIVER_LICENSE", "70703201"),
    ("national id: 2345 6789 0123", "IN_AADHAAR", "2345 6789 0123"),
    ("Document number: AB1234567", "US_DRIVER_LICENSE", "AB1234567"),
    ('"uid_no": "217025082900"', "IN_AADHAAR", "217025082900"),
]


@pytest.mark.parametrize(("text", "etype", "value"), FOUND)
def test_found_with_whole_span(engine, text: str, etype: str, value: str) -> None:
    assert (etype, value) in types_of(engine, text)


def test_redacted_output_keeps_keys_and_drops_values(engine) -> None:
    text = 'passport: C01X00T47\nNHS number: 943 476 5919\n"pan": "ABCPE1234F"'
    out = engine.redact(text).text
    for gone in ("C01X00T47", "943 476 5919", "ABCPE1234F"):
        assert gone not in out
    for kept in ("passport:", "NHS number:", '"pan":'):
        assert kept in out


# -- the phone and card readings of the same digits -------------------------------------------

@pytest.mark.parametrize(("text", "etype", "value"), [
    ("My NHS number is 943 476 5919", "UK_NHS", "943 476 5919"),  # "number is" is phone context too
    ("My aadhaar number is 2345 6789 0124", "IN_AADHAAR", "2345 6789 0124"),
    ("Aadhaar 2345-6789-0124, phone below", "IN_AADHAAR", "2345-6789-0124"),
    ("Call me on 212 736 1008", "PHONE_NUMBER", "212 736 1008"),  # NHS-valid, but a phone in context
    ("Fax 212-736-1008", "PHONE_NUMBER", "212-736-1008"),
])
def test_phone_and_id_readings(engine, text: str, etype: str, value: str) -> None:
    found = types_of(engine, text)
    assert (etype, value) in found
    assert len([f for f in found if f[1] == value]) == 1


# -- not found ----------------------------------------------------------------------------------

NOT_FOUND = [
    # invalid checksums without a key (in the layouts that are taken on the checksum alone)
    "Results for 943 476 5918 are back.",
    "KYC done with 2345 6789 0123 yesterday",
    "Meine Nummer 86 095 742 710",
    "Assuré : 2 55 08 14 168 025 39",
    "Firmado por 12345678A en Madrid",
    "Residente con X1234567A desde 2019",
    "RSSMRA85T10A562T",
    # invalid checksums after a weak key (a word other identifiers share)
    "uid=234567890123",
    "cf: RSSMRA85T10A562T",
    "ssn 86095742710",
    "tax id 86095742710",
    # generic id fields that belong to something else
    "order id number 12345678",
    "session_id_no=12345678",
    "userIdNumber: 1234567",
    # valid checksums without a key and outside the usual layout
    "the value 4010232137 appears twice",
    "value 491836253079 in column 3",
    "86095742719 rows were copied",
    "185307800608406 bytes",  # bare 15 digits: month 30 is valid in a NIR, but too rare to take without a key
    "785057800608482 rows",  # bare 15 digits: sex 7 (provisional number) likewise
    # look-alikes with a negative word, or glued into a longer token
    "Order 401 023 2137 shipped",
    "Invoice 2345 6789 0124 paid",
    "deadbeef12345678Zcafe",
    "id=X1234567Lb",
    "build RSSMRA85T10A562Sx",
    "card 4111 1111 1111 1111",
    # no key, or the key does not name the value
    "X12345678",
    "Ticket A12345678 closed",
    "Order number: X12345678",
    "passport expires 2030-01-15",
    "driver license issued 01/02/2020",
    "passport office opens at 9",
    "MRN date 2024-01-15",
    "see https://dl.example.com/12345678",
    "ABCPE1234F",
    "the patient 00123456",
    "license number: 12345-67890",
]


@pytest.mark.parametrize("text", NOT_FOUND)
def test_not_found(engine, text: str) -> None:
    assert [f for f in types_of(engine, text) if f[0] in NEW_TYPES] == []


@pytest.mark.parametrize(("invalid", "valid", "etype"), [
    ("NHS number: 943 476 5918", "NHS number: 943 476 5919", "UK_NHS"),
    ("Aadhaar: 2345 6789 0123", "Aadhaar: 2345 6789 0124", "IN_AADHAAR"),
    ("Steuer-ID: 86095742710", "Steuer-ID: 86095742719", "DE_TAX_ID"),
    ("NIR 255081416802539", "NIR 255081416802538", "FR_NIR"),
    ("DNI: 12345678A", "DNI: 12345678Z", "ES_NIF"),
    ("NIE X1234567A", "NIE X1234567L", "ES_NIE"),
    ("codice fiscale RSSMRA85T10A562T", "codice fiscale RSSMRA85T10A562S", "IT_FISCAL_CODE"),
    ("PAN: ABCXE1234F", "PAN: ABCPE1234F", "IN_PAN"),  # X is no PAN holder type
])
def test_strong_key_takes_a_mistyped_value_with_less_confidence(engine, invalid: str, valid: str, etype: str) -> None:
    # a value of the right shape right after an unambiguous key is meant as that identifier: hidden,
    # with a lower score than a value whose checksum holds (so a phone/card reading can still name it)
    bad = [f for f in engine.analyze(invalid) if f.entity_type == etype]
    good = [f for f in engine.analyze(valid) if f.entity_type == etype]
    assert len(bad) == 1 and len(good) == 1
    assert (bad[0].start, bad[0].end) == (good[0].start, good[0].end) and bad[0].end == len(invalid)
    assert bad[0].score < good[0].score


def test_generic_key_with_a_valid_checksum(engine) -> None:
    text = "national_id: RSSMRA85T10A562S\nssn: 2 55 08 14 168 025 38\ntax id 86095742719"
    found = types_of(engine, text)
    for etype, value in (("IT_FISCAL_CODE", "RSSMRA85T10A562S"), ("FR_NIR", "2 55 08 14 168 025 38"),
                         ("DE_TAX_ID", "86095742719")):
        assert (etype, value) in found


def test_dashed_334_without_key_is_not_nhs(engine) -> None:
    # 3-3-4 with dashes is the US phone layout: an NHS-valid number in it needs an NHS key
    assert not [f for f in types_of(engine, "ref 401-023-2137 and 212-736-1008") if f[0] == "UK_NHS"]


def test_second_pass_finds_nothing_new(engine) -> None:
    text = "NHS number: 943 476 5919; passport: C01X00T47; MRN: 00123456; DNI 12345678Z"
    once = engine.redact(text).text
    assert engine.redact(once).text == once


@pytest.mark.parametrize("text", [
    "passport \ud800 X1234567", "आधार \udfff", "NHS " + "9" * 5000, "passport: " * 300, "mrn " * 500 + "1234",
    "<td>" * 200 + "Passport" + "</td>" * 200, "n° " * 300, "dl " * 400, "0000 0000 0000 " * 200,
])
def test_odd_inputs_never_raise(engine, text: str) -> None:
    for f in engine.analyze(text):
        assert 0 <= f.start < f.end <= len(text)


def test_entities_listed(engine) -> None:
    assert NEW_TYPES <= {name for name, _ in engine.entity_types()}
    descriptions = dict(engine.entity_types())
    assert all(descriptions[t] for t in NEW_TYPES)


def test_every_layout_needle_holds_its_gate() -> None:
    # a gate only changes speed if it is a necessary condition of every needle behind it
    from service.redaction.detectors.ids import _GATED

    for gate, layouts, _ in _GATED:
        for lay in layouts:
            assert all(gate in needle for needle in lay.needles), lay.entity


# -- UK NINO after its key: any prefix (generators write the placeholder "ZZ") -----------------------------

NINO_KEYED = [
    ('{"uk_nino": "ZZ 61 47 02 T", "city": "Leeds"}', "ZZ 61 47 02 T"),
    ("<uk_nino>ZZ 30 58 16 T</uk_nino>", "ZZ 30 58 16 T"),
    ("NINO: ZZ 730194 T", "ZZ 730194 T"),
    ("nino=zz284615t", "zz284615t"),
    ("Her national insurance number is ZZ 19 84 27 T.", "ZZ 19 84 27 T"),
    ("national insurance: QQ 52 70 81 F", "QQ 52 70 81 F"),
    ("NI number ZZ-40-62-95-T", "ZZ-40-62-95-T"),
    ("| ni_no | DE 37 14 80 A |", "DE 37 14 80 A"),  # a prefix that is also a filler word ("de")
]


@pytest.mark.parametrize(("text", "value"), NINO_KEYED)
def test_nino_shaped_value_after_a_nino_key(engine, text: str, value: str) -> None:
    assert ("UK_NINO", value) in types_of(engine, text)


@pytest.mark.parametrize("text", [
    "ticket ZZ 61 47 02 T was closed",  # no key: NINO_RE's prefix rules hold
    "code QQ 52 70 81 F here",
    "nino expires ZZ 61 47 02 T",  # a plain word between key and value
    "NINO: ZZ 61 47 02",  # no suffix letter
    "NINO: ZZ 61 47 02 TX",  # runs on
])
def test_no_nino_without_a_key_or_shape(engine, text: str) -> None:
    assert "UK_NINO" not in {t for t, _ in types_of(engine, text)}


def test_valid_nino_without_key_is_unchanged(engine) -> None:
    assert ("UK_NINO", "JG 10 37 92 A") in types_of(engine, "ref JG 10 37 92 A.")
