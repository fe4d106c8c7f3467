"""Derived views of the normalised text: markup, tables and joined values, each with a map back.

Threat model: a value hidden by its packaging rather than by its characters. Markup glues values to
tags (`<td>maria@example.org</td>`) or splits them (`Ma<b></b>ria`); a table puts the only context a
value has (its column header) lines away from it; a mail client wraps a line inside an address, a card
number or a quoted-printable body (`=\\n`); a sender spaces a value out letter by letter or joins digit
groups with odd separators (`415_555_0132`); JSON escapes hide characters (`jo\\u0040example.com`).
The base view (normalize.py) keeps its characters and positions, so each of these gets a view of its own
and the recognizers run on every view that exists for a text. A view exists only when its text differs
from the base, so plain prose pays for one cheap gate per view and nothing else.

- markup: tags become line breaks with their element name (or, in a table, the column header) as a
  `key: ` prefix, attribute values become `name: value` lines; inline tags (b, i, span, ...) vanish,
  so a value split by them reads whole. The base view still sees every character inside tags.
- table: CSV, TSV, semicolon and Markdown tables with a header line: each cell becomes a
  `header: cell` line, so a column header is context for every value under it.
- joined: line breaks inside a token, quoted-printable soft breaks, spaced-out letters or digits and
  odd separators between digits are removed or folded, and JSON escapes are decoded. A finding in this
  view counts only where it touches one of its edits: elsewhere the view says nothing the base did not.

Every view maps each of its characters back to base-view positions (an `OffsetMap`); characters a view
inserts (line breaks, keys) map to the stretch they replaced. Findings are trimmed to the characters a
view copied, so a key a view made up is never reported as (part of) a value.
Invariant: building views is linear in the text and never raises on any `str`.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from service.redaction.normalize import OffsetMap

Edit = tuple[int, int, str]  # replace base[start:end] by the string


@dataclass(slots=True)
class View:
    name: str
    text: str
    omap: OffsetMap
    # view positions of the edits a finding must touch to count (None: every finding counts)
    anchors: list[int] | None = None

    def __repr__(self) -> str:
        return f"View({self.name}, len={len(self.text)})"

    def keeps(self, s: int, e: int) -> bool:
        if self.anchors is None:
            return True
        i = bisect_left(self.anchors, s)
        return i < len(self.anchors) and self.anchors[i] <= e

    def to_base(self, s: int, e: int) -> tuple[int, int] | None:
        """Base span of view span [s, e), trimmed to characters the view copied (None if it has none)."""
        m = self.omap
        vs, copy = m.vstart, m.copy
        n = len(vs)
        i = bisect_right(vs, s) - 1
        while not (copy[i] and (i + 1 == n or vs[i + 1] > s)):
            i += 1
            if i >= n or vs[i] >= e:
                return None
            s = vs[i]
        j = bisect_right(vs, e - 1) - 1
        while not copy[j]:
            j -= 1
            if j < i:
                return None
            e = vs[j + 1]
        os_ = m.ostart[i] + (s - vs[i])
        oe = m.ostart[j] + (e - vs[j])
        return (os_, oe) if oe > os_ else None


def apply_edits(text: str, edits: list[Edit]) -> tuple[str, OffsetMap, list[int]]:
    """Apply sorted, non-overlapping edits; returns the view, its map and each edit's view position."""
    out: list[str] = []
    omap = OffsetMap()
    anchors: list[int] = []
    pos = vpos = 0
    for ms, me, r in edits:
        if ms > pos:
            out.append(text[pos:ms])
            omap.add(vpos, pos, ms, True)
            vpos += ms - pos
        anchors.append(vpos)
        if r:
            out.append(r)
            omap.add(vpos, ms, me, False)
            vpos += len(r)
        pos = max(pos, me)
    if pos < len(text) or not omap.vstart:
        out.append(text[pos:])
        omap.add(vpos, pos, len(text), True)
    return "".join(out), omap, anchors


# -- markup ------------------------------------------------------------------------------------------

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9_.:-]{0,63})((?:\s[^<>]*)?)/?>|<!--|<!\[CDATA\[|\]\]>|<[!?][^<>]*>")
_ATTR = re.compile(r"""([A-Za-z_:][A-Za-z0-9_.:-]{0,63})\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""")
_MARKUP_HINT = re.compile(r"<[A-Za-z/!?]")
# Tags that format text inside a run of it: dropped without a break, so "Ma<b>ri</b>a" reads "Maria".
_INLINE = frozenset("a abbr b bdi bdo cite code data del dfn em font i ins kbd mark q s samp small span strike "
                    "strong sub sup time tt u var wbr".split())
# HTML's own structure: a break, but the element name says nothing about the value in it.
_HTML_BLOCK = frozenset(
    "address article aside blockquote body br caption col colgroup dd details dialog div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 head header hr html iframe img input label legend li "
    "link main menu meta nav noscript ol option p pre script section select style summary table tbody td "
    "template textarea tfoot th thead title tr ul button".split())
# attributes whose value is markup plumbing, not content
_PLUMBING_ATTRS = frozenset("class style id href src rel type lang dir width height align valign border "
                            "cellpadding cellspacing colspan rowspan role tabindex target xmlns charset".split())


def markup_view(base: str) -> View | None:
    if "<" not in base or _MARKUP_HINT.search(base) is None:
        return None
    edits: list[Edit] = []
    headers: list[str] = []  # column headers of the current table, from its <th> cells
    header_row = False
    col = 0
    th_start = -1
    comment_end = -1
    for m in _TAG.finditer(base):
        s, e = m.span()
        if s < comment_end:
            continue
        tok = m.group()
        if tok == "<!--":
            end = base.find("-->", e)
            comment_end = len(base) if end < 0 else end + 3
            # a comment's text is still text: only the delimiters go
            edits.append((s, e, "\n"))
            if end >= 0:
                edits.append((end, end + 3, "\n"))
            continue
        if tok in ("<![CDATA[", "]]>") or m.group(2) is None:
            edits.append((s, e, "\n"))
            continue
        closing, name, attrs = m.group(1), m.group(2), m.group(3) or ""
        local = name.rsplit(":", 1)[-1].lower()
        if local == "tr":
            col = 0
            if not closing:
                header_row = False
        if closing:
            if local == "th" and th_start >= 0:
                headers.append(_label(base[th_start:s]))
                th_start = -1
            edits.append((s, e, "" if local in _INLINE else "\n"))
            continue
        if local == "table":
            headers = []
        key = ""
        if local == "th":
            if not header_row:
                headers = [] if col == 0 else headers
                header_row = True
            th_start = e
            col += 1
        elif local == "td":
            if col < len(headers) and headers[col]:
                key = headers[col]
            col += 1
        elif local not in _HTML_BLOCK and local not in _INLINE:
            key = local  # <dob>, <ns:pan>, <customer_name>: the element's name is its value's label
        _attr_edits(base, s, e, attrs, m.start(3), key, local in _INLINE, edits)
    if not edits:
        return None
    edits.sort()
    text, omap, _ = apply_edits(base, _disjoint(edits))
    return View("markup", text, omap)


def _label(raw: str) -> str:
    """A header cell's text as a key: tags dropped, blanks squeezed, at most 40 characters."""
    t = re.sub(r"<[^<>]*>", " ", raw)
    t = " ".join(t.split())
    return t[:40] if t and not any(c in t for c in "<>:") else ""


def _attr_edits(base: str, s: int, e: int, attrs: str, astart: int, key: str, inline: bool,
                edits: list[Edit]) -> None:
    """Edits for one opening tag: the tag becomes "\\n" (or "" inline) plus "key: ", and each content
    attribute value stays in place as a "name: value" line."""
    pos = s
    if attrs.strip() and astart >= 0:
        for a in _ATTR.finditer(attrs):
            g = 2 if a.group(2) is not None else 3 if a.group(3) is not None else 4
            vs, ve = astart + a.start(g), astart + a.end(g)
            if vs == ve or a.group(1).lower() in _PLUMBING_ATTRS:
                continue
            edits.append((pos, vs, f"\n{a.group(1).rsplit(':', 1)[-1]}: "))
            pos = ve
    tail = "" if inline and not key else "\n" + (f"{key}: " if key else "")
    edits.append((pos, e, tail))


def _disjoint(edits: list[Edit]) -> list[Edit]:
    out: list[Edit] = []
    end = -1
    for ed in edits:
        if ed[0] >= end and ed[1] >= ed[0]:
            out.append(ed)
            end = ed[1]
    return out


# -- tables ------------------------------------------------------------------------------------------

_DELIMS = (",", "\t", ";", "|")
_HEADER_CELL = re.compile(r"^[A-Za-z][A-Za-z0-9 _./#()-]{0,39}$")
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _cells(line: str, lstart: int, delim: str) -> list[tuple[int, int]]:
    """(start, end) of each cell of one delimited line, double quotes respected; Markdown's outer
    pipes dropped. Linear in the line."""
    out = []
    i, n = 0, len(line)
    if delim == "|":
        s0 = line.strip()
        i = line.find(s0)
        n = i + len(s0)
        if s0.startswith("|"):
            i += 1
        if s0.endswith("|") and n - 1 >= i:
            n -= 1
    start = i
    quoted = False
    while i < n:
        c = line[i]
        if c == '"':
            quoted = not quoted
        elif c == delim and not quoted:
            out.append((start, i))
            start = i + 1
        i += 1
    out.append((start, n))
    res = []
    for a, b in out:
        while a < b and line[a] in ' "':
            a += 1
        while b > a and line[b - 1] in ' "\r':
            b -= 1
        res.append((lstart + a, lstart + b))
    return res


def table_view(base: str) -> View | None:
    if "\n" not in base or not any(d in base for d in _DELIMS):
        return None
    lines: list[tuple[int, str]] = []
    pos = 0
    for line in base.split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1
    edits: list[Edit] = []
    i = 0
    while i < len(lines) - 1:
        lstart, line = lines[i]
        delim = _delimiter(line)
        if delim is None:
            i += 1
            continue
        header = [base[a:b] for a, b in _cells(line, lstart, delim)]
        if len(header) < 2 or not all(_HEADER_CELL.match(h) for h in header):
            i += 1
            continue
        j = i + 1
        if delim == "|" and j < len(lines) and _MD_RULE.match(lines[j][1]):
            j += 1
        markdown = j > i + 1
        rows = 0
        while j < len(lines):
            rstart, row = lines[j]
            if not row.strip():
                break
            cells = _cells(row, rstart, delim)
            if len(cells) != len(header):
                break
            prev = rstart
            for (a, b), h in zip(cells, header):
                edits.append((prev, a, f"\n{h}: "))
                prev = b
            edits.append((prev, rstart + len(row), "\n"))
            rows += 1
            j += 1
        if rows < 2 and len(header) < 3 and not markdown:
            del edits[len(edits) - rows * (len(header) + 1):]  # one row under two labels: prose, not a table
            rows = 0
        i = j if rows else i + 1
    if not edits:
        return None
    text, omap, _ = apply_edits(base, _disjoint(edits))
    return View("table", text, omap)


def _delimiter(line: str) -> str | None:
    best, count = None, 0
    for d in _DELIMS:
        c = line.count(d)
        if c > count:
            best, count = d, c
    return best if count >= (2 if best == "|" else 1) else None


# -- joined values -----------------------------------------------------------------------------------

# a line break (with its blanks) between two characters of one token
_BREAK = re.compile(r"(?<=\S)[ \t]*(?:=?\r?\n)[ \t]*(?=\S)")
_QP_BREAK = re.compile(r"=\r?\n")
_LEFT_JOINERS = frozenset("@._-+%/=")  # a token that ends in one of these goes on after the break
_RIGHT_JOINERS = frozenset("@._+%=")  # (not "-": a line that starts with one is a list item)
# single characters separated by single blanks, five or more: "j o h n . d o e"
_SPACED = re.compile(r"(?<!\S)\S(?: \S){4,}(?!\S)")
_ODD_SEP = re.compile(r"(?<=\d)[ \t]?[_~|\\][ \t]?(?=\d)")
_JSON_ESC = re.compile(r"\\u([0-9a-fA-F]{4})|\\[nrt]|\\([\"/])")
_TOKEN_END = re.compile(r"\s")


def joined_view(base: str) -> View | None:
    edits: list[Edit] = []
    if "\n" in base:
        for m in _BREAK.finditer(base):
            s, e = m.span()
            a, b = base[s - 1], base[e]
            qp = base[m.start():m.end()].lstrip(" \t").startswith("=")
            if qp or (a in _LEFT_JOINERS and (a != "." or b.islower() or b.isdigit())) or b in _RIGHT_JOINERS \
                    or (a.isdigit() and b.isdigit()) or _token_has_at(base, s, e):
                edits.append((s, e, ""))
        if "=\n" in base or "=\r\n" in base:
            for m in _QP_BREAK.finditer(base):
                edits.append((m.start(), m.end(), ""))
    if " " in base:
        for m in _SPACED.finditer(base):
            s, e = m.span()
            for k in range(s + 1, e, 2):
                edits.append((k, k + 1, ""))
            if base.startswith("  ", e) and _SPACED.match(base, e + 2) is not None:
                edits.append((e, e + 2, " "))
            elif base.startswith("   ", e) and _SPACED.match(base, e + 3) is not None:
                edits.append((e, e + 3, " "))
    if "_" in base or "~" in base or "|" in base or "\\" in base:
        for m in _ODD_SEP.finditer(base):
            edits.append((m.start(), m.end(), "-"))
    if "\\" in base:
        for m in _JSON_ESC.finditer(base):
            if m.group(2):
                edits.append((m.start(), m.end(), m.group(2)))
            elif m.group(1):
                cp = int(m.group(1), 16)
                if 0x20 < cp < 0x7F:
                    edits.append((m.start(), m.end(), chr(cp)))
            else:
                edits.append((m.start(), m.end(), " "))
    if not edits:
        return None
    edits.sort()
    text, omap, anchors = apply_edits(base, _disjoint(edits))
    return View("joined", text, omap, anchors)


def _token_has_at(text: str, s: int, e: int) -> bool:
    """Does the token a line break at [s, e) would join hold an '@' (a wrapped e-mail address)?"""
    lo = max(0, s - 80)
    left = max(text.rfind(" ", lo, s), text.rfind("\n", lo, s), text.rfind("\t", lo, s), lo - 1)
    if "@" in text[left + 1:s]:
        return True
    m = _TOKEN_END.search(text, e, e + 80)
    return "@" in text[e:m.start() if m else min(len(text), e + 80)]


def derived_views(base: str) -> list[View]:
    """Every view of `base` that differs from it (usually none)."""
    views = []
    for build in (markup_view, table_view, joined_view):
        v = build(base)
        if v is not None:
            views.append(v)
    return views
