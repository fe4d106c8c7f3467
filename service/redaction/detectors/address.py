"""LOCATION: street addresses (US, UK, DE, FR, ES, IT, PT, NL forms) and postcodes in address context.

A street line is found from its street word, never from a city or country name (those alone identify
nobody and stay): a number, a name and a street type ("221B Baker Street", "55 W 21st St", "12 rue de la
Paix"), a street type, a name and a number ("Via Roma 10", "Calle Mayor, 5", "Laan van Meerdervoort 5"),
a glued German/Dutch/Swedish street word and a number ("Hauptstrasse 5": the view folds ss), or a post
box. The span then grows over what belongs to the address when it is there: a unit before or after
("Apt 4B", "Suite 759"), and on the same line or the next lines the city with its region and postcode
("Washington, DC 20500", "London SW1A 2AA", "10115 Berlin") and a country at the end of a line.
Postcodes alone count after a cue ("ZIP: 94105", "PLZ 10115", "postcode SW1A 1AA") or in a US
"City, ST 12345" line or a full UK postcode after a place name.

False positives kept out: a street type that is also an ordinary word ("Park", "View", "Camp") needs
more evidence (a unit, a city/postcode line, an address word before it, or a house number of three
digits or more that is not a year); number-first names are capitalised words (or, with a full street
word, one or two lower-case words that are not function words), so "5 Things to Do", "3 main points",
"Route 66", versions, prices ("$5"), amounts and dates do not match.

The rest of an address after a street line, blocks of address lines and street lines known only from
their shape ("4479 Fitjabraut 85" after "at") are read by address_block.py; corners, joined names, words
before a house number, doubled street words and "in Place 1234" by address_prose.py; postcodes after a
cue by address_postcode.py.

Cost: gates are set and substring tests on views shared by every recognizer (word set, lower-cased
text); a regex runs only in a bounded window around each street word, windows never overlap, and each
tail is one anchored bounded match, so the work is linear in the input on any input.
"""

from __future__ import annotations

import re

from service.redaction.detectors.address_anchor import (
    BUILDING_WORDS, COUNTRY_WORDS, HOME_WORDS, building_before, find_anchored, find_country_closed, find_unit_streets,
    SIZE_UNITS, home_forms,
)
from service.redaction.detectors.address_block import LOW_STREET, NOT_A_STREET, extend_after, find_shaped, year_like
from service.redaction.detectors.address_context import (
    CUE_STREET, HOUSE_BEFORE, KEY_VALUE, KEY_WORDS, LINE_BEFORE_UNIT, MILITARY, STREET_CUE_WORDS, TAIL, UNIT_FULL,
    VCARD_ADR, ZIP, address_cue_before, caps_before, line_search_start, unit_before, word_start,
)
from service.redaction.detectors.address_data import (
    COMPOUND_CONTEXT, COMPOUND_GATES, FR_TYPES, NUMBER_FIRST_WORDS, PARTICLES, POSTCODE_CUE_WORDS,
    STANDALONE_STEMS, STRONG_SUFFIXES, TYPE_FIRST_WORDS, US_STATES, WEAK_SUFFIXES,
)
from service.redaction.detectors.address_postcode import form_hits, postcode_cues
from service.redaction.detectors.address_prose import (
    find_corners, find_doubled, find_in_place, name_before_street, words_before,
)
from service.redaction.detectors.base import Candidate, Recognizer, ScanContext

_ENTITY = "LOCATION"


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_NUM = r"\d{1,6}[A-Za-z]?(?:[-/]\d{1,5}[A-Za-z]?)?"
_CAPW = r"[A-Z][\w'.-]{0,25}"
_PART = r"(?:" + _alt(PARTICLES) + r")"
_DIR = r"(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\.?"
_STOP = (r"(?:the|a|an|to|of|on|in|at|by|for|and|or|but|down|up|this|that|these|those|my|your|our|their|his|"
         r"her|its|more|other|main|side|same|next|first|last|few|new|old|lane|mile|miles|km|hour|hours|minute|"
         r"minutes|day|days|week|weeks|block|blocks|way|ways|times|story|storey|door|car|cars|bed|bath|is|are|"
         r"was|were|be|been|which|what|who|one|two|three|four|five|six|seven|eight|nine|ten|different|many)"
         r"(?![a-z])")
_LOW_SUF = frozenset(("street", "avenue", "road", "boulevard", "lane", "drive", "ave", "rd", "blvd"))

# Number first, written up to the street word found at p: "1600 Pennsylvania " before "Ave NW",
# "221b baker " before "street", "12, " before "rue de la Paix". Each is fullmatch'ed to end exactly at p.
_NUM_LB = r"(?<![\w$€£¥.,:/#+-])"
_NF_HEAD = re.compile(
    _NUM_LB + r"(?P<num>" + _NUM + r")(?:[ \t]+(?:bis|ter))?,?[ \t]+(?:" + _DIR + r"[ \t]+)?"
    r"(?:(?:" + _CAPW + r"|\d{1,3}(?:st|nd|rd|th))[ \t]+){1,4}\Z"
)
_NF_HEAD_LOW = re.compile(
    _NUM_LB + r"(?P<num>" + _NUM + r"),?[ \t]+(?:(?!" + _STOP + r")[a-z][a-z'-]{1,20}[ \t]+){1,2}\Z")
_NF_HEAD_FR = re.compile(_NUM_LB + r"(?P<num>" + _NUM + r")(?:[ \t]+(?:bis|ter))?,?[ \t]+\Z")
_NF_POST = re.compile(r"\.?(?![\w-])(?:[ \t]+(?:N|S|E|W|NE|NW|SE|SW)\.?(?![\w-]))?")
_FR_REST = re.compile(
    r"[\w]+\.?[ \t]+(?!J\.?-?C\b)(?:(?:" + _PART + r"|l'|d')[ \t]*){0,3}" + _CAPW +  # not "45 av. J.-C."
    r"(?:[ \t]+(?:" + _PART + r"[ \t]+){0,3}" + _CAPW + r"){0,5}(?![\w-])"
)

# Street type first, number after: "Via Giuseppe Garibaldi, 5", "C/ Mayor 5", "Laan van Meerdervoort 5".
_TYPE_FIRST = re.compile(
    r"(?:[A-Z][a-z]{1,11}|[A-Z]{2,12}|C/)\.?[ \t]+"
    r"(?:(?:" + _PART + r"|" + _CAPW + r"|\d{1,2}\.?)[ \t]+|l'|d'){0,5}" + _CAPW +
    r",?[ \t]*(?:n[or]?[.°º]?[ \t]*)?(?P<num>\d{1,5}[A-Za-z]?(?:[-/]\d{1,4})?)"
    r"(?![\w%]|[.,]\d|[ \t]*(?:%|times|x\b|[kmg]b\b|ms\b|px\b|min|hours|days|years|percent|euros?|dollars?))"
)
_AFTER_STEM = re.compile(
    r"\.?[ \t]*,?[ \t]*(?:Nr\.?[ \t]*)?(?P<num>\d{1,4}[A-Za-z]?(?:[-/]\d{1,4}[A-Za-z]?)?)(?![\w%]|[.,]\d)"
)
_PO_BOX = re.compile(
    r"(?<![\w])(?i:p\.?[ \t]?o\.?[ \t]?box|post[ \t]office[ \t]box|postfach|apartado(?:[ \t]de[ \t]correos)?|"
    r"casella[ \t]postale|caixa[ \t]postal|boite[ \t]postale|postbus|postbox)[ \t#:.]*\d{1,8}(?![\w])"
)

_BOX_WORDS = frozenset("box postfach apartado postale postal postbus postbox".split())
_MILITARY_WORDS = frozenset(("dpo", "fpo", "apo"))
# A unit ("Apt. 856", "Suite 505") is an address on its own evidence: the street line written just before
# it ("Keskiortentie 4 Apt. 856", "973 Ilichova 7\n Apt. 943") is taken whatever its street words.
_UNIT_FORMS = ("Apt", "APT", "Suite", "SUITE", "Unit", "Flat", "Apartment")
_UNIT_GATE = frozenset(("apt", "suite", "unit", "flat", "apartment", "studio"))
_GATE_WORDS = frozenset({"corner"}) | (NUMBER_FIRST_WORDS | TYPE_FIRST_WORDS | COMPOUND_CONTEXT | _BOX_WORDS | POSTCODE_CUE_WORDS
               | _MILITARY_WORDS | STREET_CUE_WORDS | KEY_WORDS | _UNIT_GATE | COUNTRY_WORDS | {"adr"})
_DIGIT = re.compile(r"\d")
_VERBS = frozenset("is are was were has have had will would can could".split())
# A UK postcode or a US "ST 12345" not glued to a word. Written with the lookbehind after the first capital
# ("[A-Z](?<![\w-][A-Z])" is "(?<![\w-])[A-Z]"): a scan then skips to the capitals in C instead of trying the
# lookbehind at every position (a non-ASCII text, which has no shape map to gate them, is scanned whole).
_UK_ALONE = re.compile(r"[A-Z](?<![\w-][A-Z])[A-Z]?\d[A-Z\d]?[ \t]\d[ABD-HJLNP-UW-Z]{2}(?![\w])")
_US_ZIP_LINE = re.compile(r"(?P<st>[A-Z](?<![\w-][A-Z])[A-Z])[ \t]" + ZIP)
_SHAPE_UK = b" 0AA"
_SHAPE_US = b"AA 00000"

_STRA_STEMS = ("strasse", "straat")
# A number before a capital, on the shape map ("0 A", "0A A", "0b A", "0, A", "0th A"...): one scan for the literal "0"
# that opens each form instead of a substring scan per form.
_NUMBER_THEN_CAPITAL = re.compile(rb"0(?: A|A A|[a-z] A|, A|th A|rd A|nd A|st A)")
# A digit not glued to a word, an amount or a path: the same test as a lookbehind before the digit, written after
# it so that a scan skips the non-digits in C instead of trying the lookbehind at every position.
_NUM_START = re.compile(r"\d(?<![\w$€£¥.,:/#+-]\d)")
_STARTS_TRIED = 6  # nearest house-number candidates tried per street word
_WINDOW = 150  # longest number-first street line that ends at a street word (number + 4 words + spaces)


def _forms(word: str) -> tuple[str, ...]:
    """The written forms searched for a street word: capitalised and upper case always, lower case for full
    street words ("221b baker street") and French types ("12 rue de la Paix")."""
    if word in _LOW_SUF or word in FR_TYPES:
        return (word.capitalize(), word.upper(), word)
    # upper case too ("686 SMITH FIELDS"): a weak one then needs the same evidence as when capitalised
    return (word.capitalize(), word.upper())


_FORMS = {w: _forms(w) for w in NUMBER_FIRST_WORDS}


class AddressRecognizer(Recognizer):
    name = "address"
    entities = (_ENTITY,)

    def find(self, ctx: ScanContext) -> list[Candidate]:
        shape = ctx.shape
        if shape is not None and b"0" not in shape:
            # every form but a doubled street word, a corner or a line closed by a country holds a digit (house
            # number, postcode, box)
            text = ctx.text
            out = []
            if "treet" in text or "orner" in text or "TREET" in text or "ORNER" in text:
                out = self._no_digit(ctx, ctx.words)
            if not ctx.words.isdisjoint(COUNTRY_WORDS):
                find_country_closed(text, ctx.lower, ctx.words, out)
            return out
        # one pass over the text's words against every gate word; each part then asks the small result
        hit = ctx.words & _GATE_WORDS
        out: list[Candidate] = []
        text = ctx.text
        street_words = hit & NUMBER_FIRST_WORDS
        if street_words:
            self._number_first(ctx, street_words, out)
        if not hit.isdisjoint(TYPE_FIRST_WORDS):
            self._type_first(ctx, hit, out)
        low = ctx.lower
        # glued street words: the four commonest stems always, the rest when the text shows a sign of
        # an address or of a language that writes them (one set test instead of a dozen scans)
        stra = "stra" in low  # "strasse" and "straat" both hold it: one scan answers both when it is absent
        for gate in COMPOUND_GATES if not hit.isdisjoint(COMPOUND_CONTEXT) else COMPOUND_GATES[:4]:
            if (stra or gate not in _STRA_STEMS) and gate in low:
                self._compound(ctx, gate, out)
        if not hit.isdisjoint(_BOX_WORDS):
            for m in _PO_BOX.finditer(text):
                self._emit(ctx, m.start(), m.end(), 0.85, out, strong=True, house_before=True)
        if " in " in text:
            find_in_place(text, out)
        find_shaped(text, ctx.lower, lambda s, e: self._emit(ctx, s, e, 0.8, out, True, house_before=True),
                    not hit.isdisjoint(_UNIT_GATE), out, shape)
        out.extend(self._no_digit(ctx, hit))
        if not hit.isdisjoint(POSTCODE_CUE_WORDS):
            postcode_cues(ctx.text, ctx.lower, hit, out)
        if not hit.isdisjoint(_MILITARY_WORDS):
            for m in MILITARY.finditer(text):
                out.append((m.start(), m.end(), 0.85, _ENTITY))
        cues = hit & STREET_CUE_WORDS
        if cues:
            self._cue_streets(ctx, cues, out)
        keys = hit & KEY_WORDS
        if keys:
            self._key_values(ctx, keys, out)
        if not hit.isdisjoint(_UNIT_GATE):
            self._before_units(ctx, out)
            if not hit.isdisjoint(HOME_WORDS):
                find_unit_streets(text, form_hits(text, home_forms(hit)), out)
        if "adr" in hit:
            for m in VCARD_ADR.finditer(text):
                v = m.group("v").rstrip(" ;\r")
                if v:
                    out.append((m.start("v"), m.start("v") + len(v), 0.85, _ENTITY))
        if shape is None or _SHAPE_UK in shape:
            for m in _UK_ALONE.finditer(text):
                j = m.start()
                while j > 0 and text[j - 1] in " \t":
                    j -= 1
                if m.end() - m.start() == 6 and text[m.end() - 2:m.end()] in SIZE_UNITS:
                    continue  # "SSD M2 4GB": a size
                place = caps_before(text, m.start(), 2)
                if place >= 0 or j == 0 or text[j - 1] in ",\n":
                    out.append((place if place >= 0 else m.start(), m.end(), 0.7, _ENTITY))
        if shape is None or _SHAPE_US in shape:
            for m in _US_ZIP_LINE.finditer(text):
                if m.group("st") in US_STATES:
                    c = caps_before(text, m.start(), 3)
                    if c >= 0:
                        out.append((c, m.end(), 0.85, _ENTITY))
        if not hit.isdisjoint(COUNTRY_WORDS):
            find_country_closed(text, ctx.lower, hit, out)
        if shape is None or b" 0" in shape:
            find_anchored(text, shape, out)
        return out

    def _no_digit(self, ctx: ScanContext, words: set[str]) -> list[Candidate]:
        out: list[Candidate] = []
        if "street" in words:
            find_doubled(ctx.text, lambda s, e: self._emit(ctx, s, e, 0.8, out, True))
        if "corner" in words:
            find_corners(ctx.text, ctx.lower, out)
        return out

    # -- street lines -----------------------------------------------------------------------

    def _emit(self, ctx: ScanContext, s: int, e: int, score: float, out: list[Candidate], strong: bool,
              num: str = "", house_before: bool = False) -> bool:
        """Grow the street line [s, e) over a unit before it and the unit/city/postcode lines after it;
        keep a weak one only with such evidence (see the module docstring)."""
        if out and out[-1][0] <= s and e <= out[-1][1] and out[-1][3] == _ENTITY and out[-1][2] >= score:
            return True  # inside the line just kept (two paths find one street): grown once
        text = ctx.text
        head = unit_before(text, s)
        if head < 0 and house_before:
            h = HOUSE_BEFORE.search(text, max(0, s - 8), s)
            if h is not None:
                head = unit_before(text, h.start())  # "Apt. 874 3604 Rua Rio Prado 1721"
                if head < 0:
                    head = h.start()
        tail = TAIL.match(text, e)
        evidence = head >= 0 or tail.end() > e
        if not strong and not evidence:
            if not (len(num) >= 3 and num[:3].isdigit() and not year_like(num[:4])) and \
                    not address_cue_before(ctx.lower, s):
                return False
        if head >= 0:
            s = head
        if head < 0 or text[s].isdigit():
            s = words_before(text, ctx.lower, s)
        if not ctx.words.isdisjoint(BUILDING_WORDS):
            s = building_before(text, s)  # "Murray House\n12 Hartley Lane"
        if tail.end() > e:
            end = tail.end()
        else:
            end = e
            if text[e - 1] == "." and e - s > 6 and text[e - 6:e - 1].isalpha():  # "Street." ends a sentence
                end -= 1
        while end > e and text[end - 1] in " \t,":
            end -= 1
        end = extend_after(text, end)
        out.append((s, end, score, _ENTITY))
        return True

    def _number_first(self, ctx: ScanContext, street_words: set[str], out: list[Candidate]) -> None:
        text = ctx.text
        shape = ctx.shape
        low_forms = [w for w in street_words if w in _LOW_SUF or w in FR_TYPES]
        forms = [f for w in street_words for f in _FORMS[w]]
        if shape is not None and len(forms) - len(low_forms) < 3 and not any(
                f in text for f in forms if f not in low_forms):
            forms = low_forms  # no capitalised street word anywhere: one or two finds instead of three shape scans
        elif shape is not None and _NUMBER_THEN_CAPITAL.search(shape) is None:
            forms = low_forms  # no number before a capital anywhere: only lower-case lines ("221b baker street")
        starts: list[int] = []  # house-number starts seen so far, ascending
        scanned = 0
        for p, w in form_hits(text, forms):
            if p < 2 or text[p - 1] not in " \t":
                continue
            heads = []
            if w in FR_TYPES:
                heads.append(_NF_HEAD_FR)
            if text[p].isupper():
                if w in STRONG_SUFFIXES or w in WEAK_SUFFIXES:
                    heads.append(_NF_HEAD)
            elif w in _LOW_SUF:
                heads.append(_NF_HEAD_LOW)
            if not heads and w not in STRONG_SUFFIXES:
                continue
            # number starts are listed once each: the ranges scanned never overlap
            lo = max(scanned, p - _WINDOW)
            if lo < p:
                starts.extend(m.start() for m in _NUM_START.finditer(text, lo, p))
                scanned = p
            near = [n for n in starts[-_STARTS_TRIED:] if p - _WINDOW <= n < p]
            if not any(self._street_before(ctx, near, p, w, head, out) for head in heads) and \
                    w in STRONG_SUFFIXES:
                # "Hokgatan 46 St.", "Gammelhavn 36 street", "Tratnik Rapids Street": a name before the word
                s = name_before_street(text, near[-1] if near else -1, p, w)
                if s >= 0:
                    self._emit(ctx, s, _NF_POST.match(text, p + len(w)).end(), 0.8, out, True)

    def _street_before(self, ctx: ScanContext, near: list[int], p: int, w: str, head: re.Pattern[str],
                       out: list[Candidate]) -> bool:
        """A number-first street line whose street word `w` is at `p`: the nearest house numbers before it
        are tried, each with one match that must end exactly at `p`."""
        text = ctx.text
        fr = head is _NF_HEAD_FR
        for n in reversed(near):
            h = head.fullmatch(text, n, p)
            if h is None:
                continue
            if w in WEAK_SUFFIXES and text[p + 1:p + 2].isupper() and any(c.islower() for c in text[h.end("num"):p]):
                return False  # an upper-case weak street word after a name that is not: "318 Style SPRING" is prose
            rest = _FR_REST.match(text, p) if fr else _NF_POST.match(text, p + len(w))
            if rest is None:
                return False
            strong = fr or w in STRONG_SUFFIXES
            score = 0.7 if head is _NF_HEAD_LOW else 0.85
            return self._emit(ctx, n, rest.end(), score, out, strong, h.group("num"), house_before=True)
        return False

    def _type_first(self, ctx: ScanContext, words: set[str], out: list[Candidate]) -> None:
        text = ctx.text
        hits = []
        for w in words & TYPE_FIRST_WORDS:
            for form in (("C/",) if w == "c" else (w.capitalize(), w.upper())):
                i = text.find(form)
                while i >= 0:
                    j = i + len(form)
                    if (i == 0 or not text[i - 1].isalnum()) and (j == len(text) or not text[j].isalpha()):
                        hits.append(i)
                    i = text.find(form, j)
        covered = 0
        for i in sorted(hits):
            if i < covered:
                continue
            m = _TYPE_FIRST.match(text, i)
            if m is not None and self._emit(ctx, i, m.end(), 0.85, out, True, house_before=True):
                covered = m.end()

    def _compound(self, ctx: ScanContext, stem: str, out: list[Candidate]) -> None:
        low, text = ctx.lower, ctx.text
        i = low.find(stem)
        while i >= 0:
            j = i + len(stem)
            if (j == len(low) or not low[j].isalpha()) and (m := _AFTER_STEM.match(text, j)) is not None:
                s = -1
                if i and (text[i - 1].isalpha() or text[i - 1] == "-"):  # glued: "Hauptstrasse 5"
                    k = word_start(text, i, 46, "'-")
                    if text[k].isupper() and i - k >= 2:
                        s = k
                elif stem in STANDALONE_STEMS and text[i].isupper():  # "Berliner Strasse 5"
                    s = caps_before(text, i, 1, comma=False)
                if s >= 0:
                    self._emit(ctx, s, m.end(), 0.85, out, True, house_before=True)
            i = low.find(stem, j)

    def _cue_streets(self, ctx: ScanContext, cues: set[str], out: list[Candidate]) -> None:
        """A name and a house number right after an address cue ("lives at Hulsterdreef 100", "address:
        Ilichova 7"): street lines of countries whose street words this module does not list."""
        text = ctx.text
        shape = ctx.shape  # on an ASCII text a digit is a "0" byte of the shape: a find instead of a regex search
        covered = 0
        for i, w in form_hits(ctx.lower, sorted(cues)):
            if i < covered or (_DIGIT.search(text, i, i + 120) is None if shape is None else
                               shape.find(b"0", i, i + 120) < 0):
                continue
            m = CUE_STREET.match(text, i + len(w))
            if m is not None:
                s = m.start("street")
                first = text[s:m.end()].split()
                if any(w.endswith(".") and w.lower() not in LOW_STREET or w in _VERBS for w in first[1:]):
                    continue  # "Yes it is. 3 people", "of Acme Plc is 9652 ...": a sentence, not a street
                if first[0].lower().rstrip(".") in NOT_A_STREET or (
                        first[0].isdigit() and first[1].lower().rstrip(".") in NOT_A_STREET):
                    continue  # "meet in Room 101", "sent to 3 Windows 10 users"
                if self._emit(ctx, s, m.end(), 0.8, out, True):
                    covered = m.end()

    def _before_units(self, ctx: ScanContext, out: list[Candidate]) -> None:
        text = ctx.text
        covered = 0
        for i, _ in form_hits(text, list(_UNIT_FORMS)):
            if i < covered:
                continue
            u = UNIT_FULL.match(text, i)
            if u is None:
                continue
            lo = max(covered, i - 90)
            # a line before a unit is at most six tokens apart by spaces and tabs, then maybe a lone comma and
            # a line break: its start lies within the last seven whitespace-split chunks before the unit, so
            # the search (which tries every start) starts there and finds the same leftmost match
            head = text[lo:i].rsplit(None, 7)
            if len(head) == 8:
                lo += len(head[0])
            line = LINE_BEFORE_UNIT.search(text, line_search_start(text, lo, i), i)
            if line is not None and any(c.isupper() for c in text[line.start():i]):
                if self._emit(ctx, line.start(), u.end(), 0.8, out, True, house_before=True):
                    covered = u.end()

    def _key_values(self, ctx: ScanContext, keys: set[str], out: list[Candidate]) -> None:
        text, low = ctx.text, ctx.lower
        for i, _ in form_hits(low, sorted(keys)):
            m = KEY_VALUE.match(low, i)
            if m is None:
                continue
            s, e = m.span("v")
            v = text[s:e].rstrip(" ,\t\r")
            if (" " in v or any("\u3400" <= c <= "\u9fff" for c in v)) and "//" not in v and any(
                    c.isdigit() for c in v) and any(c.isalpha() for c in v):  # a CJK street needs no space
                out.append((s, s + len(v), 0.8, _ENTITY))

ADDRESS = AddressRecognizer()
