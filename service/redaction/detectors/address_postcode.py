"""Postcodes after a cue ("ZIP: 94105", "PLZ 10115", "postcode SW1A 1AA", "<postalCode>M5V 3L9"), and the
whole-word finder of written forms that address.py shares.

After an explicit cue any postcode shape of the supported countries is taken, and a British-shaped code
whatever its letters (generators and typists write "BE2L 4XC"); without a cue only the shapes address.py
reads in a city line count.
"""

from __future__ import annotations

import re

from service.redaction.detectors.address_context import CA_PC, EU_PC, UK_PC, ZIP
from service.redaction.detectors.address_data import POSTCODE_CUE_WORDS, POSTCODE_CUES

_PC_CUE = re.compile(r"(?:" + POSTCODE_CUES + r")(?![a-z])")
_PC_AFTER = re.compile(
    r"(?P<sep>[\"' \t]{0,3}(?:is[ \t]+)?[:=#>(-]?[\"' \t]{0,3})(?P<pc>(?i:" + UK_PC + r"|" + CA_PC + r"|" + ZIP +
    r"|\d{5}-\d{5}(?![\w-])|\d{3}-\d{4}(?![\w-])|\d{2}-\d{3}(?![\w-])|" + EU_PC +  # IR, JP, PL, EU
    r"|\d{3,6}(?![\w])|[A-Z]\d{2}[ \t]?[A-Z\d]{4}(?![\w])"  # any after a cue; IE eircode
    r"|[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[A-Z]{2}(?![\w])))"  # British-shaped, any letters
)


def form_hits(text: str, forms: list[str]) -> list[tuple[int, str]]:
    """Sorted (position, lower-case word) of every whole-word occurrence of the written `forms` ("Street",
    "STREET", "street"): searching the case a street word is written in skips the far commoner
    lower-case ordinary words ("run", "light", "park") at C speed."""
    hits = []
    n = len(text)
    for f in forms:
        i = text.find(f)
        while i >= 0:
            j = i + len(f)
            if (i == 0 or not text[i - 1].isalnum()) and (j == n or not text[j].isalnum()):
                hits.append((i, f.lower()))
            i = text.find(f, j)
    hits.sort()
    return hits


def postcode_cues(text: str, low: str, words: set[str], out: list) -> None:
    """A postcode right after each cue word of `words` (lower-case text `low`)."""
    covered = 0
    for i, _ in form_hits(low, sorted(words & POSTCODE_CUE_WORDS)):
        if i < covered:
            continue
        cue = _PC_CUE.match(low, i)
        if cue is None:
            continue
        m = _PC_AFTER.match(text, cue.end())
        if m is None:
            continue
        if cue.group() in ("cp", "cap", "cep") and ":" not in m.group("sep"):
            continue
        out.append((m.start("pc"), m.end("pc"), 0.85, "LOCATION"))
        covered = m.end()
