"""The look-alike fold reads homoglyph attacks as Latin but leaves words of other scripts alone.

A run of Cyrillic/Greek letters that holds a letter with no Latin look-alike, or a letter read as a digit
next to letters, is a word of its own script (a Russian name), not a disguised Latin word; folding it
letter by letter made capitalised names unreadable to every detector ("Зинаида" read "3иhaидa").
A word made only of look-alikes ("Ева", "Анна") still folds: it cannot be told from the attack.
"""

from __future__ import annotations

import pytest

from service.redaction.engine import RedactionEngine
from service.redaction.normalize import normalize


@pytest.fixture(scope="module")
def engine() -> RedactionEngine:
    return RedactionEngine.default()


@pytest.mark.parametrize("word", ["Зинаида Гордеева", "Сбруев", "Зоя", "Пётр Ильич", "Πειραιώς", "Бабаева"])
def test_words_of_their_own_script_are_not_folded(word: str) -> None:
    assert normalize(f"Dear {word}, hello").text == f"Dear {word}, hello"


@pytest.mark.parametrize(("text", "folded"), [
    ("Jоhn Smith", "John Smith"),  # Cyrillic о inside a Latin word
    ("Рaypal", "Paypal"),
    ("раураl@example.com", "paypal@example.com"),  # a whole word of look-alikes
    ("call +7 912 З45 ЗЗ 5б", "call +7 912 345 33 56"),  # letters standing in for digits
    ("ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ", "john@example.com"),
])
def test_homoglyph_attacks_are_still_folded(text: str, folded: str) -> None:
    assert normalize(text).text == folded


@pytest.mark.parametrize(("text", "name"), [
    ("Dear Зинаида Гордеева, thanks for the call.", "Зинаида Гордеева"),
    ("Please ask Сбруев Пётр Ильич to sign.", "Сбруев Пётр Ильич"),
    ("Dear Сбруев,", "Сбруев"),
    ("cc: Ева Бабаева <eva@example.org>", "Ева Бабаева"),
])
def test_cyrillic_names_are_found_whole_after_a_cue(engine: RedactionEngine, text: str, name: str) -> None:
    found = [text[f.start:f.end] for f in engine.analyze(text) if f.entity_type == "PERSON"]
    assert name in found


@pytest.mark.parametrize(("text", "name"), [
    ("Þorkell Hallbjörnsson from Akureyri called.", "Þorkell Hallbjörnsson"),
    ("Þórunn Sigurðardóttir wrote to us.", "Þórunn Sigurðardóttir"),
    ("Ðorđe Petrović is here.", "Ðorđe Petrović"),
])
def test_capital_thorn_and_eth_read_as_capital_letters(engine: RedactionEngine, text: str, name: str) -> None:
    """Lower-case þ and ð were folded, their capitals not: a name opening a text with Þ or Ð was unreadable
    to the name lists and title-run patterns, which read ASCII. The capitals fold to one letter (Þ -> T), so an
    initial ('Guðrún Þ. Jónsdóttir') and a spaced-out name stay one letter wide."""
    assert [text[f.start:f.end] for f in engine.analyze(text) if f.entity_type == "PERSON"] == [name]
