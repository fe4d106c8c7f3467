"""PERSON in structure, in any script: vCard name parts, first/last-name fields holding one syllable or a word,
message lines marked by a time stamp or a phone number, Cyrillic names that the look-alike fold turns into
digits. Every example is written for this file."""

from __future__ import annotations

import pytest

from tests.redaction.conftest import types_of


def persons(engine, text: str) -> list[str]:
    return [v for t, v in types_of(engine, text) if t == "PERSON"]


@pytest.mark.parametrize("text, names", [
    ("BEGIN:VCARD\nVERSION:3.0\nN:솔;하윤;;;\nFN:하윤 솔\nEND:VCARD", ["솔", "하윤"]),
    ("BEGIN:VCARD\nN:Pemberton-Oyelaran;Ifeoma;Adaeze;Dr.;\nEND:VCARD", ["Pemberton-Oyelaran", "Ifeoma", "Adaeze"]),
    ("BEGIN:VCARD\nN;CHARSET=UTF-8:Латыпова;Эльвира;;;\nEND:VCARD", ["Латыпова", "Эльвира"]),
    ("BEGIN:VCARD\nN:Glass;Rowan;;;\nEND:VCARD", ["Glass", "Rowan"]),
])
def test_vcard_name_parts(engine, text, names):
    found = persons(engine, text)
    for name in names:
        assert name in found


@pytest.mark.parametrize("text, names", [
    ('{"first_name": "琳", "last_name": "邬"}', ["琳", "邬"]),
    ('{"given_name": "서연", "family_name": "편"}', ["편"]),
    ('{"first_name": "Tuyet", "last_name": "Mai"}', ["Mai"]),
    ('{"first_name": "Odile", "last_name": "Bouquet"}', ["Bouquet"]),
    ('{"first_name": "Зоя", "last_name": "Бобров"}', ["Зоя", "Бобров"]),
    ("<client><name>Зарема Бабаева</name></client>", ["Зарема Бабаева"]),
])
def test_name_fields_in_any_script_and_words_as_surnames(engine, text, names):
    found = persons(engine, text)
    for name in names:
        assert name in found


@pytest.mark.parametrize("text", [
    '{"first_name": "required", "last_name": "string"}',
    '{"last_name": "unknown"}',
    "BEGIN:VCARD\nVERSION:3.0\nTEL;TYPE=cell:+1 555 0100\nEND:VCARD",
])
def test_placeholders_in_name_fields_are_no_people(engine, text):
    assert persons(engine, text) == []


@pytest.mark.parametrize("text, name", [
    ("Ömer ((+90) 532 111 22 33): at the gate now", "Ömer"),
    ("Honey (+1 415 555 0142): running ten minutes late", "Honey"),
    ("[08:01] Ibrahim: doors open\n[08:03] Angel: on my way", "Angel"),
])
def test_single_message_lines_name_their_sender(engine, text, name):
    assert name in persons(engine, text)


def test_a_log_line_with_a_time_stamp_and_a_word_is_no_speaker(engine):
    assert persons(engine, "[08:01] Warning: disk almost full\n[08:02] Update: scheduled") == []
