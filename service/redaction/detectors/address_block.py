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

from service.redaction.detectors.address_context import unit_before
from service.redaction.detectors.address_data import PARTICLES

_EXTRA_PARTICLES = frozenset(("nad", "pod", "na", "u", "im", "bei", "og", "i", "e", "a", "do", "dos", "das", "k",
                              "v", "ve", "à", "dalla", "dal", "dello", "al", "alla", "allo", "sul", "sulla", "nel", "nella", "kraj"))
PARTICLE_SET = frozenset(PARTICLES) | _EXTRA_PARTICLES
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
CLOSERS = frozenset("""
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
vs pp cf eg ie etc ca approx incl channel tv radio fm bay dock stand stop zone terminal sector block wing hall building euro euros dollar dollars pound pounds cent cents yen franc francs kroner kronor points tickets items units users
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
                    r"(?P<paren>\([^\W\d_][\w'-]{0,20}\))|(?P<word>[^\W\d_][\w'./\u2206-]{0,30}))")
_MAX_LINE = 100
_MAX_LINES = 6


def _junk_end(text: str, ls: int, le: int) -> int:
    """End of the junk prefix of the line [ls, le): leading characters that are neither letters nor digits
    ("??? ", "}} ", "> ", indentation, a markup remnant), at most eight."""
    j = ls
    while j < le and j - ls < 8 and not text[j].isalnum():
        j += 1
    if j > ls and text[j - 1] == "<":  # a tag around the line's value: " <value>Apt. 200</value>"
        m = _OPEN_TAG.match(text, j - 1, le)
        if m is not None:
            return m.end()
    return j


_OPEN_TAG = re.compile(r"<[A-Za-z][\w:.-]{0,20}>")
_CLOSE_TAG = re.compile(r"</[A-Za-z][\w:.-]{0,20}>[ \t\r]*\Z")


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
            if "@" in tok or (first and count == 0 and (low in CLOSERS and not word.isupper() or word[0].islower())):
                break
            if word[0].islower() and low != "nan" and low not in PARTICLE_SET:
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
    if lows and (not first or not whole or lows > 1 or count > 3):
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
    blank = False
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
        if text[ce - 1:ce] == ">" and (t := _CLOSE_TAG.search(text, cs, le)) is not None:
            ce = t.start()
        while ce > cs and text[ce - 1] in " \t\r.?!;,":
            ce -= 1
        if ce <= cs:
            # a blank line ends the block, unless a unit line follows it (a tag taken out of the line
            # between them: "96</field>\n\n Suite 960")
            nxt = _junk_end(text, le + 1, min(n, le + 1 + _MAX_LINE)) if le < n else n
            u = _UNIT_LINE.match(text, nxt) if nxt < n and not blank else None
            if u is None or text[u.end():u.end() + 1] not in ("\n", "\r", ""):
                # or, below the block's own lines, a place line with a postcode ("\n\n New Zealand 44978")
                ne = text.find("\n", nxt, nxt + _MAX_LINE)
                ne = n if ne < 0 and n - nxt <= _MAX_LINE else ne
                if blank or not walked or ne <= nxt or not text[nxt].isupper():
                    break
                run_end, whole, has_pc = _place_run(text, nxt, ne, True)
                if not (whole and has_pc):
                    break
            blank = True
            pos = le
            continue
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
SHORT_CUES = frozenset(("at", "to", "on", "is", "address", "addresses", "adresse", "visit", "via", "in"))


TITLE_WORDS = frozenset("Of The And To For In A You Your My Our With On At By Is Are Why How What Who".split())


def name_ok(text: str, s: int, e: int) -> bool:
    """The words of a shaped street name: the first is no month, product or counting word, and every
    lower-case word is a street word or a particle ("Gosposka ulica", "rue de la")."""
    words = text[s:e].split()
    if words[0].lower().rstrip(".") in NOT_A_STREET:
        return False
    if not TITLE_WORDS.isdisjoint(words):
        return False  # a title in title case: "5 Musicians Of The 70s"
    last = words[-1].lower()
    typed = len(words) > 2 and (last in LOW_STREET or last.endswith(".") and len(last) <= 5) or (
        len(words) == 2 and words[0].lower() in LOW_STREET)  # "Trg revolucije", "Via garibaldi"
    for w in words[1:]:
        lw = w.lower()
        if lw in LOW_STREET:
            continue
        if w[0].islower() and lw not in PARTICLE_SET and not (w.endswith(".") and len(w) <= 5 and w[:-1].isalpha()):
            if not typed:
                return False  # prose; a lower-case abbreviation ("Bem rkp. 97.") is a street word
            typed = False  # one lower-case word before a street word: "Tas vezer u. 62."
        if lw.rstrip(".") in NOT_A_STREET and not w[0].isdigit():
            return False
    return True


def year_like(num: str) -> bool:
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
    return low[k:j] in SHORT_CUES


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
    if word in SHORT_CUES and not (word == "in" and year_like(m.group("num"))):
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


_LOW_WORD = re.compile(r"[a-z]+")
_CUE_WORDS = frozenset("address addresses adresse anschrift direccion indirizzo endereco adres located live lives "
                       "lived moved ship shipped send sent deliver delivery mail mailing meet visit office".split())


def cue_word_near(low: str, s: int) -> bool:
    """An address word among the few words before s ("the following? 3807 ...", "office is at")."""
    return not _CUE_WORDS.isdisjoint(_LOW_WORD.findall(low, max(0, s - 64), s))


_UNIT_THEN_LINE = re.compile(
    r"(?i:apt|apartment|suite|unit|flat)\.?[ \t]*#?[ \t]*\d{1,5}[A-Za-z]?[ \t]+(?P<st>\d{1,6}[ \t]+(?:\d{1,5}[ \t]+)?"
    r"(?:[NSEW]\.[ \t]+)?" + _FIRST + r"(?:[ \t]+" + _NEXT + r"){0,4})[ \t]*(?=\r?\n)")


_UNIT_OPENERS = ("apt", "apartment", "suite", "unit", "flat")


def unit_then_lines(text: str, low: str, ascii_text: bool) -> list[re.Match[str]]:
    """`_UNIT_THEN_LINE.finditer(text)`. On an ASCII text its case-blind opening word matches exactly where the
    lower-cased text `low` holds that word, so the pattern is tried only there, each try past the last match
    (what a scan of the whole text finds); other texts are scanned whole."""
    if not ascii_text:
        return list(_UNIT_THEN_LINE.finditer(text))
    starts = []
    for w in _UNIT_OPENERS:
        i = low.find(w)
        while i >= 0:
            starts.append(i)
            i = low.find(w, i + 1)
    out = []
    pos = 0
    for i in sorted(starts):
        if i >= pos and (m := _UNIT_THEN_LINE.match(text, i)) is not None:
            out.append(m)
            pos = m.end()
    return out


def find_shaped(text: str, low: str, emit, units: bool, found: list, shape: bytes | None) -> None:
    """Shaped street lines ("388 Adalgata 81") in an address context; `emit(s, e)` grows and keeps one.
    With `units`, also a street line with no number after its name that follows a unit and ends its line
    above a postcode line ("Suite 963 4553 124 N. Stadion\nLarnaka LA 6019")."""
    if units:
        for m in unit_then_lines(text, low, shape is not None):
            e = m.end("st")
            if name_ok(text, m.start("st"), e) and _PC_RUN.search(text, e, extend_after(text, e)) is not None:
                emit(m.start("st"), e)
    starts = _number_starts(text, shape)
    if not starts:
        return
    # sorted starts and ends (start0, end0, start1, ...) of the lines found already, when they do not overlap
    taken = [x for a, b, _, _ in sorted(found) for x in (a, b)]
    if any(taken[k] < taken[k - 1] for k in range(1, len(taken))):
        taken = []
    covered = 0
    for st in starts:
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
# Every seed in one scan of the map, for the literal "0" that opens them all (eight finds were eight scans).
# No seed holds a second "0", so a match never hides the start of another: finditer sees every seed.
_SHAPE_SEED = re.compile(b"0(?:" + b"|".join(re.escape(s[1:]) for s in _SHAPE_SEEDS) + b")")
_DIGITS_RUN = re.compile(r"\d{1,6}(?=[A-Za-z]?[ \t]+(?:[^\W\d_a-z]|[a-z]{1,2}\.|C/))")


def _number_starts(text: str, shape: bytes | None) -> list[int]:
    """Where a shaped line can start: on an ASCII text, the digit runs that the shape map shows before a
    space and a capital (or "ul.", ...), found with one scan of the map; otherwise every digit run before a
    space."""
    if shape is None:
        return [m.start() for m in _DIGITS_RUN.finditer(text)]
    # the end of each seed's digits (a letter suffix follows the digits in "0A A"), ascending and distinct
    ends = [m.start() + 1 for m in _SHAPE_SEED.finditer(shape)]
    if not ends:
        return ends
    starts = []
    for e in ends:
        k = e
        while k > 0 and e - k < 6 and shape[k - 1] == 48:
            k -= 1
        starts.append(k)
    return starts
