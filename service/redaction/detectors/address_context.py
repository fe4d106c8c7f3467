"""What grows a street line into a whole address, and the cheap look-backs address.py uses.

After a street line: one anchored, bounded match (`TAIL`) takes a unit ("Apt 4B", "Suite 759") and on the
same or the next lines the city with its region and postcode ("Washington, DC 20500", "London SW1A 2AA",
"10115 Berlin") and a country at the end of a line. Before it: a unit ("Apt 4B, 55 W 21st St") or a
place name before a postcode, found by walking back over characters (bounded) instead of a regex search
over a window (a search would try every start in the window).

Also here: the patterns of street lines found from their context rather than from a street word (after
an address cue, in a street/address field, a vCard ADR line, a military APO/FPO/DPO line, the line
before a unit), which address.py runs behind its word-set gate.
"""

from __future__ import annotations

import re

from service.redaction.detectors.address_data import UNIT_WORDS, US_STATES


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_SEP = r"(?:[ \t]*,[ \t]*|[ \t]*(?:\r?\n|\\n)(?:[ \t]*(?:\r?\n|\\n))?[ \t]*|[ \t]+)"
_UNIT = (r"(?:(?i:" + UNIT_WORDS + r")\.?[ \t]*(?i:#|no\.?|nr\.?)?[ \t]*(?:\d{1,5}[A-Za-z]?|[A-Za-z]\d{0,4})"
         r"(?![\w])|#[ \t]?\d{1,5}[A-Za-z]?(?![\w]))")
_CITY = r"[A-Z][\w'.-]{1,30}(?:[ \t]+(?:[A-Z][\w'.-]{1,30}|upon|on|am|an|der|de|la|le|sur|en|del)){0,3}"
_END = r"(?=[ \t]*(?:$|\r?\n|\\n|[.;!?)]))"
ZIP = r"\d{5}(?:-\d{4})?(?![\w-])"
UK_PC = r"[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[ABD-HJLNP-UW-Z]{2}(?![\w])"
CA_PC = r"[A-Z]\d[A-Z][ \t]?\d[A-Z]\d(?![\w])"
EU_PC = r"(?:[A-Z]{1,2}-)?(?:\d{4}[ \t]?[A-Z]{2}|\d{4,5}-\d{3}|\d{3}[ \t]\d{2}|\d{4,5})(?![\w-])"
_STATE = r"(?:" + _alt(US_STATES) + r")(?![\w])"
_LINE = (
    r"(?:" + _CITY + r",?[ \t]+(?:[A-Z]{2}[ \t]+(?:" + ZIP + r"|" + CA_PC + r")|" + _STATE +
    r"|[A-Z][a-z]{2,15}(?:[ \t][A-Z][a-z]{2,15})?[ \t]+" + ZIP + r"|" + UK_PC + r")"
    r"|" + EU_PC + r"[ \t]+" + _CITY + r")"
)
_SEP_LINE = r"(?:[ \t]*,[ \t]*|[ \t]*(?:\r?\n|\\n)(?:[ \t]*(?:\r?\n|\\n))?[ \t]*)"
# Further lines of a block (or comma-separated parts): a place, a region or country, maybe with a postcode
# ("Ljubljana", "Sweden 71362", "Montenero Di Bisaccia"), each ending a line or followed by a comma; the
# words that open a closing or a contact line never start one.
_CLOSERS = (r"(?!(?:Thanks|Thank|Regards|Best|Cheers|Sincerely|Kind|Warm|Yours|Please|Hi|Hello|Dear|Mobile|Phone|"
            r"Tel|Fax|Email|Desk|Cell|Office|Web|Note)(?![\w]))")
_PLACE = (_CLOSERS + r"[A-Z][\w'-]{1,30}(?:[ \t]+[\w'-]{1,30}){0,3}(?:,?[ \t]+(?:[A-Z]{2,3}|\d{3,5}(?:-\d{3,4})?))?"
          r"(?=[ \t]*(?:$|\r?\n|\\n|[.;!?),]))")
TAIL = re.compile(
    r"(?P<unit>" + _SEP + _UNIT + r")?"
    r"(?P<line>" + _SEP + _LINE + r")?"
    r"(?P<more>(?:" + _SEP_LINE + _PLACE + r"){1,3})?"
)
UNIT_FULL = re.compile(_UNIT)
_UNIT_WORD_SET = frozenset(UNIT_WORDS.split("|"))
HOUSE_BEFORE = re.compile(r"(?<![\w.,])\d{1,5}[A-Za-z]?[ \t]+\Z")
_ADDRESS_CUE_WORDS = frozenset(
    "address addresses addr adresse anschrift direccion indirizzo endereco adres live lives lived living located "
    "location reside resides residence move moved ship shipped shipping deliver delivered delivery send sent "
    "mail mailing visit office meet".split())
_LETTERS = re.compile(r"[a-z]+")


# Looking BEFORE a position is done by walking back over characters (bounded), never by a regex search
# over a window that ends there (a search tries every start in the window).

def word_start(text: str, end: int, limit: int, extra: str = "'.-") -> int:
    """Start of the run of letters, digits and `extra` characters that ends at `end` (at most `limit`)."""
    j = end
    lo = max(0, end - limit)
    while j > lo and (text[j - 1].isalnum() or text[j - 1] in extra):
        j -= 1
    return j


def caps_before(text: str, pos: int, n: int, comma: bool = True) -> int:
    """Start of up to `n` capitalised words that end just before `pos` behind `,?[ \t]+` (a city before
    its region, a place before a postcode); -1 when there is none."""
    j = pos
    while j > 0 and text[j - 1] in " \t":
        j -= 1
    if comma and j > 0 and text[j - 1] == ",":
        j -= 1
    if j == pos:
        return -1
    start = -1
    for _ in range(n):
        k = word_start(text, j, 31)
        if k == j or not text[k].isupper() or j - k < 2:
            break
        start = k
        if k < 2 or text[k - 1] not in " \t" or not text[k - 2].isalnum():
            break
        j = k - 1
    return start


def unit_before(text: str, s: int) -> int:
    """Start of a unit written just before a street line ("Apt 4B, 55 W 21st St"), or -1."""
    j = s
    while j > 0 and text[j - 1] in " \t,":
        j -= 1
    if j == s:
        return -1
    code = word_start(text, j, 8, "#")  # "4B", "#12"
    if code == j:
        return -1
    if text[code] == "#":
        return code
    k = code
    for _ in range(2):  # "Apt 4B", "Apt. No. 4B", "Unit # 4B"
        while k > 0 and text[k - 1] in " \t#":
            k -= 1
        w = word_start(text, k, 12, ".")
        if w == k:
            return -1
        if text[w:k].rstrip(".").lower() in _UNIT_WORD_SET:
            return w if UNIT_FULL.fullmatch(text, w, j) else -1
        k = w
    return -1


def address_cue_before(low: str, s: int) -> bool:
    seg = low[max(0, s - 40):s]
    return not _ADDRESS_CUE_WORDS.isdisjoint(_LETTERS.findall(seg)) or seg.rstrip().endswith(" at")


# -- street lines found from their context rather than from a street word (used by address.py) --------

# A military address in any case and with any separators ("PSC 1234, Box 5678\nAPO AE 09012", "usns evans fpo aa
# 20726", "Unit 4410 Box 2201, DPO AP 96520").
_MSEP = r"(?:[ \t]*,[ \t]*(?:\r?\n[ \t]*)?|[ \t]*(?:\r?\n|\\n)[ \t]*|[ \t]+)"
MILITARY = re.compile(
    r"(?i:(?:(?:(?<![\w])(?:unit|psc)[ \t]+\d{3,5}" + _MSEP + r"box[ \t]+\d{3,5}|(?<![\w])us(?:ns|nv|s|cgc)[ \t]+"
    r"[a-z][\w'.-]*(?:[ \t]+[a-z][\w'.-]*)?)" + _MSEP + r")?(?<![\w])(?:apo|fpo|dpo)[ \t]+a[aep][ \t]+\d{5}(?:-\d{4})?"
    r"(?![\w]))"
)
STREET_CUE_WORDS = frozenset(
    "address addresses adresse anschrift adres direccion indirizzo endereco lives live lived living located "
    "resides reside moved sent send deliver delivered ship shipped meet station".split())
# The first word of a street name after a cue: capitalised, or in a script without case, or a Polish
# abbreviation ("ul. Ukryta 121"); a lower-case Latin word is prose ("to", "es", "willow").
FIRST = r"(?:(?:[A-Z]|[^\W\d_a-z])[\w'-]{0,30}|(?:ul|al|pl|os)\.|[^\W\d_A-Z][^\W\d_]{0,2}\.)"
CUE_STREET = re.compile(
    # after the cue: separators and a few small words, or a question answered on the next line by a speaker
    r"(?:[ \t]*\?[ \t]*\r?\n[ \t]*(?:\[[\d:. ]{1,12}\][ \t]*)?(?:[^\W\d_][^\n:]{0,30}:[ \t]*)?"
    r"|[ \t]*[:?,-]?[ \t]+|[ \t]*:)(?i:(?:is|at|to|in|on|me|you|us|it|them|this|now|was|were|are|here|it's|"
    r"it is|the following|the|north|south|east|west|side|of|near|by)[ \t:]+){0,5}"
    r"(?P<street>[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]{1,20}[ \t]?\d{1,5}(?:-\d{1,5}){0,2}[号號]?"
    r"|(?:\d{1,6}[A-Za-z]?[ \t]+)?" + FIRST + r"(?:[ \t]+[\w'.-]{1,30}){0,5}?,?[ \t]+\d{1,5}[A-Za-z]?"
    r"(?![\w%]|[.,]\d|[ \t]*(?:%|times|x\b|[kmg]b\b|ms\b|px\b|min|hours|days|years|percent|euros?|dollars?|pm\b|am\b))"
    r"|\d{1,6}[A-Za-z]?[ \t]+" + FIRST + r"(?:[ \t]+[\w'-]{1,30}){0,4}(?=[ \t]*(?:$|\r?\n|[.;!?])))",
    re.MULTILINE,
)
# A street or address field ("street: Ergene Caddesi 949", "<street>...</street>", "address_line1=..."); the
# value must look like a street line (a letter, a digit and a space; no @, no ://).
KEY_WORDS = frozenset("street streetaddress address address1 addressline1 addr adresse anschrift strasse direccion "
                       "indirizzo endereco adres".split())
KEY_VALUE = re.compile(
    r"(?:street(?:[ _-]?address)?|address(?:[ _-]?(?:line)?[ _-]?[12])?|addr|adresse|anschrift|strasse|"
    r"direccion|indirizzo|endereco|adres)[\"']?[ \t]*(?:[:=]|=>|>)[ \t]*[\"']?(?P<v>[^\"'<>\n;|:@]{3,100})"
)
VCARD_ADR = re.compile(r"(?m)^(?:item\d+\.)?ADR[^:\n]{0,60}:;*(?P<v>[^\n]{1,200})")
LINE_BEFORE_UNIT = re.compile(
    r"(?:(?:\d{1,6}[A-Za-z]?[ \t]+)?(?:[^\W\d_][\w'.-]*[ \t]+){1,4}\d{1,5}[A-Za-z]?"
    r"|\d{1,6}[A-Za-z]?(?:[ \t]+[^\W\d_][\w'.-]*){1,4})[ \t]*,?[ \t]*(?:\r?\n[ \t]*)?\Z"
)
# A match of LINE_BEFORE_UNIT is a body of word characters, "'", ".", "-", spaces and tabs, then blanks, a comma
# and a line break, none of which the body can end with; so every match ending at `end` starts after the last
# other character before the body. Its search (which tries every start) starts there: the same leftmost match
# from far fewer starts.
_TAIL_CHARS = " \t,\r\n"
_LAST_NON_BODY = re.compile(r"(?s:.*)[^\w'. \t-]")


def line_search_start(text: str, lo: int, end: int) -> int:
    """Where LINE_BEFORE_UNIT.search(text, lo, end) can first match (see above); at least lo."""
    body_end = lo + len(text[lo:end].rstrip(_TAIL_CHARS))
    m = _LAST_NON_BODY.match(text, lo, body_end)
    return lo if m is None else m.end()
