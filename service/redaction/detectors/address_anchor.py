"""Addresses read back from their postcode: a validated UK postcode or a US state and ZIP is an address's last part
even where no word announces it, so the parts written before it are taken with it (a city, a street line with or
without its house number, a unit or a building), in whatever case and with whatever separators (", ", line breaks,
plain spaces): "Flat 4\\nHartley Lane\\nNorth Graceton\\nLS9 3QT", "Oakridge Crossing Apt. 331 Port Melissa, OR
97211", "17 kerr fields, lake alisonbury, cb4 1zz", and after a UK postcode the country line ("..., GB").

A UK postcode of the strict shape stands on its own: its area is one of the UK's postcode areas (a closed list of
about 120), its district a digit or two or a digit and one of the letters that position allows, its inward part a
digit and two of the twenty letters that part uses ("CB4 1ZZ", "EC1A 1BB"), all in one case. An upper-case one is
a location alone; a lower-case one ("cb4 1zz") only after a place or street written before it (lower-case
letter-digit pairs are common in code and notes). A US state and ZIP ("OR 97211", "nh 50816") counts only with the
city written before it, and in lower case only with a street line before that.

The parts before the anchor are read by one pattern that must end exactly at the anchor (searched in a window of
at most _BACK characters before it), in one of two spellings: capitalised words (Title case or upper case), or
lower-case words, where a street name is one word before its street word (a lower-case carrier word before it is
prose, not a name) and a city one word after an optional "north"/"lake"/... prefix.

Cost: anchors are found from literals on a case-folded byte map of the text (" 0aa", " 00000"), a bounded number
of characters is read around each, and the pattern runs in a bounded window before each anchor: linear in the
input.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from service.redaction.detectors.address_data import ANCHOR_SUFFIXES, STRONG_SUFFIXES, US_STATES
from service.redaction.detectors.name_lists import load_names

_ENTITY = "LOCATION"

UK_AREAS = frozenset("""
AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY E EC EH EN EX FK FY G GL
GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX
PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR
WS WV YO ZE
""".split())
_UK_INWARD = frozenset("ABDEFGHJLNPQRSTUWXYZ")
_UK_THIRD_1 = frozenset("ABCDEFGHJKPSTUW")  # "W1A": the letter after a one-letter area's digit
_UK_FOURTH_2 = frozenset("ABEHMNPRVWXY")  # "SW1A": the letter after a two-letter area's digit
# An upper-case "M2 4GB" / "B1 2TB" reads as a size in technical text: after a letter and a digit such inward codes
# need a street or a city set off by a comma or line break ("LE14 7TB" is a postcode).
SIZE_UNITS = frozenset(("GB", "TB", "MB", "PB", "KB"))  # (KB is no inward code: K is never one of its letters)

# Anchor seeds: the blank before a UK inward code ("0AA"/"0aa") or a five-digit ZIP, on the shape map of an ASCII text
# (capitals read "A", digits "0") or, on other texts, in the text itself; each pattern opens with a literal blank.
_UK_SEED = re.compile(rb" (?=0[Aa-z]{2})")
_US_SEED = re.compile(rb" (?=00000)")
_UK_SPACE = re.compile(r" (?=[0-9][A-Za-z]{2})")
_US_SPACE = re.compile(r" (?=[0-9]{5})")
_OUTWARD = re.compile(r"[A-Za-z]{1,2}\d[A-Za-z\d]?")
_ZIP_REST = re.compile(r"\d{5}(?:-\d{4})?(?![\w-])")
_BACK = 160

_SEP = r"(?:[ \t]*,[ \t]*(?:\r?\n[ \t]*)?|[ \t]*\r?\n[ \t]*|[ \t]+)"
_NUM = r"(?<![\w.,:/$#-])\d{1,6}[A-Za-z]?"
_SUF = "|".join(sorted(ANCHOR_SUFFIXES, key=len, reverse=True))
_STREET_WORD = re.compile(r"(?i)(?<![\w'-])(?:" + _SUF + r")\.?(?![\w'-])")  # what any head's street line holds
_PREFIXES = "north|south|east|west|new|lake|port|upper|lower|great|little|old|st\\.?|saint|fort|mount"
_BLDG = "house|building|block|court|lodge|tower|mansions|hall"
_UNITW = r"flat|studio|apartment|apt\.?|suite|ste\.?|unit|room"

# capitalised spelling: Title case or upper case words; the street word may be lower case ("Hartley lane")
_CAP = r"(?<![\w'-])[A-Z][A-Za-z'-]{1,30}"
_UNIT_C = r"(?<![\w'-])(?=[A-Z#])(?i:" + _UNITW + r"|#)[ \t]*#?[ \t]*\d{1,5}[A-Za-z]?(?![\w])"
_STREET_C = (r"(?:" + _NUM + r"[ \t]+)?(?:" + _CAP + r"[ \t]+){1,3}(?i:" + _SUF + r")\.?(?![\w'-])"
             r"(?:[ \t]*,?[ \t]*" + _UNIT_C + r")?")
_BLDG_C = r"(?:" + _CAP + r"[ \t]+(?=[A-Z])(?i:" + _BLDG + r")|(?<![\w'-])(?=[A-Z])(?i:" + _BLDG + r")[ \t]+" + _CAP + r")"
_CITY_C = r"(?:" + _CAP + r"[ \t]+){0,2}" + _CAP


def _head(building: str, unit: str, street: str, city: str) -> re.Pattern[str]:
    """What stands before an anchor: a building and a unit line, a street line (or a unit alone), then the city,
    ending where the search ends."""
    return re.compile(
        r"(?:(?P<pre>(?:" + building + _SEP + r")?(?:" + unit + _SEP + r")?)(?P<street>" + street + r")" + _SEP +
        r"|(?P<unit>" + unit + r")" + _SEP + r")?"
        r"(?:(?P<city>" + city + r")(?P<sep>" + _SEP + r"))?\Z"
    )


HEAD_CASED = _head(_BLDG_C, _UNIT_C, _STREET_C, _CITY_C)
# lower-case spelling
_LOW = r"(?<![\w'-])[a-z][a-z'-]{1,30}"
_UNIT_L = r"(?<![\w'-])(?:" + _UNITW + r"|#)[ \t]*#?[ \t]*\d{1,5}[a-z]?(?![\w])"
_STREET_L = (r"(?:" + _NUM + r"[ \t]+(?:" + _LOW + r"[ \t]+){1,2}|" + _LOW + r"[ \t]+)(?:" + _SUF + r")\.?(?![\w'-])"
             r"(?:[ \t]*,?[ \t]*" + _UNIT_L + r")?")
_BLDG_L = r"(?:" + _LOW + r"[ \t]+(?:" + _BLDG + r")|(?<![\w'-])(?:" + _BLDG + r")[ \t]+" + _LOW + r")"
_CITY_L = r"(?:(?<![\w'-])(?:" + _PREFIXES + r")[ \t]+)?" + _LOW
HEAD_LOWER = _head(_BLDG_L, _UNIT_L, _STREET_L, _CITY_L)
_COUNTRY = re.compile(_SEP + r"(?i:united[ \t]+kingdom|great[ \t]+britain|britain|england|scotland|wales|cymru|"
                      r"northern[ \t]+ireland|gb|uk)(?![\w])")


# A dwelling unit, then a street name and its street word, then maybe the city and the country: a GB address
# without its postcode ("Flat 4\nHartley Lane\nNorth Graceton", "Studio 3 Nicole Drives Saramouth", "Apt 2, Market
# Street"). A flat's number before a name and a street word is an address in any text.
# Only the dwelling words: "Suite 1 Test Run", "Unit 3 Grammar Course" are a test suite and a lesson.
_HOME = r"flat|studio|apartment|apt\.?"
_HOME_C = r"(?<![\w'-])(?=[A-Z])(?i:" + _HOME + r")[ \t]*#?[ \t]*\d{1,5}[A-Za-z]?(?![\w])"
_HOME_L = r"(?<![\w'-])(?:" + _HOME + r")[ \t]*#?[ \t]*\d{1,5}[a-z]?(?![\w])"
UNIT_STREET = re.compile(
    _HOME_C + _SEP + r"(?P<name>(?:" + _CAP + r"[ \t]+){1,2})(?P<suf>(?i:" + _SUF + r"))\.?(?![\w'-])"
    r"(?:" + _SEP + r"(?:" + _CAP + r"[ \t]+){0,2}" + _CAP + r"(?![\w'-]))?"
)
# the same in lower case: one name word before the street word, a city of one word after an optional prefix
UNIT_STREET_LOWER = re.compile(
    _HOME_L + _SEP + r"(?P<name>" + _LOW + r"[ \t]+)(?P<suf>" + _SUF + r")\.?(?![\w'-])(?:" + _SEP + _CITY_L +
    r"(?![\w'-]))?"
)
_BLDG_BEFORE = re.compile(r"(?:" + _BLDG_C + r"|" + _BLDG_L + r")" + _SEP + r"\Z")
HOME_WORDS = frozenset(("flat", "studio", "apt", "apartment"))


def home_forms(words: set[str]) -> list[str]:
    """The written forms of the dwelling words a text holds ("Flat", "FLAT", "flat"...), for form_hits."""
    return [f for w in words & HOME_WORDS for f in (w.capitalize(), w.upper(), w)]


_BLDG_ANY = re.compile(r"(?i:" + _BLDG + r")")
BUILDING_WORDS = frozenset(_BLDG.split("|"))  # a text whose word set holds none has no building line


def building_before(text: str, s: int) -> int:
    """Start of a building line written just before s ("Murray House\n", "Block Kennedy, "), or s. The search runs
    only where the window holds a building word (a necessary condition of its pattern)."""
    lo = max(0, s - 70)
    if _BLDG_ANY.search(text, lo, s) is None:
        return s
    m = _BLDG_BEFORE.search(text, lo, s)
    return s if m is None else m.start()


def find_unit_streets(text: str, hits: list[tuple[int, str]], out: list) -> None:
    """A unit and the street line after it (see UNIT_STREET), with a building line before and a country after."""
    covered = 0
    for i, _ in hits:
        if i < covered:
            continue
        m = (UNIT_STREET_LOWER if text[i].islower() else UNIT_STREET).match(text, i)
        if m is None:
            continue
        suf = m.group("suf")
        if (suf.lower() not in STRONG_SUFFIXES or suf.islower() and not text[i].islower()) and \
                not _named(m.group("name").split()):
            continue  # a weak street word, or a lower-case one after capitals ("Studio 19 Happy close"), after words
        c = _COUNTRY.match(text, m.end())
        end = c.end() if c is not None else m.end()
        out.append((building_before(text, i), end, 0.8, _ENTITY))
        covered = end


# A UK country name closing an address whose postcode is left out: taken with the street line and the city before
# it ("13 Stephanie Mill Ireneton Scotland", "Taylor Field\nBeverleyborough\nBritain"), never alone. A street line
# without a house number, unit or building counts only as a line of a block: "Hyde Park, London, England" is prose.
COUNTRY_WORDS = frozenset(("england", "scotland", "wales", "cymru", "britain", "kingdom", "gb", "uk"))


def find_country_closed(text: str, low: str, words: set[str], out: list) -> None:
    """Street line, city and a UK country name (see COUNTRY_WORDS), in capitalised or lower-case spelling.
    The country words are taken in text order and each one's head window starts after the previous one, so
    the windows never overlap ("UK UK UK ..." costs one short window each); a window without a street word
    cannot hold a head (its street group is required) and is not searched."""
    hits = []
    for w in words & COUNTRY_WORDS:
        i = low.find(w)
        while i >= 0:
            hits.append((i, w))
            i = low.find(w, i + len(w))
    floor = 0
    for i, w in sorted(hits):
        e = i + len(w)
        if (i == 0 or not low[i - 1].isalnum()) and (e == len(low) or not (low[e].isalnum() or low[e] in "'-")) \
                and (w not in ("gb", "uk") or text[i].isupper()):
            s = i
            if w in ("kingdom", "britain"):  # "United Kingdom", "Great Britain": the head ends before both words
                j = i
                while j > 0 and text[j - 1] in " \t":
                    j -= 1
                k = j
                while k > 0 and text[k - 1].isalpha():
                    k -= 1
                if low[k:j] in ("united", "great") and j < i:
                    s = k
                elif w == "kingdom":
                    s = -1
            if s > floor and _STREET_WORD.search(text, max(floor, s - _BACK), s) is not None:
                head = HEAD_LOWER if text[s].islower() else HEAD_CASED
                m = head.search(text, head_search_start(text, s, head is HEAD_LOWER, floor), s)
                if m is not None and m.group("street") is not None and m.group("city") is not None and (
                        text[m.start("street")].isdigit() or m.group("pre") or _named_block(text, m, s)):
                    out.append((building_before(text, m.start()), e, 0.8, _ENTITY))
        floor = max(floor, e)


def _common() -> frozenset[str]:
    words: set[str] = set()
    for line in (Path(__file__).resolve().parent.parent / "data" / "common_words.txt").read_text("utf-8").splitlines():
        if not line.startswith("#"):
            words.update(w.lower() for w in line.split())
    return frozenset(words)


_COMMON = _common()


@lru_cache(maxsize=1)
def _known_names() -> frozenset[str]:
    first, last, _ = load_names()  # loaded on first use: only a weak street word after a flat's number asks
    return first | last


def _named(words: list[str]) -> bool:
    """Whether a street name is a name rather than words of the language: one of its words is no common word or
    is a known first name or surname ("Studio 97 Better End", "Flat 57 Movie Well" are prose)."""
    low = [w.lower().strip("'-.") for w in words]
    return any(w not in _COMMON for w in low) or any(w in _known_names() for w in low)


def _named_block(text: str, m: re.Match[str], s: int) -> bool:
    """A street line without a number as a line of a block ("Tarrant Field\nWexborough\nBritain"), whose street
    name or city is a name rather than words of the language ("Data Center\nOperations\nEngland" is headings)."""
    if "\n" not in text[m.start():s]:
        return False
    names = text[m.start("street"):m.end("street")].split()[:-1] + text[m.start("city"):m.end("city")].split()
    return any(w.lower().strip("'-.") not in _COMMON for w in names)


def uk_postcode(out_code: str, in_code: str) -> bool:
    """A UK postcode of the strict shape (see the module docstring), in one case."""
    if not (out_code + in_code).isupper() and not (out_code + in_code).islower():
        return False
    o = out_code.upper()
    i = in_code.upper()
    if i[1] not in _UK_INWARD or i[2] not in _UK_INWARD:
        return False
    area = o[:2] if o[1].isalpha() else o[:1]
    if area not in UK_AREAS:
        return False
    rest = o[len(area):]  # digit, digit+digit, or digit+letter
    if len(rest) == 2 and rest[1].isalpha():
        return rest[1] in (_UK_THIRD_1 if len(area) == 1 else _UK_FOURTH_2)
    return True


_HEAD_TOKENS = 20  # more than a head can hold: building 2, unit 3, street 8, city 3 (split at blanks and commas)
_TOKEN_SEPS = " \t,\r\n"


def head_search_start(text: str, s: int, lower: bool, floor: int) -> int:
    """Where a search for a head ending at s can first match: the same leftmost match as a search from
    max(floor, s - _BACK), from fewer starts. Walking back over the blank- and comma-separated tokens before s, a
    head is made only of tokens that open with a capital, a digit or "#", or are street words, in the capitalised
    spelling (any token in the lower-case one), and at most _HEAD_TOKENS of them; every part of a head opens after a
    character that is not a word character, so inside the first token that fails, a match can start no earlier than
    after its first such character."""
    lo = max(floor, s - _BACK)
    j = s
    for _ in range(_HEAD_TOKENS):
        while j > lo and text[j - 1] in _TOKEN_SEPS:
            j -= 1
        k = j
        while k > lo and text[k - 1] not in _TOKEN_SEPS:
            k -= 1
        if k == j:
            return j
        tok = text[k:j]
        c = tok[0]
        if not (lower or c.isupper() or c.isdigit() or c == "#" or tok.lower().rstrip(".") in ANCHOR_SUFFIXES):
            i = 1
            while i < len(tok) and (tok[i - 1].isalnum() or tok[i - 1] == "_"):
                i += 1
            return k + i
        j = k
    return j


def _head(text: str, s: int, lower: bool, floor: int) -> tuple[int, bool, bool]:
    """The parts written before an anchor at s, after `floor`: (their start, or s; whether a street line or a unit
    is among them; whether a city is, set off by a comma or a line break)."""
    m = (HEAD_LOWER if lower else HEAD_CASED).search(text, head_search_start(text, s, lower, floor), s)
    if m is None or m.start() == s:
        return s, False, False
    city_apart = m.group("city") is not None and ("," in m.group("sep") or "\n" in m.group("sep"))
    return m.start(), m.group("street") is not None or m.group("unit") is not None, city_apart


def find_anchored(text: str, shape: bytes | None, out: list) -> None:
    """UK postcodes and US state-and-ZIP lines with the address parts written before them (see the docstring).
    Each anchor's window starts after the previous anchor, so the windows never overlap."""
    uk, us = (_UK_SPACE, _US_SPACE) if shape is None else (_UK_SEED, _US_SEED)
    hay = text if shape is None else shape
    anchors = sorted([(m.start(), True) for m in uk.finditer(hay)] + [(m.start(), False) for m in us.finditer(hay)])
    floor = 0
    for p, is_uk in anchors:
        floor = _uk_at(text, p, floor, out) if is_uk else _us_at(text, p, floor, out)


def _uk_at(text: str, p: int, floor: int, out: list) -> int:
    """A UK postcode whose space is at p; returns the floor for the next anchor (this one's end, when it is one)."""
    e = p + 4
    if e > len(text) or (e < len(text) and (text[e].isalnum() or text[e] == "_")):
        return floor
    j = p
    while j > 0 and p - j < 5 and text[j - 1].isalnum():
        j -= 1
    if p - j < 2 or p - j > 4 or (j > 0 and text[j - 1] in "_-") or not text[j].isalpha():
        return floor
    out_code, in_code = text[j:p], text[p + 1:e]
    if not text[p + 1].isdigit() or not in_code[1:].isalpha() or _OUTWARD.fullmatch(out_code) is None or \
            not uk_postcode(out_code, in_code):
        return floor
    lower = in_code.islower()
    start, street, city = _head(text, j, False, floor)
    if start == j and lower:
        start, street, city = _head(text, j, True, floor)
    if start == j and lower or (lower or len(out_code) == 2 and in_code[1:] in SIZE_UNITS) and not (street or city):
        return e
    c = _COUNTRY.match(text, e)
    end = c.end() if c is not None else e
    out.append((start, end, 0.8, _ENTITY))
    return end


def _us_at(text: str, p: int, floor: int, out: list) -> int:
    """A US state and ZIP whose space is at p (the state's two letters before it); returns the next floor."""
    if p < 2 or (p > 2 and (text[p - 3].isalnum() or text[p - 3] in "_-")):
        return floor
    st = text[p - 2:p]
    if not st.isalpha() or st.upper() not in US_STATES or not (st.isupper() or st.islower()):
        return floor
    z = _ZIP_REST.match(text, p + 1)
    if z is None:
        return floor
    lower = st.islower()
    start, street, _ = _head(text, p - 2, lower, floor)
    if start == p - 2 or (lower and not street):
        return p + 1  # not an address end; its digits may still open the next one ("sed in 29594 steven circle")
    out.append((start, z.end(), 0.8, _ENTITY))
    return z.end()
