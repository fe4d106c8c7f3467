"""Street lines in prose that no street word or block announces: "the corner of X and Y", a name joined to a
street ("at Ingrid and Via Garibaldi 14"), the words before a house number after a cue ("to Stara Ulica 908
Novak Gardens"), a name and a number before a street word ("Hokgatan 46 St.", "Gammelhavn 36 street"), a
street name doubled with "Street" ("on Tratnik Rapids Street"), and a place with its postcode after "in"
("in Villa Carlos Paz 5152 in ...").

Each is found from a literal ("corner of ", " Street", " in ") or from a position address.py hands over,
and reads a bounded number of words around it: linear in the input.
"""

from __future__ import annotations

import re

from service.redaction.detectors.address_block import (
    CLOSERS, LOW_STREET, NOT_A_STREET, PARTICLE_SET, SHORT_CUES, TITLE_WORDS, cue_before, cue_word_near, name_ok,
    year_like,
)
from service.redaction.detectors.address_context import caps_before, word_start
from service.redaction.detectors.address_data import NUMBER_FIRST_WORDS

_STREET_END = frozenset("street st st. avenue ave ave. road rd rd. lane ln drive dr boulevard blvd way place pl court ct "
                        "plaza square sq terrace trail parkway highway key tunnel lodge views extensions extension "
                        "landing lights springs prairie rapids skyway green brook pike stravenue trafficway".split())
_TOKEN_RE = re.compile(r"[^\s,;:!?()]+")


def _corner_side(text: str, i: int, e: int, stop_at_and: bool) -> tuple[int, bool]:
    """The street named at i on a corner ("92 High Street", "Hersnapvej 75"): (its end, whether it holds a
    number or ends in a street word); (i, False) when none."""
    end = i
    evidence = False
    count = 0
    for m in _TOKEN_RE.finditer(text, i, e):
        if m.start() > end + 1 and count:
            break  # more than one space between words: another field
        tok = m.group()
        low = tok.lower()
        if stop_at_and and low == "and":
            break
        if count == 0 and not (tok[0].isdigit() or tok[0].isupper() or not tok[0].islower()):
            return i, False
        if count and tok[0].islower() and low not in LOW_STREET and low not in PARTICLE_SET:
            break
        count += 1
        if count > 7:
            break
        evidence = evidence or any(c.isdigit() for c in tok) or low.rstrip(".") in _STREET_END
        end = m.end()
        if tok.endswith(".") and len(tok) > 3 and "." not in tok[:-1]:
            end -= 1  # "Nielsen Key." ends the sentence
            break
    return end, evidence


def find_corners(text: str, low: str, out: list) -> None:
    """"the corner of 92 High Street and Bulat Plaza": both streets and the words that join them, when one
    of them holds a house number or a street word."""
    i = low.find("corner of ")
    while i >= 0:
        s = i - 4 if low[max(0, i - 4):i] == "the " else i
        a = i + len("corner of ")
        eol = text.find("\n", a, a + 160)
        lim = eol if eol >= 0 else min(len(text), a + 160)
        a_end, a_ev = _corner_side(text, a, lim, True)
        if a_end > a and low.startswith(" and ", a_end):
            b = a_end + len(" and ")
            b_end, b_ev = _corner_side(text, b, lim, False)
            if b_end > b and (a_ev or b_ev):
                out.append((s, b_end, 0.8, "LOCATION"))
        i = low.find("corner of ", a)


_NUM_THEN_GAP = re.compile(r"\d{1,5}[A-Za-z]?[ \t]+")


def name_before_street(text: str, n: int, p: int, w: str) -> int:
    """Start of a street name written before a number and the street word at p ("Hokgatan 46 St.",
    "Gammelhavn 36 street"; n is the nearest number start before p), or before a street type and a
    capitalised "Street" ("Tratnik Rapids Street"); -1 when there is none."""
    if n >= 0 and _NUM_THEN_GAP.fullmatch(text, n, p) and not year_like(text[n:p].strip()):
        s = caps_before(text, n, 3, comma=False)
        return s if s >= 0 and name_ok(text, s, n) else -1
    return doubled_before(text, p) if w == "street" and text[p].isupper() else -1


def doubled_before(text: str, p: int) -> int:
    """Start of "Tratnik Rapids " before the "Street" at p (a street name that holds its own type), or -1."""
    k = word_start(text, p - 1, 16, "")
    if k == p - 1 or text[k:p - 1].lower() not in NUMBER_FIRST_WORDS and text[k:p - 1].lower().rstrip("s") not in \
            NUMBER_FIRST_WORDS or not text[k].isupper():
        return -1
    s = caps_before(text, k, 2, comma=False)
    return s if s >= 0 and name_ok(text, s, k) else -1


def find_doubled(text: str, emit) -> None:
    """Street names followed by a second street word ("on Tratnik Rapids Street"), found from " Street"."""
    i = text.find(" Street")
    while i >= 0:
        p = i + 1
        if p + 6 == len(text) or not text[p + 6].isalnum():
            s = doubled_before(text, p)
            if s >= 0:
                emit(s, p + 6)
        i = text.find(" Street", p)


_HONORIFICS = frozenset("mr mrs ms miss dr prof sir madam herr frau sr sra dott".split())


def words_before(text: str, low: str, s: int) -> int:
    """Start of the words that open a street line found from its number ("to Za Skolou 1348 Bjorklund
    Brook", "to Luige tee 56 Jarvis Lights"), or of a name joined to it ("at Sigrid and Via Roma 5"), when
    an address cue (or, for some, a line start) comes right before them; else s."""
    toks: list[int] = []  # word starts, walking back from s; a prose word ends the walk
    j = s
    while len(toks) < 4:
        k = j
        while k > 0 and j - k < 2 and text[k - 1] in " \t":
            k -= 1
        if k == j or k == 0:
            break
        w = word_start(text, k, 31, "'.-/")
        if w == k:
            break
        word = text[w:k]
        if word[0].islower() and word not in LOW_STREET and word not in PARTICLE_SET and not (
                word == "and" and not toks) and not (word.endswith(".") and len(word) <= 4):
            break
        toks.append(w)
        j = w
    ends = [s] + toks
    for n in range(len(toks), 0, -1):  # the longest opening first
        words = [text[toks[i]:ends[i]].strip() for i in range(n - 1, -1, -1)]  # in text order
        first = words[0]
        joined = n == 2 and words[1] == "and" and first[0].isupper()
        street = (first[0].isupper() or first.endswith(".") and len(first) <= 4) and "and" not in words
        lf = first.lower().rstrip(".")
        if not (joined or street) or lf in CLOSERS or lf in SHORT_CUES or lf in _HONORIFICS:
            continue
        w = toks[n - 1]
        j = w
        while j > 0 and text[j - 1] in " \t":
            j -= 1
        if j == 0 or text[j - 1] in ":\n":
            # at a line start: a street abbreviation ("ul. Polna 134 Kowal Heights"), a joined name, or
            # any street words after an address word ("address:\n\nFrorupvej 65 Geisler Fords")
            if first.endswith(".") and len(first) <= 4 or first.lower() in LOW_STREET or joined or \
                    cue_word_near(low, j):
                return w
        elif cue_before(text, low, w):
            return w
    return s


_IN_PLACE = re.compile(
    r"(?P<place>(?:[A-Z]|[^\W\d_a-z])[\w'.-]{1,30}(?:[ \t]+(?:(?:[A-Z]|[^\W\d_a-z])[\w'.-]{0,30}|de|del|do|da|la|le|"
    r"am|an|nad|sur|upon)){0,3})[ \t]+(?P<pc>\d{5}(?:-\d{3,4})?|\d{2}-\d{3}|\d{4}(?:[ \t][A-Z]{2}|-\d{3})?|[A-Z]\d[A-Z][ \t]\d[A-Z]\d)(?![\w-])"
    r"(?=[ \t]+(?:in|to|for|and|with)[ \t]|[ \t]*(?:[,;.!?)]|$))"
)


def find_in_place(text: str, out: list) -> None:
    """A place and its postcode after "in" ("in Puntas de Valdes 80006 in its mission", "in Okotoks T0L 0T0"):
    the postcode, and the place with it. A four-digit number that could be a year, and names of products,
    months or counted things, are left alone ("in Windows 2000", "in Paris 1789")."""
    i = text.find(" in ")
    while i >= 0:
        m = _IN_PLACE.match(text, i + 4)
        if m is not None:
            pc = m.group("pc")
            words = m.group("place").split()
            if not (len(pc) == 4 and 1000 <= int(pc) <= 2099) and all(
                    w.lower().rstrip(".") not in NOT_A_STREET for w in words) and TITLE_WORDS.isdisjoint(words):
                out.append((m.start(), m.end(), 0.8, "LOCATION"))
        i = text.find(" in ", i + 4)
