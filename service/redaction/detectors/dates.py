"""DATE_TIME, only for dates of birth named as such (other dates and timestamps are not personal)."""

from __future__ import annotations

import re

from service.redaction.detectors.base import Candidate, Recognizer, ScanContext

_MONTHS = (
    r"jan(?:uary|vier|uar)?|feb(?:ruary|ruar)?|f[eé]v(?:rier)?|mar(?:ch|s|z)?|m[aä]rz|apr(?:il)?|avr(?:il)?|"
    r"may|mai|june?|juin|juil(?:let)?|july?|aug(?:ust)?|ao[uû]t|sep(?:t(?:ember)?)?|oct(?:ober|obre)?|"
    r"okt(?:ober)?|nov(?:ember|embre)?|dec(?:ember)?|d[eé]c(?:embre)?|dez(?:ember)?"
)
_DATE = (
    r"(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
    r"|\d{1,2}[-/. ]\d{1,2}[-/. ]\d{2,4}"
    r"|\d{1,2}(?:st|nd|rd|th)?\.?\s+(?:of\s+)?(?:" + _MONTHS + r")\.?,?\s+\d{4}"
    r"|(?:" + _MONTHS + r")\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4})"
)
DOB_RE = re.compile(
    r"(?:date\s+of\s+birth|birth\s*date|birthdate|birthday|\bd\.?o\.?b\b\.?|\bborn(?:\s+on)?|"
    r"geburtsdatum|geboren(?:\s+am)?|\bgeb\.|n[ée]e?\s+le|date\s+de\s+naissance|"
    r"fecha\s+de\s+nacimiento|nacid[oa]\s+el|data\s+di\s+nascita|nato\s+il|nata\s+il)"
    r"[\s:=,\-–(]{0,6}(?:(?:is|was|on|am|le|el|il)\s+)?(?P<date>" + _DATE + r")",
    re.IGNORECASE,
)

# The same pattern behind a one-character lookahead: every keyword starts with d, b, g, n or f, so a
# position that cannot start one fails on one class test instead of trying all sixteen keywords
# (case-insensitively) in turn. Same matches, several times faster over a window.
_DOB_SCAN = re.compile(r"(?=[dbgnf])" + DOB_RE.pattern, re.IGNORECASE)

_GATES = ("date of birth", "birth", "dob", "d.o.b", "born", "geburtsdatum", "geboren", "geb.", "e le ",
          "date de naissance", "fecha de nacimiento", "nacido el", "nacida el", "data di nascita",
          "nato il", "nata il")


_GATE_WORDS = frozenset("birth birthdate birthday dob born geburtsdatum geboren geb naissance nacimiento nacido "
                        "nacida nascita nato nata nee ne".split())


class DobRecognizer(Recognizer):
    name = "dob"
    entities = ("DATE_TIME",)

    def find(self, ctx: ScanContext) -> list[Candidate]:
        if ctx.words.isdisjoint(_GATE_WORDS) and "d.o.b" not in ctx.lower:
            return []
        low = ctx.lower
        out: list[Candidate] = []
        done = -1
        hits = []
        for g in _GATES:
            i = low.find(g)
            while i >= 0:
                hits.append(i)
                i = low.find(g, i + 1)
        for i in sorted(hits):
            if i < done:
                continue
            for m in _DOB_SCAN.finditer(ctx.text, max(0, i - 24), min(len(low), i + 90)):
                s, e = m.span("date")
                if e > done:
                    out.append((s, e, 0.9, "DATE_TIME"))
                    done = e
        return out


DOB = DobRecognizer()
