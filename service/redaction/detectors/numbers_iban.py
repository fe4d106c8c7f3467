"""IBAN_CODE (any case) and UK_NINO, from one hint scan.

The hint is two letters, an optional separator and two digits that start a run (IBAN_HINT; on the
shape map in ASCII views, where it starts with a literal). Upper-case country codes: the country's
exact length and ISO 7064 mod-97, as the NINO pattern first. Lower- or mixed-case codes ("de89 3704
...", "Gb82west..."): prose in lower case ("is 25 years old and ...") passes mod-97 one time in 97, so
such a value must also hold eight digits or more and fit its country's BBAN format (python-stdnum's
per-country table); a lower-case NINO counts only next to its name ("NI", "NINO", "national
insurance"), since two letters, six digits and a letter are common in ids.
"""

from __future__ import annotations

import re

from stdnum import iban as stdnum_iban

from service.redaction.detectors.base import Candidate, Recognizer, ScanContext
from service.redaction.detectors.national import NINO_RE
from service.redaction.detectors.validators import IBAN_LENGTHS, iban_ok

IBAN_RE = re.compile(r"([A-Za-z]{2})[ \-]?(\d{2})((?:[ \-]?[A-Za-z0-9]){11,32})")
# The hint for both: two digits that start a run, after two ASCII letters (and an optional ' '/'-'),
# before two letters or digits (or ' '/'-' and one), which every IBAN and NINO has. The literal part
# (the digits) comes first and the rest are look-arounds, tried only where two digits stand.
IBAN_HINT = re.compile(
    r"[0-9][0-9](?:(?<=[A-Za-z][A-Za-z][0-9][0-9])|(?<=[A-Za-z][A-Za-z][ \-][0-9][0-9]))"
    r"(?=[A-Za-z0-9]{2}|[ \-][A-Za-z0-9])"
)
# ASCII views: the same hints on the shape map (capitals "A", digits "0", lower-case letters themselves),
# where the pattern starts with a literal and scans several times faster
IBAN_HINT_MAP = re.compile(rb"00(?:(?<=[a-zA][a-zA]00)|(?<=[a-zA][a-zA][ \-]00))(?=[a-zA0]{2}|[ \-][a-zA0])")
_NINO_WORDS = frozenset({"nino", "ni", "insurance", "nin"})

# the first n letters/digits of an IBAN_RE match (at most one separator between two of them)
_FIRST_ALNUM = {n: re.compile(r"(?:[ \-]?[A-Za-z0-9]){%d}" % n) for n in set(IBAN_LENGTHS.values())}


def _iban_at(text: str, m: re.Match[str], min_digits: int = 0) -> Candidate | None:
    want = IBAN_LENGTHS.get(m.group(1).upper())
    if want is None:
        return None
    seg = m.group()
    # ASCII (letters, digits, ' ' and '-' only): the loop below, without a loop in Python
    first = _FIRST_ALNUM[want].match(text, m.start()) if seg.isascii() else None
    if first is not None and first.end() <= m.end():
        end = first.end()
        compact = text[m.start():end].replace(" ", "").replace("-", "").upper()
    else:
        got = 0
        end = m.start()
        chars = []
        for i in range(m.start(), m.end()):
            c = text[i]
            if c.isalnum():
                chars.append(c.upper())
                got += 1
                if got == want:
                    end = i + 1
                    break
        if got != want:
            return None
        compact = "".join(chars)
    if end < len(text) and (text[end].isalnum() or text[end] == "<"):
        return None  # the value runs on: not this IBAN
    if min_digits and sum(c.isdigit() for c in compact) < min_digits:
        return None  # "is 25 years old and happy to ...": words, not an account number
    if iban_ok(compact):
        return (m.start(), end, 1.0, "IBAN_CODE")
    return None


class IbanRecognizer(Recognizer):
    """IBAN_CODE (any case) and UK_NINO, from one scan for two letters before two digits."""

    name = "iban"
    entities = ("IBAN_CODE", "UK_NINO")

    def find(self, ctx: ScanContext) -> list[Candidate]:
        text = ctx.text
        out: list[Candidate] = []
        done = -1
        nino_ok = None
        for st in hint_starts(ctx):
            if st < done or (st and (text[st - 1].isalnum() or text[st - 1] == ">")):
                continue
            if text[st:st + 2].isupper():
                nino = NINO_RE.match(text, st)
                if nino is not None:
                    out.append((st, nino.end(), 0.85, "UK_NINO"))
                    done = nino.end()
                    continue
                m = IBAN_RE.match(text, st)
                hit = None if m is None else _iban_at(text, m)
                if hit is not None:
                    out.append(hit)
                    done = hit[1]
                continue
            # lower or mixed case: a NINO only next to its name (six digits and a letter are common)
            if nino_ok is None:
                nino_ok = not ctx.words.isdisjoint(_NINO_WORDS)
            if nino_ok and text[st:st + 13].isascii():
                nino = NINO_RE.match(text[st:st + 13].upper())
                if nino is not None and not (st + nino.end() < len(text) and text[st + nino.end()].isalnum()):
                    out.append((st, st + nino.end(), 0.85, "UK_NINO"))
                    done = st + nino.end()
                    continue
            if text[st:st + 2].upper() not in IBAN_LENGTHS:
                continue
            m = IBAN_RE.match(text, st)
            if m is None:
                continue
            hit = _iban_at(text, m, min_digits=8)  # account numbers are digits (BBANs with letters too)
            if hit is None:
                continue
            compact = "".join(c for c in text[hit[0]:hit[1]] if c.isalnum()).upper()
            if stdnum_iban.is_valid(compact):
                out.append(hit)
                done = hit[1]
        return out


def hint_starts(ctx: ScanContext) -> list[int]:
    """Where each IBAN_HINT candidate starts (its two letters), ascending."""
    shape = ctx.shape
    if shape is None:
        text = ctx.text
        return [h.start() - (2 if text[h.start() - 1] not in " -" else 3) for h in IBAN_HINT.finditer(text)]
    return [h.start() - (2 if shape[h.start() - 1] not in b" -" else 3) for h in IBAN_HINT_MAP.finditer(shape)]
