"""PERSON from the head of a postal address block: the line or lines above the street line of a letter's
address ("Szonja Tot\\n\\n414 Landsberger Allee 2\\n München"), where a name stands alone on its line with
nothing around it to say it is one.

Threat model: a name the lists do not know, or one made of words ("Keiran White", "Ratko Basic" once
folded), heads the address it belongs to. A line counts only in the few lines that open a block (the text's
start or after a blank line) and end at a street line (a house number first); it must be two to four
capitalised words of letters, none a stop word, title or non-name, no firm's or place's suffix
("Sujana Universal Industries Ltd", "Metropole Television SA"), and at most one of them a common word
that no list knows as a name ("Customer Service" is no person), and one of them uncommon, a name that
counts alone, or a first name in front ("Head Office": "Head" is only a surname); a word that names
something else first (`not_names`: "Ferrari", "Morgan") counts only beside one that does not.

Speed: runs only on texts with a street line after a line break (STREET_LINE, one scan for a literal);
every line is looked at once, with a bounded look-ahead of four lines per block start: linear in the text.
"""

from __future__ import annotations

import re

from service.redaction.detectors.name_lists import STOPWORDS, TITLES
from service.redaction.detectors.names_filters import NOT_NAME_SUFFIX

_JUNK = re.compile(r"[^\w\n]*")  # quoting and decoration before a line's first word ("}} ", "> ", "??? ")
_STREET = re.compile(r"\d{1,6}[a-zA-Z]?[ ,]")  # a house number opens the street line
_PIECES = re.compile(r"['\-]")
_NOT_NAME_CHAR = re.compile(r"[^\w \t'\-]|[\d_]")  # a name line holds letters, blanks, "'" and "-" only
# a street line below some other line: the pass finds nothing in a text without one (its gate)
STREET_LINE = re.compile(r"\n[^\w\n]*" + _STREET.pattern)
_HEAD_LINES = 4  # lines of a block before its street line: name, firm, department, name again


class BlockContexts:
    """Mixin of PersonRecognizer: reads its name sets."""

    first: frozenset[str]
    last: frozenset[str]
    strong: frozenset[str]
    not_names: frozenset[str]
    common: frozenset[str]

    def _address_heads(self, text: str, low: str, add) -> None:
        lines = []  # (start, end) of each line's text after its decoration
        pos = 0
        n = len(text)
        while pos <= n:
            nl = text.find("\n", pos)
            if nl < 0:
                nl = n
            s = _JUNK.match(text, pos, nl).end()
            e = nl
            while e > s and text[e - 1] in " \t\r":
                e -= 1
            lines.append((s, e))
            pos = nl + 1
        for k, (s, e) in enumerate(lines):
            if s == e or (k and lines[k - 1][0] != lines[k - 1][1]):
                continue  # a block opens at the text's start or after a blank line
            head = []
            for s2, e2 in lines[k:k + _HEAD_LINES + 1]:
                if s2 == e2:
                    continue  # ("Szonja Tot\n\n414 Landsberger Allee 2": a blank line before the street)
                if _STREET.match(text, s2, e2) is not None:
                    for hs, he in head:
                        if self._name_line(text, low, hs, he):
                            add(hs, he, 0.7)
                    break
                head.append((s2, e2))

    def _name_line(self, text: str, low: str, s: int, e: int) -> bool:
        line = text[s:e]
        if _NOT_NAME_CHAR.search(line) is not None:
            return False  # digits, "&", ".", ",": an address, a firm, a ticker
        toks = line.split()
        if not 2 <= len(toks) <= 4:
            return False
        plain = odd = good = 0
        for t in toks:
            rest = t[1:]
            if not t[0].isupper() or (rest != rest.lower() and any(p[1:] != p[1:].lower() for p in _PIECES.split(t))):
                return False  # lower case, "LifeStyle", "MysticWeb", "NIAGARA": no name written so ("O'Brien-Díaz" is)
            w = t.lower()
            if w in STOPWORDS or w in TITLES or w in NOT_NAME_SUFFIX:
                return False
            if w in self.not_names:
                odd += 1  # "Affiano Ferrari" is a person, "Morgan Stanley" a bank
            elif w not in self.common or w in self.strong:
                good += 1
            elif w not in self.first and w not in self.last:
                plain += 1
        # a word only a name list knows, or a first name first: "Head Office" and "Main Hall" are places
        return plain <= 1 and plain + odd < len(toks) and (good > 0 or toks[0].lower() in self.first)
