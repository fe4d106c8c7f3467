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

from service.redaction.offsets import OffsetMap, apply_edits
from service.redaction.views_breaks import joiner
from service.redaction.views_joined import joined_edits

Edit = tuple[int, int, str]  # replace base[start:end] by the string


@dataclass(slots=True)
class View:
    name: str
    text: str
    omap: OffsetMap
    # view positions of the edits a finding must touch to count (None: every finding counts)
    anchors: list[int] | None = None
    # the view this one was built on (a joined view of the markup or table view), None for the base
    parent: View | None = None

    def __repr__(self) -> str:
        return f"View({self.name}, len={len(self.text)})"

    def keeps(self, s: int, e: int) -> bool:
        if self.anchors is None:
            return True
        i = bisect_left(self.anchors, s)
        return i < len(self.anchors) and self.anchors[i] <= e

    def to_base(self, s: int, e: int) -> tuple[int, int] | None:
        """Base span of view span [s, e), trimmed to characters the view copied (None if it has none)."""
        span = self._to_source(s, e)
        if span is None or self.parent is None:
            return span
        return self.parent.to_base(*span)

    def _to_source(self, s: int, e: int) -> tuple[int, int] | None:
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
# HTML cells read as part of a sentence when the sentence goes on around them ("ZIP: <td>49503</td>")
_PROSE_ELEMENTS = frozenset(("td", "th"))
# Elements whose name says nothing of their text: nested right inside a keyed element, the outer key holds
_GENERIC_ELEMENTS = frozenset("value val field text data item entry content string span td".split())
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
    last_end = 0  # end of the previous tag
    keyed_end = -1  # end of the last opening tag that gave its text a key
    for m in _TAG.finditer(base):
        s, e = m.span()
        if s < comment_end:
            continue
        prev_end, last_end = last_end, e
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
            if local in _INLINE:
                edits.append((s, e, ""))
            elif (local in _PROSE_ELEMENTS or local not in _HTML_BLOCK) and _text_follows(base, e):
                edits.append((s, e, _glue(base, s, e)))  # "<td>49657</td> Rue ...": the value goes on in prose
            else:
                edits.append((s, e, "\n"))
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
        if local in _INLINE:
            tail = "\n" + key + ": " if key else ""
        elif keyed_end >= 0 and (keyed_end == s or base[keyed_end:s].isspace()) and (
                not key or local in _GENERIC_ELEMENTS):
            # "<postalCode><value>...": the outer element's key labels the value (blanks between go too)
            _attr_edits(base, keyed_end, e, attrs, m.start(3), "", edits)
            keyed_end = e
            continue
        elif (local in _PROSE_ELEMENTS or local not in _HTML_BLOCK) and (
                _text_precedes(base, prev_end, s) or _closes_before_text(base, e, name)):
            # "zip code is <ns:field>...", "Mr. <b2>...", "<v>Ann</v> (+1 ...): hi": the sentence is the context
            tail = _glue(base, s, e)
        else:
            tail = "\n" + key + ": " if key else "\n"
            keyed_end = e if key else -1
        _attr_edits(base, s, e, attrs, m.start(3), tail, edits)
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


def _text_precedes(base: str, prev_end: int, s: int) -> bool:
    """Text other than blanks between the previous tag (or line start) and position s, on s's line."""
    a = max(prev_end, base.rfind("\n", prev_end, s) + 1)
    return a < s and not base[a:s].isspace()


def _closes_before_text(base: str, e: int, name: str) -> bool:
    """The element opened at e closes on the same line, within 200 characters, and text follows it."""
    stop = min(len(base), e + 200)
    k = base.find("</" + name, e, stop)
    if k < 0 or "\n" in base[e:k]:
        return False
    gt = base.find(">", k, stop)
    return gt >= 0 and _text_follows(base, gt + 1)


def _text_follows(base: str, e: int) -> bool:
    """Text other than blanks after position e on its line, before the next tag ("<ann@example.org>", an
    address in angle brackets, is text)."""
    nxt = base.find("<", e)
    nxt = len(base) if nxt < 0 else nxt
    nl = base.find("\n", e, nxt)
    stop = nxt if nl < 0 else nl
    if e < stop and not base[e:stop].isspace():
        return True
    return stop == nxt < len(base) and _TAG.match(base, nxt) is None


def _glue(base: str, s: int, e: int) -> str:
    """What a tag inside a sentence reads as: nothing, or a blank between two letters or digits."""
    return " " if s > 0 and e < len(base) and base[s - 1].isalnum() and base[e].isalnum() else ""


def _attr_edits(base: str, s: int, e: int, attrs: str, astart: int, tail: str, edits: list[Edit]) -> None:
    """Edits for one opening tag: the tag becomes `tail` ("\\n" plus "key: ", or "" inline), and each
    content attribute value stays in place as a "name: value" line."""
    pos = s
    if attrs.strip() and astart >= 0:
        for a in _ATTR.finditer(attrs):
            g = 2 if a.group(2) is not None else 3 if a.group(3) is not None else 4
            vs, ve = astart + a.start(g), astart + a.end(g)
            if vs == ve or a.group(1).lower() in _PLUMBING_ATTRS:
                continue
            edits.append((pos, vs, f"\n{a.group(1).rsplit(':', 1)[-1]}: "))
            pos = ve
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
# a label: a letter, then up to 39 label characters, taken possessively (no backtracking: a prose line
# fails at its first non-label character)
_LABEL = r'"?[A-Za-z][A-Za-z0-9 _./#()-]{0,39}+"?'
# a header line: two or more labels joined by one delimiter kind (a Markdown header may be framed in pipes)
_HEADER_LINE = re.compile(r" *+\|? *+" + _LABEL + r"(?: *+([,\t;|]) *+" + _LABEL + r")++ *+\|? *+\r?$")
# Gate, in C: the same shape on a map where label characters read "x" (space " "), delimiters ",",
# quotes "q", line breaks stay and all else reads "o"; every match starts at a line break.
_HEADER_MAP = bytes(10 if c == 10 else 32 if c == 32 else 44 if c in b",\t;|" else 113 if c == 34 else
                    120 if (chr(c).isascii() and chr(c).isalnum()) or c in b"_./#()-" else 111 for c in range(256))
_HEADER_SHAPE = re.compile(rb"\n *+,? *+q?x[x ]{0,39}+q?(?: *+, *+q?x[x ]{0,39}+q?)++ *+,? *+o?(?=\n)")
# A cell shorter than this holds no value a header could be context for ("1", "NY", ""): it is left out of
# the view, which keeps a table of one-character cells from costing two view segments a character. Two
# characters of a script without spaces (a Chinese name) stay.
_MIN_CELL = 3
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _cells(line: str, lstart: int, delim: str) -> list[tuple[int, int]]:
    """(start, end) of each cell of one delimited line, double quotes respected; Markdown's outer
    pipes dropped. Linear in the line."""
    i, n = 0, len(line)
    if delim == "|":
        while i < n and line[i] in " \t":
            i += 1
        while n > i and line[n - 1] in " \t\r":
            n -= 1
        if line.startswith("|", i):
            i += 1
        if n > i and line[n - 1] == "|":
            n -= 1
    bounds: list[tuple[int, int]] = []
    if '"' not in line:
        start = i
        for part in line[i:n].split(delim):
            bounds.append((start, start + len(part)))
            start += len(part) + 1
    else:
        start, quoted = i, False
        for k in range(i, n):
            c = line[k]
            if c == '"':
                quoted = not quoted
            elif c == delim and not quoted:
                bounds.append((start, k))
                start = k + 1
        bounds.append((start, n))
    res = []
    for a, b in bounds:
        while a < b and line[a] in ' "\t':
            a += 1
        while b > a and line[b - 1] in ' "\r\t':
            b -= 1
        res.append((lstart + a, lstart + b))
    return res


def _header_lines(base: str):
    """Matches of _HEADER_LINE at line starts, for ASCII text only where the map gate says one may be."""
    if base.isascii():
        starts = [m.start() for m in _HEADER_SHAPE.finditer(b"\n" + base.encode("ascii").translate(_HEADER_MAP))]
    else:
        starts = [0] + [i + 1 for i in range(len(base)) if base[i] == "\n"]
    for ls in starts:
        nl = base.find("\n", ls)
        if nl < 0:
            break  # a header needs a row after it
        m = _HEADER_LINE.match(base, ls, nl)
        if m is not None:
            yield m


# A cell whose whole text is one element ("<b>83000</b>", "<td>Ann Lee</td>" pasted into a CSV row): the tags
# go with the cell's delimiters, so the column header labels the value itself.
_CELL_ELEMENT = re.compile(r"<([A-Za-z][A-Za-z0-9_.:-]{0,63})(?:\s[^<>]*)?>([^<>]*)</\1\s*>")


def _untagged(base: str, a: int, b: int) -> tuple[int, int]:
    m = _CELL_ELEMENT.fullmatch(base, a, b)
    return (m.start(2), m.end(2)) if m is not None and m.end(2) > m.start(2) else (a, b)


def table_view(base: str) -> View | None:
    if "\n" not in base or not ("," in base or "\t" in base or ";" in base or "|" in base):
        return None
    edits: list[Edit] = []
    pos = 0
    for h in _header_lines(base):
        if h.start() < pos:
            continue  # inside a table already rendered
        delim = h.group(1)
        line = h.group()
        header = [base[a:b] for a, b in _cells(line, h.start(), delim)]
        if len(header) < 2:
            continue
        j = h.end() + 1
        markdown = False
        if delim == "|":
            e = base.find("\n", j)
            e = len(base) if e < 0 else e
            if _MD_RULE.match(base, j, e):
                markdown = True
                j = e + 1
        rows = whole = 0
        row_edits: list[Edit] = []
        while j < len(base):
            e = base.find("\n", j)
            e = len(base) if e < 0 else e
            row = base[j:e]
            if not row.strip():
                break
            brk = -1  # the line break inside one of the row's cells, if the row goes on on the next line
            need = len(header) - 1 - (2 if markdown else 0)
            if row.count(delim) < need:
                # a row wrapped inside a cell: two lines that make one row of three cells or more, after a
                # whole row or before one (prose wrapped under a line with commas makes none)
                if markdown or e >= len(base) or len(header) < 3:
                    break
                e2 = base.find("\n", e + 1)
                e2 = len(base) if e2 < 0 else e2
                if row.count(delim) + base.count(delim, e + 1, e2) < need or not base[e + 1:e2].strip():
                    break
                e3 = base.find("\n", e2 + 1)
                if not whole and base.count(delim, e2 + 1, len(base) if e3 < 0 else e3) < need:
                    break
                cells = _cells(base[j:e2], j, delim)
                if len(cells) != len(header):
                    break
                brk, e = e, e2
            else:
                cells = _cells(row, j, delim)
                whole += 1
            if len(cells) != len(header):
                break
            prev = j
            for (a, b), label in zip(cells, header):
                if base[a] == "<" and base[b - 1] == ">":
                    a, b = _untagged(base, a, b)
                if a < brk < b:
                    # "...,impleme|ntation2061@gmail.com,...": a cell wrapped in its middle reads whole
                    row_edits.append((prev, a, "\n" + label + ": "))
                    bs = brk - 1 if base[brk - 1] == "\r" else brk
                    row_edits.append((bs, brk + 1, joiner(base, bs, brk + 1)))
                    prev = b
                elif b - a >= _MIN_CELL or (b - a == 2 and not base[a:b].isascii()):  # "茹奕": a name
                    row_edits.append((prev, a, "\n" + label + ": "))
                    prev = b
            row_edits.append((prev, e, "\n"))  # a row of short cells reads as one line break
            rows += 1
            j = e + 1
        if rows >= 2 or (rows and (len(header) >= 3 or markdown)):  # one row under two labels: prose
            edits.extend(row_edits)
            pos = j
    if not edits:
        return None
    text, omap, _ = apply_edits(base, _disjoint(edits))
    return View("table", text, omap)


def joined_view(base: str, lines: bool = True) -> View | None:
    edits = joined_edits(base, lines)
    if not edits:
        return None
    edits.sort()
    text, omap, anchors = apply_edits(base, _disjoint(edits))
    return View("joined", text, omap, anchors)


def derived_views(base: str) -> list[View]:
    """Every view of `base` that differs from it (usually none). The joined edits apply to the markup and
    table views too (a value spaced out or wrapped inside a table cell reads whole under its column
    header there), as views of those views that map back through them."""
    views = []
    joined = joined_view(base)  # first: without joined edits in the base, its views have none either
    for build in (markup_view, table_view):
        v = build(base)
        if v is not None:
            views.append(v)
            j = joined_view(v.text, lines=build is markup_view) if joined is not None else None
            if j is not None:
                j.name, j.parent = v.name + "+joined", v
                views.append(j)
    if joined is not None:
        views.append(joined)
    return views
