"""National identifiers: what a valid value of each type is (UK_NINO pattern, check-digit validators).

UK_NINO: HMRC prefix rules and suffix A-D (`NINO_RE`, used by the IBAN hint scan in numbers.py).

The checksum validators come from python-stdnum (LGPL-2.1-or-later, used unmodified as a library):
NHS mod 11, Aadhaar Verhoeff, Steuer-ID ISO 7064 mod 11,10 plus the digit-repetition rule, NIR mod-97
key (Corsica 2A/2B), DNI/NIE mod-23 letter, codice fiscale check character (omocodia included) and
the PAN holder-type letter. Each costs 10-40 µs, so they run only on candidates that already have the
exact shape of the identifier. Every function takes the compacted value (no separators) and answers
True or False; none raises on any input (a library surprise counts as "not valid": the engine must
never raise, and an unvalidated value is not reported as that type).
"""

from __future__ import annotations

import re

from stdnum.de import idnr as _idnr
from stdnum.es import dni as _dni
from stdnum.es import nie as _nie
from stdnum.fr import nir as _nir
from stdnum.gb import nhs as _nhs
from stdnum.in_ import aadhaar as _aadhaar
from stdnum.in_ import pan as _pan
from stdnum.it import codicefiscale as _cf

from service.redaction.detectors.base import Candidate, Recognizer, ScanContext

NINO_RE = re.compile(
    r"(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
    r"[ \-]?\d{2}[ \-]?\d{2}[ \-]?\d{2}[ \-]?[A-D](?![A-Za-z0-9<])"
)


class NinoRecognizer(Recognizer):
    name = "uk_nino"
    entities = ("UK_NINO",)

    def find(self, ctx: ScanContext) -> list[Candidate]:
        text = ctx.text
        out: list[Candidate] = []
        for m in NINO_RE.finditer(text):
            s = m.start()
            if s and text[s - 1].isalnum():
                continue
            out.append((s, m.end(), 0.85, "UK_NINO"))
        return out


NINO = NinoRecognizer()


def _safe(fn, value: str) -> bool:
    try:
        return bool(fn(value))
    except Exception:  # noqa: BLE001 - a validator surprise means "not valid", never an engine error
        return False


def nhs_ok(digits: str) -> bool:
    """UK NHS number: 10 digits, mod-11 check digit (a remainder giving 10 is never issued)."""
    return len(digits) == 10 and _safe(_nhs.is_valid, digits)


def aadhaar_ok(digits: str) -> bool:
    """Aadhaar: 12 digits, first 2-9, not a palindrome, Verhoeff check digit."""
    return len(digits) == 12 and _safe(_aadhaar.is_valid, digits)


def de_tax_id_ok(digits: str) -> bool:
    """Steuer-ID (IdNr): 11 digits, no leading 0, one digit repeated 2-3 times, mod 11,10 check digit."""
    return len(digits) == 11 and _safe(_idnr.is_valid, digits)


# sex (1/2; 3/4 and 7/8 for provisional numbers), two year digits, then the month: 01-12, or 13, 20-42
# and 50-99 for an unknown month; stdnum checks the characters and the key but not this structure.
_NIR_HEAD = re.compile(r"[123478]\d\d(?:0[1-9]|1[0-3]|[2-3]\d|4[0-2]|[5-9]\d)")


def fr_nir_ok(value: str) -> bool:
    """French NIR: 13 characters (2A/2B allowed for Corsica) and a 2-digit key = 97 - (number mod 97)."""
    value = value.upper()
    return len(value) == 15 and _NIR_HEAD.match(value) is not None and _safe(_nir.is_valid, value)


_NIR_PLAIN = re.compile(r"[12]\d\d(?:0[1-9]|1[0-2])")


def fr_nir_plain_ok(digits: str) -> bool:
    """A NIR as 15 bare digits with no key around: only the common case (sex 1/2, a real birth month),
    which with the mod-97 key leaves about 1 random 15-digit number in 4,000."""
    return _NIR_PLAIN.match(digits) is not None and fr_nir_ok(digits)


def es_dni_ok(value: str) -> bool:
    """Spanish DNI/NIF: 8 digits (7 with the leading zero dropped) and the mod-23 check letter."""
    value = value.upper()
    if len(value) == 8:
        value = "0" + value
    return len(value) == 9 and _safe(_dni.is_valid, value)


def es_nie_ok(value: str) -> bool:
    """Spanish NIE: X/Y/Z, 7 digits and the mod-23 check letter."""
    return len(value) == 9 and _safe(_nie.is_valid, value.upper())


def it_fiscal_code_ok(value: str) -> bool:
    """Italian codice fiscale (16 characters): layout, birth date and check character."""
    return len(value) == 16 and _safe(_cf.is_valid, value.upper())


def in_pan_ok(value: str) -> bool:
    """Indian PAN: 5 letters (the 4th a known holder type), 4 digits (not 0000), a letter. No checksum."""
    return len(value) == 10 and _safe(_pan.is_valid, value.upper())
