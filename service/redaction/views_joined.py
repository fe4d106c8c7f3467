"""The joined view's edits: values wrapped across lines, quoted-printable soft breaks, spaced-out letters
or digits, odd separators between digits and JSON escapes (see views.py for what a view is and why).

Every gate here is a C-level test on a byte map or a literal-first pattern: Python's regex engine scans a
pattern that starts with a character class at ~15 ns a byte, far slower than a literal or `bytes.find`.
Linear in the text on every input (tests/redaction/test_views.py checks the ratio).
"""

from __future__ import annotations

import re

from service.redaction.detectors.base import SHAPE

Edit = tuple[int, int, str]  # replace base[start:end] by the string

# -- joined values -----------------------------------------------------------------------------------

# A line break inside a token: after a character that cannot end one ("@", "_", "+", "%", "/"; "." or
# "-" when the next line goes on in lower case or digits), before one that cannot start one, or a
# quoted-printable soft break ("=" at the very end of a line). Digits broken across lines need no view:
# the digit-run scan already reads line breaks as separators.
_ENDS_TOKEN_NOT = frozenset("@_+%/")
_STARTS_TOKEN_NOT = frozenset("@._+%")
_WRAP_WIDTH = 60  # a line at least this long that ends inside a token was wrapped by a program
# Four or more one-character tokens, one to three blanks apart ("j o h n  d o e", "T i m  L .  N y b e r g");
# the last may touch punctuation ("c o m."). One blank between letters joins them, a wider gap is a space.
_SPACED = re.compile(r"(?<!\S)\S(?: {1,3}\S(?![^\s.,;:!?'\")\]}]))(?: {1,3}\S(?![^\s.,;:!?'\")\]}])){2,}")
_SPACED_HINT = b" x x x x"
_BLANK_MAP = bytes(32 if c in (9, 10, 13, 32) else 120 for c in range(256))
_ODD_SEP = re.compile(r"\d([ \t]?[_~|\\][ \t]?)(?=\d)")
_ODD_SEP_SHAPE = re.compile(rb"0[ \t]?[_~|\\][ \t]?0")  # the same on base.SHAPE (digits read "0")
_JSON_ESC = re.compile(r"\\u([0-9a-fA-F]{4})|\\[nrt]|\\([\"/])")


def joined_edits(base: str) -> list[Edit]:
    """The joined view's edits of `base` (unsorted, possibly overlapping; empty when it has none)."""
    edits: list[Edit] = []
    if "\n" in base:
        _line_breaks(base, edits)
        if "@" in base:
            _at_token_breaks(base, edits)
    if _has_spaced_run(base):
        for m in _SPACED.finditer(base):
            s, e = m.span()
            k = s + 1
            while k < e:
                g = k
                while base[g] == " ":
                    g += 1
                edits.append((k, g, "" if g == k + 1 else " "))
                k = g + 1
    if ("_" in base or "~" in base or "|" in base or "\\" in base) and _has_odd_separator(base):
        for m in _ODD_SEP.finditer(base):
            edits.append((m.start(1), m.end(1), "-"))
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
    return edits


def _class_map(pairs: dict[str, int], other: int) -> bytes:
    table = bytearray([other]) * 256
    for chars, to in pairs.items():
        for c in chars:
            table[ord(c)] = to
    return bytes(table)


# Line breaks worth a look: on a map where blanks read " ", "@_+%" read "a", "." "p", "-" "h", "/=" "s",
# lower case and digits "l", the text splits into lines in C; a break is looked at when the line before
# ends in a or s, or in p or h with l next, or the next line starts with a or p (one blank allowed).
# (Python's regex engine scans a pattern that starts with a character class at ~15 ns a byte; this costs
# one translate, one split and two byte lookups a line.)
_BREAK_MAP = _class_map({"\n": 10, " \t": 32, "\r": 13, "@_+%": 97, ".": 112, "-": 104, "/=": 115,
                         "abcdefghijklmnopqrstuvwxyz0123456789": 108, "ABCDEFGHIJKLMNOPQRSTUVWXYZ": 117}, 120)
_LEFT_ALWAYS = frozenset(b"as")
_LEFT_IF = frozenset(b"ph")
_LETTER = 108  # lower case and digits
_UPPER = 117
_RIGHT = frozenset(b"ap")


def _worth_a_look(before: bytes, after: bytes) -> bool:
    last = before[-1] if before else 0
    tight = last != 32 and (after[:1] != b" ")  # nothing but a CR next to the break
    if last in (32, 13) and len(before) > 1:
        last = before[-2]
    first = after[0] if after else 0
    if first == 32 and len(after) > 1:
        first = after[1]
    if last in _LEFT_ALWAYS or first in _RIGHT or (last in _LEFT_IF and first == _LETTER):
        return True
    # a word or a date wrapped in its middle: letter or digit, break, lower case or digit (checked below)
    return tight and first == _LETTER and last in (_LETTER, _UPPER)


def _line_breaks(text: str, edits: list[Edit]) -> None:
    """Edits for line breaks inside a token (see _ENDS_TOKEN_NOT)."""
    n = len(text)
    if text.isascii():
        lines = text.encode("ascii").translate(_BREAK_MAP).split(b"\n")
        positions = []
        pos = -1
        for k in range(len(lines) - 1):
            pos += len(lines[k]) + 1
            if _worth_a_look(lines[k][-2:], lines[k + 1][:2]):
                positions.append(pos)
    else:
        positions = [i for i in range(n) if text[i] == "\n"]
    for i in positions:
        a = i
        while a > 0 and text[a - 1] in " \t\r":
            a -= 1
        b = i + 1
        while b < n and text[b] in " \t":
            b += 1
        if a > 0 and b < n and not text[a - 1].isspace() and not text[b].isspace():
            left, right = text[a - 1], text[b]
            if left == "=" and a == i - (text[i - 1] == "\r") and a > 1 and not text[a - 2].isspace():
                edits.append((a - 1, i + 1, ""))  # quoted-printable soft break: the "=" goes too
            elif left in _ENDS_TOKEN_NOT or right in _STARTS_TOKEN_NOT or (
                    left in ".-" and (right.islower() or right.isdigit())):
                edits.append((a, b, ""))
            elif a == i - (text[i - 1] == "\r") and b == i + 1 and _wrapped_inside(text, a, b):
                edits.append((a, b, ""))


_FUNCTION_WORDS = frozenset(
    "a an and are as at be but by can could did do does for from had has have he her his i if in into is it its "
    "me my no not of on or our she so than that the their them then there they this to was we were what when "
    "which who will with would you your team thanks regards best please".split())


def _wrapped_inside(text: str, a: int, b: int) -> bool:
    """A line break with nothing around it, inside a capitalised word ("Laarm|an", "Aus|tralia": the name
    or place a program wrapped) or inside a date ("11/1|1/1969"). A break after a lower-case word is
    ordinary wrapped prose or code and is left alone."""
    left, right = text[a - 1], text[b]
    if left.isdigit() and right.isdigit():
        return "/" in text[max(0, a - 6):a] or "/" in text[b:b + 6]
    if not (left.isalpha() and right.islower()):
        return False
    t = a - 1
    while t > 0 and t > a - 30 and text[t - 1].isalpha():
        t -= 1
    if not (text[t].isupper() and (t == 0 or not text[t - 1].isalnum())):
        return False
    # "Garcia|and team": a word that can follow a name on the next line is joined only where a program
    # wrapped a long line
    r = b
    while r < len(text) and r < b + 40 and (text[r].isalpha() or text[r] == "_"):
        r += 1
    if text[r:r + 1] in (":", "=") or text[r:r + 2] == " :":
        return False  # the next line starts with a key ("Radek|surname: ..."): a record, not a wrapped word
    if text[b:r] in _FUNCTION_WORDS:
        return a - (text.rfind("\n", max(0, a - 200), a) + 1) >= _WRAP_WIDTH
    return True


def _has_odd_separator(base: str) -> bool:
    if base.isascii():
        return _ODD_SEP_SHAPE.search(base.encode("ascii").translate(SHAPE)) is not None
    return _ODD_SEP.search(base) is not None


def _has_spaced_run(base: str) -> bool:
    if " " not in base:
        return False
    if base.isascii():  # blanks read " ", everything else "x": one C-level find
        return _SPACED_HINT in b" " + base.encode("ascii").translate(_BLANK_MAP) + b" "
    return _SPACED.search(base) is not None


def _at_token_breaks(text: str, edits: list[Edit]) -> None:
    """Line breaks inside an e-mail address: after the '@' while the domain has no dot yet
    ("noor@exam\nple.com"), or before it where the previous line was wrapped by a program (a long line:
    a short one ending in a word is a word followed by an address on the next line)."""
    at = text.find("@")
    n = len(text)
    while at >= 0:
        j = at + 1
        lim = min(n, at + 80)
        while j < lim and not text[j].isspace():
            j += 1
        k = j
        while k < n and k < j + 8 and text[k] in " \t\r\n":
            k += 1
        if j < k < n and text.count("\n", j, k) == 1 and "." not in text[at:j]:
            edits.append((j, k, ""))
        i = at - 1
        while i >= 0 and i > at - 80 and not text[i].isspace():
            i -= 1
        if i >= 0 and text[i] == "\n":
            b = i
            while b > 0 and text[b - 1] in " \t\r":
                b -= 1
            line_start = text.rfind("\n", max(0, b - 200), b) + 1
            if b > 0 and not text[b - 1].isspace() and b - line_start >= _WRAP_WIDTH:
                edits.append((b, i + 1, ""))
        at = text.find("@", at + 1)
