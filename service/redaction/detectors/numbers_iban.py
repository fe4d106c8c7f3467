"""IBAN_CODE (any case) and, from the same scans, UK_NINO (lower case only next to "NI", "NINO",
"national insurance").

Upper-case country codes: a hint scan for "XX99" (on the shape map in ASCII views), then the country's
exact length and ISO 7064 mod-97. Lower- or mixed-case codes ("de89 3704 ...", "Gb82west...") are
found from the digit runs instead (a pair of letters right before a run of two or more digits), since
a letter-first hint would fire on every word; because prose in lower case ("is 25 years old and ...")
passes mod-97 one time in 97, such a value must also fit its country's BBAN format (python-stdnum's
per-country table) before it counts.
"""

from __future__ import annotations

import re

from stdnum import iban as stdnum_iban

from service.redaction.detectors.base import Candidate, Recognizer, ScanContext, byte_classes
from service.redaction.detectors.national import NINO_RE
from service.redaction.detectors.validators import IBAN_LENGTHS, iban_ok

IBAN_RE = re.compile(r"([A-Za-z]{2})[ \-]?(\d{2})((?:[ \-]?[A-Za-z0-9]){11,32})")
# "[A-Z][A-Z]", not "[A-Z]{2}": a leading character class lets the regex engine skip ahead to the next
# capital instead of trying a match at every position
IBAN_HINT = re.compile(r"[A-Z][A-Z][ \-]?\d\d")
# ASCII views: the same hints, found on the shape map (every capital "A", every digit "0"), where the
# pattern starts with a literal
IBAN_HINT_MAP = re.compile(rb"AA[ \-]?00")
# digit runs of two or more (the lower-case path, views that are not ASCII)
_DIGITS2 = re.compile(r"\d\d+")
# ASCII views: lower-case letters read "a", capitals "A", digits "0", ' ' and '-' read ' '; reversed, a
# candidate reads "00", an optional ' ', then the second and the first letter (not both "A")
_CASE_MAP = byte_classes({"a": "abcdefghijklmnopqrstuvwxyz", "A": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                          "0": "0123456789", " ": " -"})
_REV_HINT = re.compile(rb"00 ?(?:a[aA]|Aa)")
_NINO_WORDS = frozenset({"nino", "ni", "insurance", "nin"})
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")

# the first n letters/digits of an IBAN_RE match (at most one separator between two of them)
_FIRST_ALNUM = {n: re.compile(r"(?:[ \-]?[A-Za-z0-9]){%d}" % n) for n in set(IBAN_LENGTHS.values())}


def _iban_at(text: str, m: re.Match[str]) -> Candidate | None:
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
    if iban_ok(compact):
        return (m.start(), end, 1.0, "IBAN_CODE")
    return None


class IbanRecognizer(Recognizer):
    """IBAN_CODE (any case) and, from the upper-case hint scan, UK_NINO."""

    name = "iban"
    entities = ("IBAN_CODE", "UK_NINO")

    def find(self, ctx: ScanContext) -> list[Candidate]:
        shape = ctx.shape
        text = ctx.text
        out: list[Candidate] = []
        done = -1
        for h in IBAN_HINT.finditer(text) if shape is None else IBAN_HINT_MAP.finditer(shape):
            st = h.start()
            if st < done or (st and (text[st - 1].isalnum() or text[st - 1] == ">")):
                continue
            nino = NINO_RE.match(text, st)
            if nino is not None:
                out.append((st, nino.end(), 0.85, "UK_NINO"))
                done = nino.end()
                continue
            m = IBAN_RE.match(text, st)
            if m is None:
                continue
            hit = _iban_at(text, m)
            if hit is not None:
                out.append(hit)
                done = hit[1]
        if text.isascii() and text.isupper():
            return out  # no lower-case letter: nothing more to find
        self._lower_case(ctx, out)
        return out

    @staticmethod
    def _lower_case(ctx: ScanContext, out: list[Candidate]) -> None:
        text = ctx.text
        done = -1
        # a lower-case NINO ("ab 12 34 56 c") only next to its name: six digits and a letter are common
        nino_ok = None
        for st in _lower_starts(ctx):
            if st < done or (st and (text[st - 1].isalnum() or text[st - 1] == ">")):
                continue
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
            hit = _iban_at(text, m)
            if hit is None:
                continue
            compact = "".join(c for c in text[hit[0]:hit[1]] if c.isalnum()).upper()
            if stdnum_iban.is_valid(compact):
                out.append(hit)
                done = hit[1]


def _lower_starts(ctx: ScanContext) -> list[int]:
    """Every position of two ASCII letters, not both capitals, then an optional ' ' or '-', then a run of
    two or more digits; ascending. ASCII views: one scan of the reversed letter-case map, where the
    pattern starts with its rarest part (the two digits) as a literal; other views: the digit runs."""
    text = ctx.text
    case_map = ctx.ascii_map(_CASE_MAP)
    if case_map is not None:
        rev = case_map[::-1]
        n = len(rev)
        return [n - m.end() for m in _REV_HINT.finditer(rev)][::-1]
    letters = _ASCII_LETTERS
    starts = []
    for r in _DIGITS2.finditer(text):
        s = r.start()
        st = s - 2 if s >= 2 and text[s - 1] in letters else s - 3 if s >= 3 and text[s - 1] in " -" else -1
        if st >= 0 and text[st] in letters and text[st + 1] in letters and not text[st:st + 2].isupper():
            starts.append(st)
    return starts
