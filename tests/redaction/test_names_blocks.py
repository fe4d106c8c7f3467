"""The address-head pass (names_blocks.py): its gate (STREET_LINE) holds on every text where the pass finds
a name, on random layouts of name, firm, blank, decorated and street lines; and which lines are names.
Every line is written for this file."""

from __future__ import annotations

import random
import re

import pytest

from service.redaction.detectors.names import PersonRecognizer
from service.redaction.detectors.names_blocks import STREET_LINE

_LINES = ["Wendeline Ostrowska", "Keiran Black", "Quillfeather Holdings Ltd", "Head Office", "Ana O'Brien-Díaz",
          "", "  ", "14 Canal Side", "2210 Orchard Row 5", "Suite 12", "Leeds", "Apt. 4", "Morgan Stanley",
          "Benedek Ferrari", "Northwind Traders SA", "Customer Service", "Tobiah Kerslake", "7 Quay Street"]
_DECOR = ["", "", "> ", "}} ", "??? ", " "]


@pytest.fixture(scope="module")
def rec() -> PersonRecognizer:
    return PersonRecognizer()


def test_the_gate_passes_every_text_with_a_finding(rec):
    rnd = random.Random(5)
    found = 0
    for _ in range(3000):
        text = "\n".join(rnd.choice(_DECOR) + rnd.choice(_LINES) for _ in range(rnd.randint(1, 9)))
        got: set[tuple[int, int]] = set()
        rec._address_heads(text, text.lower(), lambda s, e, sc: got.add((s, e)))
        if got:
            found += 1
            assert STREET_LINE.search(text) is not None, text
    assert found > 300


@pytest.mark.parametrize("line, ok", [
    ("Ana O'Brien-Díaz", True), ("Keiran Black", True), ("Head Office", False), ("Quillfeather Holdings Ltd", False),
    ("Morgan Stanley", False), ("Benedek Ferrari", True), ("MysticWeb Studio", False), ("NIAGARA PARK", False),
    ("Tobiah", False), ("Suite 12", False), ("Borders Group, Inc.", False),
])
def test_name_lines(rec, line, ok):
    assert rec._name_line(line, line.lower(), 0, len(line)) is ok
    assert re.search(r"\d", line) is None or not ok
