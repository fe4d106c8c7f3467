"""Passports, driver's licences, national ids and medical record numbers (US_PASSPORT, US_DRIVER_LICENSE,
UK_NHS, ES_NIF, ES_NIE, IT_FISCAL_CODE, IN_AADHAAR, IN_PAN, DE_TAX_ID, FR_NIR, MEDICAL_RECORD; UK_NINO after a key).

Two ways in, one recognizer:
- Keyed values: a key naming the identifier (prose "my NHS number is", a field `"passport_number":`,
  `dl_number=`, a `key: value` line, a table cell after a header cell, an XML element) followed, within
  72 characters, by a value of the right shape. Between key and value only separators, markup tags,
  remarks in parentheses without digits and filler words ("number", "no.", "is", "card", "de", ...)
  may stand; a plain word ends the search, so a key never reaches a value further on ("passport
  expires 2030-01-01" gives nothing). Types without a checksum (passport, driver's licence, PAN,
  medical record) are found ONLY this way. After a strong key (id_keys.py) a value of the right shape
  whose checksum fails is still taken, at 0.7: a mistyped or made-up Aadhaar after "Aadhaar:" is meant
  as one, and hiding it is the private choice; after a weak key ("uid", "tin", "cf", "ssn", "national
  id") the checksum must hold.
- Laid-out values without a key: an identifier with a checksum, written in its usual layout (NHS
  `943 476 5919`, Aadhaar `2345 6789 0123`, NIR `2 55 08 14 168 025 38` or 15 bare digits with sex 1/2
  and a birth month 01-12, Steuer-ID `86 095 742 719`, DNI `12345678Z`, NIE `X1234567L`, codice
  fiscale), is reported on a valid checksum alone, with a score that loses to a phone number's reading
  of the same digits; a key word within 60 characters before raises it to 1.0. Rule for ten digits: an
  NHS-valid number counts without a key only in the 3-3-4 spaced layout (1 in 11 random numbers passes
  mod 11, and 3-3-4 with dashes is the US phone layout). Aadhaar likewise only grouped 4-4-4. A value
  glued to other letters or digits, continuing a longer digit run, or just after an order, ticket,
  reference, account or phone word is not taken.

Scores: a keyed value with a valid checksum scores 1.0 and beats every phone/card reading of the same
digits (phone context gives a phone at most 0.95 without a '+'); keyed values without a checksum score
0.9-0.95; laid-out values without a key 0.6-0.9 (the NHS and Aadhaar 0.6 lose to a formatted phone's
0.65: both hide the digits, the phone names them).

Cost: a text whose word set holds no key head and whose shape map (capitals "A", digits "0") holds none
of five gate strings is done after a set test and one literal-first scan (_ANY_GATE). Key hits and layout
hits each cost a bounded, anchored match, so the work is linear in the text on every input. Values
and keys never leave this module except as offsets; validators never raise.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from dataclasses import dataclass

from service.redaction.detectors.base import SHAPE, Candidate, Recognizer, ScanContext, byte_classes
from service.redaction.detectors.id_keys import ALL_SUBSTRINGS, COMPILED, FILLERS, KEYS, head_keys
from service.redaction.detectors.national import (
    aadhaar_ok,
    de_tax_id_ok,
    es_dni_ok,
    es_nie_ok,
    fr_nir_ok,
    fr_nir_plain_ok,
    in_pan_ok,
    it_fiscal_code_ok,
    nhs_ok,
)

_D = "0123456789"
_DATE = re.compile(r"\d{1,4}[./\-]\d{1,2}[./\-]\d{1,4}$")


def _digits(v: str) -> int:
    return sum(c in _D for c in v)


def _passport_ok(v: str) -> bool:
    # US: 9 digits or a letter and 8 digits; other countries 6-10 letters and digits, at least 5 digits
    return 6 <= len(v) <= 10 and _digits(v) >= 5 and len(set(v)) > 2


def _licence_ok(v: str) -> bool:
    c = v.replace("-", "").replace(" ", "").replace("*", "")
    return 5 <= len(c) <= 20 and _digits(c) >= 3 and len(set(c)) > 2 and not _DATE.match(v)


def _record_ok(v: str) -> bool:
    return _digits(v) >= 4 and len(set(v)) > 2 and not _DATE.match(v)


def _compact(v: str) -> str:
    return v.replace(" ", "").replace("-", "").replace(".", "").replace("/", "")


@dataclass(frozen=True)
class _Value:
    entity: str
    pattern: re.Pattern[str]
    check: Callable[[str], bool]
    score: float
    digit_run: bool = False  # must not continue a longer digit run ("2345 6789 0123 4567")
    compact: bool = True  # validate the value without its separators
    unchecked: float | None = None  # score after a strong key when the checksum fails (None: dropped)
    lead_word: bool = False  # the value starts with a word of letters apart from its digits ("ZZ 48 25 33 T")


_ALNUM_ID = r"[A-Za-z0-9]"
_VALUES: dict[str, tuple[_Value, ...]] = {
    "US_PASSPORT": (_Value("US_PASSPORT", re.compile(_ALNUM_ID + r"{6,10}"), _passport_ok, 0.95),),
    "US_DRIVER_LICENSE": (_Value(
        "US_DRIVER_LICENSE",
        # NY 123 456 789, FL S123-456-78-901-0, CA A1234567, WA WDLABCD456DG or LJSTBCQ1419*: dashes, a space
        # only before a group of exactly three digits (so "D1234567 2025" stops before the year)
        re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9*]|-(?=[A-Za-z0-9])| (?=\d{3}(?![A-Za-z0-9]))){4,24}"),
        _licence_ok, 0.95, compact=False),),
    "IN_PAN": (_Value("IN_PAN", re.compile(r"[A-Za-z]{5}\d{4}[A-Za-z]"), in_pan_ok, 0.95, unchecked=0.7),),
    "MEDICAL_RECORD": (_Value(
        "MEDICAL_RECORD", re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|[\-/.](?=[A-Za-z0-9])){3,24}"), _record_ok, 0.9,
        compact=False),),
    "UK_NHS": (_Value("UK_NHS", re.compile(r"\d(?:[ \-.]?\d){9}"), nhs_ok, 1.0, True, unchecked=0.7),),
    "IN_AADHAAR": (_Value("IN_AADHAAR", re.compile(r"\d(?:[ \-.]?\d){11}"), aadhaar_ok, 1.0, True, unchecked=0.7),),
    "DE_TAX_ID": (_Value("DE_TAX_ID", re.compile(r"[1-9](?:[ \-./]?\d){10}"), de_tax_id_ok, 1.0, True, unchecked=0.7),),
    "FR_NIR": (_Value("FR_NIR", re.compile(r"[1-478](?:[ \-.]?\d){4}[ \-.]?(?:\d\d|2[ABab])(?:[ \-.]?\d){8}"),
                      fr_nir_ok, 1.0, True, unchecked=0.7),),
    "ES_ID": (
        _Value("ES_NIF", re.compile(r"\d{1,2}\.?\d{3}\.?\d{3}[ \-]?[A-Za-z]"), es_dni_ok, 1.0, unchecked=0.7),
        _Value("ES_NIE", re.compile(r"[XYZxyz][ \-]?\d{7}[ \-]?[A-Za-z]"), es_nie_ok, 1.0, unchecked=0.7),
    ),
    "IT_FISCAL_CODE": (_Value(
        "IT_FISCAL_CODE", re.compile(r"[A-Za-z]{6}[0-9A-Za-z]{2}[A-Za-z][0-9A-Za-z]{2}[A-Za-z][0-9A-Za-z]{3}[A-Za-z]"),
        it_fiscal_code_ok, 1.0, unchecked=0.7),),
}
# a UK NINO after its key, any two letters first and any letter last (NINO_RE's prefix and suffix rules are for
# values without a key: a generator's placeholder "ZZ 48 25 33 T" after "uk_nino" is still meant as one)
_VALUES["UK_NINO"] = (_Value("UK_NINO", re.compile(r"[A-Za-z]{2}[ \-]?\d{2}[ \-]?\d{2}[ \-]?\d{2}[ \-]?[A-Za-z]"), bool,
                             0.85, lead_word=True),)
# generic keys ("ssn", "tax id", "national id") name no type: every identifier with a checksum is tried
# (keys naming a person's id, and `id_number`/`id no` fields, also hide an unvalidated value, typed by shape: a
# 12-digit number as an Aadhaar, a letter and 8 digits or 9 digits as a passport, any other id-like
# value as a driver's licence; "the id of a person" is personal whatever its type)
_VALUES["TAX_OR_SSN"] = tuple(v for k in ("UK_NHS", "IN_AADHAAR", "DE_TAX_ID", "FR_NIR", "ES_ID", "IT_FISCAL_CODE")
                              for v in _VALUES[k])
_VALUES["ID_FIELD"] = _VALUES["TAX_OR_SSN"] + (
    _Value("IN_AADHAAR", re.compile(r"[2-9]\d{3}[ \-]?\d{4}[ \-]?\d{4}"), bool, 0.6, True),
    _Value("US_PASSPORT", re.compile(r"[A-Za-z]\d{8}|\d{9}"), bool, 0.6),
    _Value("US_DRIVER_LICENSE", _VALUES["US_DRIVER_LICENSE"][0].pattern, _licence_ok, 0.55, compact=False),
    # a NINO's layout in capitals ("id_number": "ZZ 028332 T"): the UK's national id, whatever its prefix
    _Value("UK_NINO", re.compile(r"[A-Z]{2}[ \-]?\d{2}[ \-]?\d{2}[ \-]?\d{2}[ \-]?[A-Z]"), bool, 0.6, lead_word=True),
)
# `id_number`, `ID no.`, `idNr`: "id" alone is too common a word to be a head, so this key has a gate
# of its own (the word set holds "id" and one of the number words) and is found by one literal-first scan
_ID_KEY = re.compile(r"id[\s_\-.]{0,3}(?:number|nbr|num|no|nr)(?![a-z])")
_ID_WORDS = frozenset("number nbr num no nr".split())
_ID_WORDS_CAMEL = frozenset("idnumber idnbr idnum idno idnr".split())
_WORD_BEFORE = re.compile(r"([a-z]+)[ _\-]{0,2}$")
_ID_OWNERS = frozenset("my your his her their our the personal national citizen government voter resident official "
                       "photo identity".split())


@dataclass(frozen=True)
class _Layout:
    """A laid-out value found without its key: `needles` are exact byte-class strings (see _CLASSES)."""

    entity: str
    kind: str  # whose key words raise the score
    needles: tuple[bytes, ...]
    check: Callable[[str], bool]
    score: float | None  # without a key nearby; None: a key within 60 characters is required
    first: str = ""  # allowed first characters


_NHS = _Layout("UK_NHS", "UK_NHS", (b"000 000 0000",), nhs_ok, 0.6)
_AADHAAR = _Layout("IN_AADHAAR", "IN_AADHAAR", (b"0000 0000 0000",), aadhaar_ok, 0.6)
_AADHAAR_DASHED = _Layout("IN_AADHAAR", "IN_AADHAAR", (b"0000-0000-0000",), aadhaar_ok, 0.6)
_NIR = _Layout("FR_NIR", "FR_NIR", (b"0 00 00 00 000 000 00", b"0 00 00 0A 000 000 00"), fr_nir_ok, 0.85)
_NIR_PLAIN = _Layout("FR_NIR", "FR_NIR", (b"000000000000000",), fr_nir_plain_ok, 0.6)
_DE = _Layout("DE_TAX_ID", "DE_TAX_ID", (b"00 000 000 000",), de_tax_id_ok, 0.6)
_DNI = _Layout("ES_NIF", "ES_ID", (b"00000000a", b"00000000-a"), es_dni_ok, 0.75)
_NIE = _Layout("ES_NIE", "ES_ID", (b"a0000000a", b"a0000000-a"), es_nie_ok, 0.75, first="XYZxyz")
_CF = _Layout("IT_FISCAL_CODE", "IT_FISCAL_CODE", (b"AAAAAA00A00A000A",), it_fiscal_code_ok, 0.9)
_PAN = _Layout("IN_PAN", "IN_PAN", (b"AAAAA0000A",), in_pan_ok, None)
# (gate, layouts, map): every needle of the layouts contains the gate, so one substring test that fails
# skips them all (a typical text costs five C substring searches here). Gates and most needles are read
# on the shape map that the digit-run and IBAN scans share (base.SHAPE: capitals "A", digits "0", the rest
# itself), so on its own a codice fiscale or PAN counts in capitals only (after a key, in any case); DNI
# and NIE end in a letter of either case, so their needles are read on a map of this module (_CLASSES:
# letters "a"), built only for a text that has seven digits in a row.
_GATED: tuple[tuple[bytes, tuple[_Layout, ...], bool], ...] = (
    (b"0 000", (_NHS, _AADHAAR, _NIR, _DE), False),
    (b"0000-0000-0000", (_AADHAAR_DASHED,), False),
    (b"0000000", (_DNI, _NIE, _NIR_PLAIN), True),
    (b"AAAAAA00A00A000A", (_CF,), False),
    (b"AAAAA0000A", (_PAN,), False),
)
# one scan that finds any gate (from a gate's first digit, a literal the scan finds fast; what stands before that
# digit is checked behind it): most prompts hold none and are done after it
_ANY_GATE = re.compile(b"0(?:" + b"|".join(
    re.escape(g[g.index(b"0") + 1:]) + (b"(?<=" + re.escape(g) + b")" if g.index(b"0") else b"") for g, _, _ in _GATED)
    + b")")

# letters (and the characters that glue a value into a longer token) read "a", digits "0"; the three
# separators the layouts use stay themselves; everything else is "~"
_CLASSES = byte_classes({"0": _D, "a": string.ascii_letters + "_/\\@", " ": " ", "-": "-", ".": "."})
_GLUE = frozenset(b"0a")
# the same "glued" bytes as read on the shape map
_GLUE_SHAPE = frozenset(b"0A_/\\@" + string.ascii_lowercase.encode())
_SEPS = frozenset(b" -.")
_ZERO = ord("0")
_NOT_DIGIT = re.compile(rb"[^0]")
_NEGATIVE = re.compile(
    r"(?<![a-z])(?:order|invoice|inv|ref|reference|tracking|ticket|booking|confirmation|transaction|txn|serial|"
    r"sku|part|item|product|account|acct|receipt|case|claim|policy|batch|lot|version|build|commit|phone|tel|"
    r"mobile|fax)(?:[\s_\-]*(?:number|no|nr|num|id|#))?[\s:#=.]*$"
)

# key-to-value walk: tags, parenthesised remarks without digits ("(US)", "(provisoire)") and separators are
# skipped, filler words counted, anything else is a value try
_TOKEN = re.compile(r"<[^<>\n]{0,80}>|\([^()\d\n]{0,30}\)|\(|[\s\"'`:=#)\[\]{},;|*>]+|[^\s\"'`:=#()\[\]{},;|*<>]+")
_SKIP_FIRST = frozenset("<\t\n\r \"'`:=#()[]{},;|*>\x0b\x0c")  # (the first character of a skipped token)
_WALK = 72
_MAX_FILLERS = 5
_MAX_TRIES = 3


def _class_map(ctx: ScanContext, table: bytes) -> bytes:
    m = ctx.ascii_map(table)
    if m is None:  # one '?' per non-ASCII code point, so offsets still line up with the view
        m = ctx.text.encode("ascii", "replace").translate(table)
    return m


def _free(cmap: bytes, s: int, e: int, glue: frozenset[int]) -> bool:
    """Not glued to a letter or digit, and not part of a longer digit run on either side."""
    if s:
        c = cmap[s - 1]
        if c in glue or (c in _SEPS and s > 1 and cmap[s - 2] == _ZERO):
            return False
    if e < len(cmap):
        c = cmap[e]
        if c in glue or (c in _SEPS and e + 1 < len(cmap) and cmap[e + 1] == _ZERO):
            return False
    return True


class NationalIdRecognizer(Recognizer):
    name = "national_ids"
    entities = ("US_PASSPORT", "US_DRIVER_LICENSE", "UK_NHS", "ES_NIF", "ES_NIE", "IT_FISCAL_CODE",
                "IN_AADHAAR", "IN_PAN", "DE_TAX_ID", "FR_NIR", "MEDICAL_RECORD", "UK_NINO")

    def __init__(self) -> None:
        self._head_kinds: dict[str, tuple[str, ...]] = {}
        for kind, keys in COMPILED.items():
            for h in keys.heads:
                self._head_kinds[h] = self._head_kinds.get(h, ()) + (kind,)
        self._heads = frozenset(self._head_kinds)
        self._gate_words = self._heads | _ID_WORDS | _ID_WORDS_CAMEL
        # per head, each kind's key patterns cut down to the phrases that can match where the head stands, and
        # the words all those phrases spell (id_keys.head_keys): "id" is in a quarter of all prompts, "id card
        # number" or "identity number" in few, so a text without "number" skips the search for every "id"
        self._head_res = {h: tuple((k, *head_keys(KEYS[k], h)) for k in kinds) for h, kinds in self._head_kinds.items()}
        self._sub_kinds = {s: tuple(k for k, keys in COMPILED.items() if s in keys.substrings) for s in ALL_SUBSTRINGS}

    def find(self, ctx: ScanContext) -> list[Candidate]:
        out: list[Candidate] = []
        self._laid_out(ctx, out)
        self._keyed(ctx, out)
        return out

    # -- values in their usual layout ------------------------------------------------------

    def _laid_out(self, ctx: ScanContext, out: list[Candidate]) -> None:
        shape = _class_map(ctx, SHAPE)
        if _ANY_GATE.search(shape) is None:
            return
        for gate, layouts, letters in _GATED:
            if gate in shape:
                cmap, glue = (_class_map(ctx, _CLASSES), _GLUE) if letters else (shape, _GLUE_SHAPE)
                for lay in layouts:
                    self._scan(ctx, cmap, glue, lay, out)

    def _scan(self, ctx: ScanContext, cmap: bytes, glue: frozenset[int], lay: _Layout, out: list[Candidate]) -> None:
        text = ctx.text
        for needle in lay.needles:
            digits_only = needle.strip(b"0") == b""
            i = cmap.find(needle)
            while i >= 0:
                e = i + len(needle)
                if not _free(cmap, i, e, glue):
                    if digits_only:  # every later match inside this digit run is glued too: skip the run
                        m = _NOT_DIGIT.search(cmap, e)
                        if m is None:
                            break
                        e = m.start()
                    i = cmap.find(needle, e if digits_only else i + 1)
                    continue
                if (not lay.first or text[i] in lay.first) and lay.check(_compact(text[i:e])):
                    score = self._laid_out_score(ctx, lay, i)
                    if score is not None:
                        out.append((i, e, score, lay.entity))
                i = cmap.find(needle, i + 1)

    @staticmethod
    def _laid_out_score(ctx: ScanContext, lay: _Layout, start: int) -> float | None:
        before = ctx.context_before(start, 60)
        if COMPILED[lay.kind].near_re.search(before):
            return 1.0
        if lay.score is None or _NEGATIVE.search(before[-32:]):
            return None
        return lay.score

    # -- values after a key ----------------------------------------------------------------

    def _keyed(self, ctx: ScanContext, out: list[Candidate]) -> None:
        found = ctx.words & self._gate_words  # (one pass over the text's words for all the tests below)
        heads = found & self._heads if found else found
        subs: list[str] = []
        if not ctx.text.isascii():  # only a text that is not pure ASCII can hold a non-ASCII key
            low = ctx.lower
            subs = [s for s in self._sub_kinds if s in low]
        generic = "id" in found and not found.isdisjoint(_ID_WORDS) or not found.isdisjoint(_ID_WORDS_CAMEL)
        if not heads and not subs and not generic:
            return
        low = ctx.lower
        text = ctx.text
        if generic:
            for m in _ID_KEY.finditer(low):
                i = m.start()
                if i == 0 or not low[i - 1].isalnum() or (text[i].isupper() and text[i - 1].islower()):
                    w = _WORD_BEFORE.search(low, max(0, i - 24), i)
                    if w is not None and w.group(1) not in _ID_OWNERS:
                        continue  # "order id no", "session_id_number": some other thing's id
                    hit = self._value_after(text, m.end(), _VALUES["ID_FIELD"], False)
                    if hit is not None:
                        out.append(hit)
        seen: set[tuple[str, int]] = set()
        hits = [(h, kinds) for h in heads
                if (kinds := tuple(x[:3] for x in self._head_res[h] if all(w in low for w in x[3])))]
        hits += [(s, tuple((k, COMPILED[k].key_re, COMPILED[k].strong_re) for k in self._sub_kinds[s])) for s in subs]
        for head, kinds in hits:
            i = low.find(head)
            while i >= 0:
                if i == 0 or not low[i - 1].isalnum() or (text[i].isupper() and text[i - 1].islower()):
                    for kind, key_re, strong_re in kinds:
                        if (kind, i) in seen:
                            continue
                        seen.add((kind, i))
                        m = None if key_re is None else key_re.match(low, i)
                        if m is not None:
                            strong = strong_re is not None and strong_re.match(low, i) is not None
                            hit = self._value_after(text, m.end(), _VALUES[kind], strong)
                            if hit is not None:
                                out.append(hit)
                i = low.find(head, i + len(head))

    @staticmethod
    def _value_after(text: str, pos: int, values: tuple[_Value, ...], strong: bool) -> Candidate | None:
        limit = min(len(text), pos + _WALK)
        fillers = tries = 0
        lead = tuple(v for v in values if v.lead_word)  # values that start with a word of letters
        while pos < limit:
            m = _TOKEN.match(text, pos)
            if m is None:
                return None
            tok = m.group()
            pos = m.end()
            if tok[0] in _SKIP_FIRST:
                continue
            start = m.start() + len(tok) - len(tok.lstrip(".-_/"))
            word = not any(c in _D for c in tok)
            if word and lead:  # (before the filler test: "DE 12 34 56 A" is a NINO, "de" a filler word)
                hit = _value_at(text, start, lead, strong)
                if hit is not None:
                    return hit
            core = tok.strip(".-_/").lower()
            if not core or core in FILLERS:
                fillers += 1
                if fillers > _MAX_FILLERS:
                    return None
                continue
            if word:
                return None  # a plain word: the key does not name this value
            hit = _value_at(text, start, values, strong)
            if hit is not None:
                return hit
            tries += 1
            if tries >= _MAX_TRIES:
                return None
        return None


def _value_at(text: str, start: int, values: tuple[_Value, ...], strong: bool) -> Candidate | None:
    """The first of `values` whose pattern matches at `start`, stands alone and passes its check (or, after a
    strong key, fails a checksum it has); None if none."""
    n = len(text)
    for v in values:
        vm = v.pattern.match(text, start)
        if vm is None:
            continue
        e = vm.end()
        if e < n and (text[e].isalnum() or text[e] == "_"):
            continue
        if v.digit_run and e + 1 < n and text[e] in " -." and text[e + 1].isdigit():
            continue
        raw = vm.group()
        if v.check(_compact(raw) if v.compact else raw):
            return (start, e, v.score, v.entity)
        if strong and v.unchecked is not None:
            return (start, e, v.unchecked, v.entity)
    return None


NATIONAL_IDS = NationalIdRecognizer()
