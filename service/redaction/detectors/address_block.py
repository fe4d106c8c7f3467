"""Address blocks: what follows a street line, line by line, and street lines known only from their shape.

A street line found by address.py grows over the rest of an address written after it, on the same line
("... Apt. 856 PORI Finland", "..., Casbeno, Italy") and on the next lines of a block (signature, letter,
form), each line maybe behind the same junk prefix ("??? ", "}} ", "> ", indentation): a unit ("Suite 414"),
a place ("Vila do Conde", "Karlovy Vary 17"), a region (", SA", "nan", "43"), a postcode ("00530",
"70-762", "360 17") or a place with a region and a postcode ("Mezocsat BZ 3450", "Norway 33975",
"TORP nan 1658"). The walk stops at a blank line, at a line that is none of these (a phone or e-mail line,
a closing, a sentence) and after a few lines; on the last line it may take only the place that opens it
("Canada for this card").

A street line with no street word ("4479 Fitjabraut 85", "0492 R Patrao Caramelho 46", "94337 L. Peiraios
213", "402 Erzsebet ter 83.") is a house number, a name and a number: that shape alone is common in prose
("in 2014 Germany 7", "on 3 Windows 10 machines"), so it is taken only in an address context (after "at",
"to", an address word, before or after a unit, or opening a block that ends in a postcode line), and never
when its name is a month, a product or a counting word.

Cost: every walk reads a bounded number of bounded lines from a given position; the shape pattern is one
bounded match per number start. Linear in the input.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from service.redaction.detectors.address_context import caps_before, unit_before, word_start
from service.redaction.detectors.address_data import NUMBER_FIRST_WORDS, PARTICLES

_EXTRA_PARTICLES = frozenset(("nad", "pod", "na", "u", "im", "bei", "og", "i", "e", "a", "do", "dos", "das", "k",
                              "dalla", "dal", "dello", "al", "alla", "allo", "sul", "sulla", "nel", "nella", "kraj"))
_PARTICLE_SET = frozenset(PARTICLES) | _EXTRA_PARTICLES
# Lower-case words inside street names of many languages ("Tom Wilhelmsens vei", "Gosposka ulica", "Erzsebet
# ter", "Tompa u.", "Luige tee"): a name may hold these after its first word; any other lower-case word ends it.
LOW_STREET = frozenset("""
vei veien vegen gate gata gatan gaten vej gade stig stien ulica ulice utca út ut u. tér ter fasor sor köz koz
körút korut tee tänav tanav iela gatve etorbidea kalea kale strada rue calle carrer rua via ul. al. pl. os.
náměstí namesti nám. nam. třída trida cesta trg straße strasse str. weg laan straat allee platz kuja katu tie
polku kaari väylä vayla tori sokak sokağı caddesi cad. bulvarı odos leoforos bulevar avenida avda. ctra.
krt. rkp. útja utja rakpart körönd sétány setany lépcső veg vegur vegen brygge kaj torg plads allé alle
""".split())
# Closings, greetings, contact labels and sentence openers never start a place line.
_CLOSERS = frozenset("""
thanks thank regards best cheers sincerely kind warm yours please hi hello dear mobile phone tel fax email e-mail
desk cell office web website note the this that these those i we you he she it my our your their if also and but
so hope looking let can could would will should is are was were do does did name address date ref subject re
""".split())
# Names that take a number but are no street: "Windows 10", "Chapter 3", "Room 101", months, units of counting.
NOT_A_STREET = frozenset("""
january february march april may june july august september october november december jan feb mar apr jun jul
aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun
windows win python java php ios android ubuntu debian fedora macos office excel word node perl ruby rust go
chapter ch section sec room rm page pg pages version ver v level lvl season episode ep step part vol volume
figure fig table tab day days week weeks year years month months hour hours floor route gate platform line bus
train flight seat row grade class lesson unit item issue article art rule verse psalm book act scene track disc
game round match team group pm am gb mb kb tb usd eur gbp x no nr number apt apartment suite ste flat box lot
question q task exercise problem phase stage sprint release build patch rfc pep iso tier top list slide note
channel tv radio fm bay dock stand stop zone terminal sector block wing hall building euro euros dollar dollars pound pounds cent cents yen franc francs kroner kronor points tickets items units users
people minutes seconds times pieces copies songs books games players files lines steps rounds miles km kg
""".split())
_UNIT_LINE = re.compile(
    r"(?i:apt|apartment|suite|ste|unit|flat|floor|fl|room|rm|bldg|building|office|box)\.?[ \t]*#?[ \t]*"
    r"(?:\d{1,5}[A-Za-z]?|[A-Za-z]\d{0,4})(?![\w])")
_PC = re.compile(r"(?:[A-Z]{1,2}-)?\d{2,6}(?:[- ]\d{2,4})?|[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[A-Z]{2}|[A-Z]\d[A-Z][ \t]?\d[A-Z]\d")
_REGION = re.compile(r"(?:[A-Z]{2,3}|nan|\d{1,2})")
_TOKEN = re.compile(r"[ \t]*(?:(?P<comma>,)|(?P<unit>(?i:apt|apartment|suite|ste|unit|flat)\.?[ \t]*#?[ \t]*"
                    r"\d{1,5}[A-Za-z]?(?![\w]))|(?P<pc>\d{1,6}(?:-\d{2,4}|[ \t]\d{2}(?![\w]))?(?![\w])|"
                    r"[A-Z]{1,2}\d[A-Z\d]?[ \t]\d[A-Z]{2}(?![\w])|\d{4}[ \t][A-Z]{2}(?![\w]))|"
                    r"(?P<paren>\([^\W\d_][\w'-]{0,20}\))|(?P<word>[^\W\d_][\w'.\u2206-]{0,30}))")
_MAX_LINE = 100
_MAX_LINES = 6


def _junk_end(text: str, ls: int, le: int) -> int:
    """End of the junk prefix of the line [ls, le): leading characters that are neither letters nor digits
    ("??? ", "}} ", "> ", indentation, a markup remnant), at most eight."""
    j = ls
    while j < le and j - ls < 8 and not text[j].isalnum():
        j += 1
    return j


def _place_run(text: str, i: int, e: int, first: bool) -> tuple[int, bool, bool]:
    """The run of address-part tokens (place words, particles, "nan", regions, postcodes, units, commas)
    that starts at i, up to e: (its end, whether it reaches e, whether it holds a postcode). A word that
    ends in a dot ends the run ("Finland." closes a sentence); a few lower-case words are taken only when
    the run fills its line ("Novo mesto"), else the run stops before the first one ("OSLO nan after")."""
    end = i
    has_pc = False
    count = 0
    lows = 0
    first_low = -1
    pos = i
    closed = False
    while pos < e and count < 9:
        m = _TOKEN.match(text, pos, e)
        if m is None:
            break
        kind = m.lastgroup
        tok = m.group(kind)
        if kind == "comma":
            pos = m.end()
            continue
        tok_end = m.end()
        if kind == "word":
            dotted = tok.endswith(".") and len(tok) > 3 and "." not in tok[:-1]
            word = tok[:-1] if dotted else tok
            low = word.lower()
            if "@" in tok or (first and count == 0 and (low in _CLOSERS and not word.isupper() or word[0].islower())):
                break
            if word[0].islower() and low != "nan" and low not in _PARTICLE_SET:
                lows += 1
                if first_low < 0:
                    first_low = end
            if dotted:
                end = tok_end - 1
                closed = True
                break
        elif kind == "pc":
            has_pc = has_pc or len(tok.replace("-", "").replace(" ", "")) >= 3
        count += 1
        end = tok_end
        pos = tok_end
    whole = not closed and not text[end:e].strip(" \t\r.?!;")
    if lows and (not first or not whole or lows > 2):
        return first_low, False, has_pc
    return end, whole, has_pc


def extend_after(text: str, e: int) -> int:
    """End of the address that a street line ending at e opens: the address parts after it on its line,
    then the following lines of its block (see the module docstring)."""
    n = len(text)
    eol = text.find("\n", e, e + _MAX_LINE)
    if eol < 0:
        eol = min(n, e + _MAX_LINE)
    end = e
    if e < eol and text[e] in " \t,":
        run_end, whole, _ = _place_run(text, e, eol, False)
        if run_end > e:
            end = run_end
        if not whole:
            return end
    elif e < eol and text[e:eol].strip(" \t\r"):
        return end  # the line goes on with something else
    if eol >= n or text[eol] != "\n":
        return end
    places = 0
    pos = eol
    for walked in range(_MAX_LINES):
        if pos >= n or text[pos] != "\n":
            break
        ls = pos + 1
        le = text.find("\n", ls, ls + _MAX_LINE)
        if le < 0:
            if n - ls > _MAX_LINE:
                break
            le = n
        cs = _junk_end(text, ls, le)
        ce = le
        while ce > cs and text[ce - 1] in " \t\r.?!;,":
            ce -= 1
        if ce <= cs:
            break  # a blank line ends the block
        if _UNIT_LINE.fullmatch(text, cs, ce) or (text[ls:cs].strip(" \t") in ("", ",") and _REGION.fullmatch(
                text, cs, ce)) or _PC.fullmatch(text, cs, ce):
            end = ce
            pos = le
            continue
        run_end, whole, has_pc = _place_run(text, cs, ce, True)
        if run_end <= cs:
            break
        if not whole:
            # the place that opens a sentence ("Canada for this card"), or a postcode below a place line
            if text[cs].isalpha() or (walked and has_pc):
                end = run_end
            break
        if not has_pc:
            places += 1
            if places > 3:
                break
        end = run_end
        pos = le
    return end


# -- street lines known from their shape --------------------------------------------------------

_FIRST = r"(?:(?:ul|al|pl|os|u|Λ|Οδ|C)\.|C/|(?:[A-Z]|[^\W\d_a-z])[\w'.-]{0,30})"
_NEXT = r"(?:[^\W\d_][\w'.-]{0,30}|" + r"\d{1,2}(?=[ \t]+\d))"
SHAPE = re.compile(
    r"(?P<num>\d{1,6}[A-Za-z]?)[ \t]+(?P<name>" + _FIRST + r"(?:[ \t]+" + _NEXT + r"){0,4}?)[ \t]+"
    r"(?P<hn>\d{1,5}[A-Za-z]?)(?P<dot>\.)?"
    r"(?![\w%]|[.,:/-]\d|[ \t]*(?:%|x\b|[kmg]b\b|ms\b|px\b|min\b|hours?\b|days?\b|years?\b|percent|euros?|dollars?|"
    r"pm\b|am\b|AM\b|PM\b|points?\b|times\b))"
    r"(?:[ \t]+(?:St|Street|Ave|Avenue|Rd|Road)\.?(?![\w]))?"
)
_SHORT_CUES = frozenset(("at", "to", "on", "is", "address", "addresses", "adresse", "visit", "via", "in"))


_TITLE_WORDS = frozenset("Of The And To For In A You Your My Our With On At By Is Are Why How What Who".split())


def name_ok(text: str, s: int, e: int) -> bool:
    """The words of a shaped street name: the first is no month, product or counting word, and every
    lower-case word is a street word or a particle ("Gosposka ulica", "rue de la")."""
    words = text[s:e].split()
    if words[0].lower().rstrip(".") in NOT_A_STREET:
        return False
    if not _TITLE_WORDS.isdisjoint(words):
        return False  # a title in title case: "5 Musicians Of The 70s"
    for w in words[1:]:
        if w[0].islower() and w.lower() not in LOW_STREET and w.lower() not in _PARTICLE_SET and not (
                w.endswith(".") and len(w) <= 5 and w[:-1].isalpha()):
            return False  # prose; a lower-case abbreviation ("Bem rkp. 97.") is a street word
        if w.lower().rstrip(".") in NOT_A_STREET and not w[0].isdigit():
            return False
    return True


def shaped_street(text: str, s: int, end: int | None = None) -> re.Match[str] | None:
    """A house number, a name and a number starting at s ("4479 Fitjabraut 85"), checked by `name_ok`."""
    m = SHAPE.match(text, s, len(text) if end is None else end)
    if m is None or not name_ok(text, m.start("name"), m.end("name")):
        return None
    return m


def _year(num: str) -> bool:
    return len(num) == 4 and num.isdigit() and 1900 <= int(num) <= 2099


def cue_before(text: str, low: str, s: int) -> bool:
    """A short address cue right before s ("at", "to", "is", "address:"), or a line start."""
    j = s
    while j > 0 and text[j - 1] in " \t":
        j -= 1
    if j == 0 or text[j - 1] in ":\n":
        return True
    k = j
    while k > 0 and j - k < 12 and low[k - 1].isalpha():
        k -= 1
    return low[k:j] in _SHORT_CUES


_UNIT_IN = re.compile(r"(?i:apt|apartment|suite|unit|flat)\.?[ \t]*#?[ \t]*\d")
_PC_RUN = re.compile(r"\d{3}")


def _line_start(text: str, s: int) -> bool:
    j = s
    while j > 0 and s - j < 8 and text[j - 1] != "\n" and not text[j - 1].isalnum():
        j -= 1
    return j == 0 or text[j - 1] == "\n"


def shaped_in_context(text: str, low: str, m: re.Match[str]) -> bool:
    """Whether a shaped street line stands where an address is written: after a cue word (not "in" before
    a year), followed by a unit, or opening a block whose next lines hold a unit or a postcode."""
    s, e = m.start(), m.end()
    j = s
    while j > 0 and text[j - 1] in " \t":
        j -= 1
    k = j
    while k > 0 and j - k < 10 and low[k - 1].isalpha():
        k -= 1
    word = low[k:j]
    if word in _SHORT_CUES and not (word == "in" and _year(m.group("num"))):
        return True
    if j > 0 and text[j - 1] == ":" or cue_word_near(low, s):
        return True
    if _UNIT_LINE.match(text[e:e + 40].lstrip(" \t,")) is not None or unit_before(text, s) >= 0:
        return True  # "4479 Fitjabraut 85 Apt. 3", "Suite 735 0863 Dozsa Gyorgy ut 92."
    start = _line_start(text, s)
    if not start and text.find("\n", e, e + _MAX_LINE) < 0:
        return False  # no block below it, not a line of its own
    block = text[e:extend_after(text, e)]
    if "\n" in block and (_UNIT_IN.search(block) is not None or _PC_RUN.search(block) is not None):
        return True  # a block that goes on with a unit or a postcode line
    if start:
        eol = text.find("\n", e)
        return block.startswith(",") and len(block) == len(text[e:eol if eol >= 0 else len(text)].rstrip(" \t\r.")) \
            and sum(c.isupper() for c in block) >= 2  # "8097 Tacuarembo 3069, YLIVIESKA, Finland" as a line
    return False


_CUE_WORDS = frozenset("address addresses adresse anschrift direccion indirizzo endereco adres located live lives "
                       "lived moved ship shipped send sent deliver delivery mail mailing meet visit office".split())


def cue_word_near(low: str, s: int) -> bool:
    """An address word among the few words before s ("the following? 3807 ...", "office is at")."""
    return not _CUE_WORDS.isdisjoint(re.findall(r"[a-z]+", low[max(0, s - 64):s]))


_UNIT_THEN_LINE = re.compile(
    r"(?i:apt|apartment|suite|unit|flat)\.?[ \t]*#?[ \t]*\d{1,5}[A-Za-z]?[ \t]+(?P<st>\d{1,6}[ \t]+(?:\d{1,5}[ \t]+)?"
    r"(?:[NSEW]\.[ \t]+)?" + _FIRST + r"(?:[ \t]+" + _NEXT + r"){0,4})[ \t]*(?=\r?\n)")


def find_shaped(text: str, low: str, emit, units: bool = False, taken: list[int] | None = None,
                shape: bytes | None = None) -> None:
    """Shaped street lines ("388 Adalgata 81") in an address context; `emit(s, e)` grows and keeps one.
    With `units`, also a street line with no number after its name that follows a unit and ends its line
    above a postcode line ("Suite 963 4553 124 N. Stadion\nLarnaka LA 6019")."""
    if units:
        for m in _UNIT_THEN_LINE.finditer(text):
            e = m.end("st")
            if name_ok(text, m.start("st"), e) and _PC_RUN.search(text, e, extend_after(text, e)) is not None:
                emit(m.start("st"), e)
    taken = taken or []  # sorted starts and ends (start0, end0, start1, ...) of lines found already
    covered = 0
    for st in _number_starts(text, shape):
        if st < covered or bisect_right(taken, st) % 2:
            continue  # inside a line found already (by its number-first street word)
        if st and (text[st - 1].isalnum() or text[st - 1] in "_.,:/$€£¥#+-"):
            continue
        m = SHAPE.match(text, st)
        if m is None:
            continue
        hn = m.group("hn")
        if hn[-1] in "sS" and hn[-2:-1] == "0":
            continue  # a decade: "the 70s"
        if name_ok(text, m.start("name"), m.end("name")) and shaped_in_context(text, low, m):
            emit(m.start(), m.end())
            covered = m.end()


_SHAPE_SEEDS = (b"0 A", b"0A A", b"0a A", b"0 ul.", b"0 al.", b"0 pl.", b"0 os.", b"0 u.")
_DIGITS_RUN = re.compile(r"\d{1,6}(?=[A-Za-z]?[ \t])")


def _number_starts(text: str, shape: bytes | None) -> list[int]:
    """Where a shaped line can start: on an ASCII text, the digit runs that the shape map shows before a
    space and a capital (or "ul.", ...), found with C-level finds; otherwise every digit run before a space."""
    if shape is None:
        return [m.start() for m in _DIGITS_RUN.finditer(text)]
    ends = []
    for seed in _SHAPE_SEEDS if b"." in shape else _SHAPE_SEEDS[:3]:
        i = shape.find(seed)
        while i >= 0:
            ends.append(i + 1)  # the end of the digits (a letter suffix follows the digits in "0A A")
            i = shape.find(seed, i + 1)
    if not ends:
        return ends
    starts = []
    for e in sorted(set(ends)):
        k = e
        while k > 0 and e - k < 6 and shape[k - 1] == 48:
            k -= 1
        starts.append(k)
    return starts


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
        if count and tok[0].islower() and low not in LOW_STREET and low not in _PARTICLE_SET:
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
    if n >= 0 and _NUM_THEN_GAP.fullmatch(text, n, p) and not _year(text[n:p].strip()):
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
        if word[0].islower() and word not in LOW_STREET and word not in _PARTICLE_SET and not (
                word == "and" and len(toks) == 1) and not (word.endswith(".") and len(word) <= 4):
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
        if not (joined or street) or lf in _CLOSERS or lf in _SHORT_CUES or lf in _HONORIFICS:
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
    r"am|an|nad|sur|upon)){0,3})[ \t]+(?P<pc>\d{5}(?:-\d{3,4})?|\d{2}-\d{3}|\d{4}(?:[ \t][A-Z]{2})?|[A-Z]\d[A-Z][ \t]\d[A-Z]\d)(?![\w-])"
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
                    w.lower().rstrip(".") not in NOT_A_STREET for w in words) and _TITLE_WORDS.isdisjoint(words):
                out.append((m.start(), m.end(), 0.8, "LOCATION"))
        i = text.find(" in ", i + 4)
