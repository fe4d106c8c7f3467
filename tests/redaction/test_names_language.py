"""PERSON and the languages around it: German capitalises its nouns and other languages their sentence starts,
so a capital alone is no name there; words after "I'm"/"ich bin" say how someone is unless they are a name;
a capitalised title that goes on after the name-like words is no person; a middle initial, with or without
its dot, stays inside the name. Every example is written for this file."""

from __future__ import annotations

import pytest

from tests.redaction.conftest import types_of


def persons(engine, text: str) -> list[str]:
    return [v for t, v in types_of(engine, text) if t == "PERSON"]


@pytest.mark.parametrize("text", [
    "Wir fahren morgen nach Hause. Ich kaufe noch Brot und Wasser.",
    "Ich bin erschöpft. Das war ein langer Tag.",
    "Ich bin Tischler und arbeite in der Werkstatt.",
    "Schönen Abend noch! Ich melde mich bald.",
    "Das ist mein Nachbar. Er hat einen Hund.",
    "Il a perdu son champ de vision, mais il va mieux.",
    "Hoy llueve mucho. Mucha lluvia para este mes.",
    'Use "float(NaN)" when the reading is missing.',
    "The parser ships with the Glasgow Haskell Compiler toolchain.",
    "It reads the environment variable name 'TZNAME' first.",
])
def test_capitals_of_other_languages_and_identifiers_are_no_names(engine, text):
    assert persons(engine, text) == []


@pytest.mark.parametrize("text, name", [
    ("Ich habe gestern mit Herr Brandtner gesprochen.", "Brandtner"),
    ("Hallo Thomas, ich bin gleich da.", "Thomas"),
    ("I'm Rosalind Achterberg, the new tenant.", "Rosalind Achterberg"),
    ("my name is oskar lindqvist", "oskar lindqvist"),
    ("Name: Ottavia R. Pellegrini\nPhone: on file", "Ottavia R. Pellegrini"),
    ("Dear Liesbeth J van den Heuvel, welcome aboard.", "Liesbeth J van den Heuvel"),
    ("Mrs. Yevheniia Kovalchuk Apt. 12 is the contact.", "Yevheniia Kovalchuk"),
])
def test_names_in_those_texts_and_initials_inside_names(engine, text, name):
    assert name in persons(engine, text)


@pytest.mark.parametrize(("text", "name"), [
    ("Bitte übersetzen: Sehr geehrte/r Julia Cervantes, Ihre Rechnung wurde storniert.", "Julia Cervantes"),
    ("Hallo Grace Hope, wie geht es dir? Ich bin heute nicht da.", "Grace Hope"),
])
def test_a_cue_licenses_a_known_name_in_german_text(text: str, name: str) -> None:
    # German capitalises nouns, so a Title run there needs a first name no word shares; after a cue
    # ("Sehr geehrte", "Hallo") a first name that is also a word followed by a known surname is a name
    from service.redaction.engine import RedactionEngine
    engine = RedactionEngine.default()
    assert name in [text[f.start:f.end] for f in engine.analyze(text) if f.entity_type == "PERSON"]
