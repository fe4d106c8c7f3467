"""The joined view's edits: values wrapped across lines, quoted-printable soft breaks, spaced-out letters
or digits, odd separators between digits and JSON escapes (see views.py for what a view is and why).

Every gate here is a C-level test on a byte map or a literal-first pattern: Python's regex engine scans a
pattern that starts with a character class at ~15 ns a byte, far slower than a literal or `bytes.find`.
Linear in the text on every input (tests/redaction/test_views.py checks the ratio).
"""

from __future__ import annotations

import re

from service.redaction.views_breaks import (after_plus, dotted_quad, field_breaks, inside_a_key, inside_an_id,
                                           sentence_breaks)


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
# A run may sit right inside brackets, quotes, tags or cells ("<j o h n @ ...>", "\"P L 6 1 ...\"", ">1 9 ...<",
# ",J i ř í,"; also "key:", "key=" and a quoted line's "}}" or "}").
# A token is one character, or one of the pairs normalize.py folds a letter to ("æ" -> "ae", "þ" -> "th":
# "S ae b j o r g" is "Sæbjörg" spaced out). A run does not start right after a word's apostrophe ("It's
# 1 2 / 9 ...", "here's K a r e n": the "s" is the word's, not the run's).
_START = r"(?<![^\s<>(\[{}\"',;|:=])(?<!\w')"
_TOK = r"(?:ae|oe|AE|OE|th|ss|\S)(?![^\s.,;:!?'\")\]}<>|])"
_SPACED = re.compile(_START + r"(?:ae|oe|AE|OE|th|ss|[^\s<>])(?: {1,3}" + _TOK + r"){3,}")
_SPACED_HINT = b" x x x x"
# three spaced-out digits ("zip 2 3 0"), or a capital and two lower-case letters ("K a i", "Z o e": a short
# name); four or more tokens of any kind are _SPACED's
_SPACED3 = re.compile(_START + r"(?:\d(?: {1,3}\d){2}|[A-Z] [a-z] [a-z])(?![^\s.,;:!?'\")\]}<>|])")
_SPACED3_HINT = b" x x x"
_BLANK_MAP = bytes(32 if c in (9, 10, 13, 32) else 120 for c in range(256))
# Digit groups (and an IBAN's letter groups) joined by one odd separator, two to eleven groups; "·" and "•"
# between digits and "–" arrive here folded to "-" (normalize.py), and "-" needs no view. The gate finds a digit
# next to a separator next to a digit or capital on a byte map (two C-level finds).
_SEP_CHAIN = re.compile(r"[A-Za-z0-9]{1,8}([_~|\\/.])[A-Za-z0-9]{1,8}(?:\1[A-Za-z0-9]{1,8}){0,9}+(?!\1?[A-Za-z0-9])")
_SEP_MAP = bytes(48 if 48 <= c <= 57 else 65 if 65 <= c <= 90 else 115 if c in b"_~|\\" else 116 if c in b"/."
                 else 120 for c in range(256))  # digits "0", capitals "A", "_~|\\" "s", "./" "t", all else "x"
# "_~|\\" between digits (or a capital and a digit); "./" only after an IBAN's country code and check digits
_SEP_SHAPE = re.compile(rb"0s[0A]|As0|AA00t")
_SEP_RUN = re.compile(r"[A-Za-z0-9_~|\\/.]*+")
_SEP_CHARS = frozenset("_~|\\/.")
_JSON_ESC = re.compile(r"\\u([0-9a-fA-F]{4})|\\[nrt]|\\([\"/])")


def joined_edits(base: str, lines: bool = True) -> list[Edit]:
    """The joined view's edits of `base` (unsorted, possibly overlapping; empty when it has none).
    `lines=False` leaves line breaks alone (a table view's breaks are its own, one a cell)."""
    edits: list[Edit] = []
    if lines and "\n" in base:
        _line_breaks(base, edits)
        edits.extend(field_breaks(base))
        edits.extend(sentence_breaks(base))
        if "@" in base:
            _at_token_breaks(base, edits)
    runs = _spaced_runs(base)
    for pat in runs:
        for m in pat.finditer(base):
            s, e = m.span()
            k = base.find(" ", s, e)
            while k >= 0:
                g = k + 1
                while base[g] == " ":
                    g += 1
                edits.append((k, g, "" if g == k + 1 else " "))  # one blank joins, a wider gap is a space
                k = base.find(" ", g, e)
    _separated_groups(base, edits)
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
                         "abcdefghijklmnopqrstuvwxyz": 108, "0123456789": 100, "ABCDEFGHIJKLMNOPQRSTUVWXYZ": 117}, 120)
_LEFT_ALWAYS = frozenset(b"as")
_LEFT_IF = frozenset(b"ph")
_LOWER = 108
_DIGIT = 100
_UPPER = 117
_RIGHT = frozenset(b"ap")
_TOKEN = frozenset(b"ldu")
# all bytes but the map's "/", ".", "+" and letters (a date, an IP, a phone, an id): deleted, a hint remains
_NOT_HINT = bytes(c for c in range(256) if c not in b"spalu")
_NOT_HINT_AFTER = bytes(c for c in range(256) if c not in b"sp")


_INNER_PUNCT = frozenset(b"pha")  # ".", "-" and "@_+%" on the map


def _iban_head(line: bytes) -> bool:
    """On the map: the line ends in a token that opens like an IBAN (two capitals, two digits, then
    capitals and digits), as "GB05S|HSG9627..." does when a program wraps it early."""
    line = line.rstrip(b"\r")
    tok = line[line.rfind(b" ") + 1:]
    return 5 <= len(tok) <= 33 and tok[:4] == b"uudd" and not tok.translate(None, b"ud")


def _worth_a_look(line: bytes, nxt: bytes) -> bool:
    """On the map: could the break between `line` and the next line `nxt` be inside a token?"""
    last = line[-1] if line else 0
    tight = last != 32 and nxt[:1] != b" "  # nothing but a CR next to the break
    k = len(line) - 1
    if last in (32, 13) and k > 0:
        k -= 1
        last = line[k]
    first_at = 1 if nxt[:1] == b" " and len(nxt) > 1 else 0
    first = nxt[first_at] if nxt else 0
    if last in _LEFT_ALWAYS or first in _RIGHT:
        # "@", "_", "+", "%", "/", "=" or "." touching a token on the other side ("@" alone on a line is none)
        prev = line[k - 1] if k > 0 else 0
        # (a soft break "=" may follow a "." or "-" inside the token: "yandex.=|com")
        return (last in _LEFT_ALWAYS and (prev in _TOKEN or (prev == 32 and tight and first in _TOKEN) or (
            tight and prev in _INNER_PUNCT and first in _TOKEN))) or (
            first in _RIGHT and nxt[first_at + 1:first_at + 2] not in (b"", b" ", b"\r"))
    if last in _LEFT_IF and first in (_LOWER, _DIGIT):
        return True
    if first == _UPPER:  # a name broken before one blank: "Sue|\n Hague", "Sue \n|Hague"; a key after "-"
        return (not tight and last in (_LOWER, _UPPER)) or (tight and last == 104) or (
            tight and _iban_head(line))
    if not tight:
        return False
    if last == _DIGIT and first == _DIGIT:  # "11/2|3/1971", "21.150.2|41.237", "+44 20|7946", "GB30..15|0975"
        return bool(line[-16:].translate(None, _NOT_HINT) or nxt[:16].translate(None, _NOT_HINT_AFTER))
    # a word or a number wrapped in its middle: letter or digit, break, lower case, digit or "-"
    return (first in (_LOWER, _DIGIT) and last in _TOKEN) or (first == 104 and last == _DIGIT)


def _line_breaks(text: str, edits: list[Edit]) -> None:
    """Edits for line breaks inside a token (see _ENDS_TOKEN_NOT)."""
    n = len(text)
    if text.isascii():
        lines = text.encode("ascii").translate(_BREAK_MAP).split(b"\n")
        positions = []
        pos = -1
        for k in range(len(lines) - 1):
            pos += len(lines[k]) + 1
            if _worth_a_look(lines[k], lines[k + 1]):
                positions.append(pos)
    else:  # every break is looked at (the map cannot tell a non-ASCII letter's case)
        positions = []
        i = text.find("\n")
        while i >= 0:
            positions.append(i)
            i = text.find("\n", i + 1)
    for i in positions:
        a = i
        while a > 0 and text[a - 1] in " \t\r":
            a -= 1
        b = i + 1
        while b < n and text[b] in " \t":
            b += 1
        if (a > 1 and b < n and text[b] in "\r\n" and text[a - 1] == "=" and a == i - (text[i - 1] == "\r")
                and not text[a - 2].isspace()):
            edits.append((a - 1, i + 1, ""))  # a soft break before a line break of the text's own ("Skive=||, MI")
        elif a > 0 and b < n and not text[a - 1].isspace() and not text[b].isspace():
            left, right = text[a - 1], text[b]
            tight_left = a == i - (text[i - 1] == "\r")
            if left == "=" and tight_left and a > 1 and (not text[a - 2].isspace() or (
                    b == i + 1 and right.isalnum())):
                edits.append((a - 1, i + 1, ""))  # quoted-printable soft break: the "=" goes too
            elif left in _ENDS_TOKEN_NOT or right in _STARTS_TOKEN_NOT or (
                    left in ".-" and (right.islower() or right.isdigit())):
                edits.append((a, b, ""))
            elif tight_left and b == i + 1:
                if _wrapped_inside(text, a, b):
                    edits.append((a, b, ""))
            elif (i - a - (text[i - 1] == "\r")) + (b - i - 1) == 1 and _name_across(text, a, b):
                edits.append((a, b, " "))  # one blank beside the break: it stays, the break goes


_FUNCTION_WORDS = frozenset(
    "a an and are as at be but by can could did do does for from had has have he her his i if in into is it its "
    "me my no not of on or our she so than that the their them then there they this to was we were what when "
    "which who will with would you your team thanks regards best please".split())


def _wrapped_inside(text: str, a: int, b: int) -> bool:
    """A line break with nothing around it, inside a capitalised word ("Laarm|an", "Aus|tralia": the name
    or place a program wrapped) or inside a date ("11/1|1/1969"). A break after a lower-case word is
    ordinary wrapped prose or code and is left alone."""
    left, right = text[a - 1], text[b]
    if left.isalnum() and right.isalnum() and inside_an_id(text, a, b):
        return True
    if left == "-" and right.isalnum():
        return inside_a_key(text, a, b)
    if left.isdigit() and right.isdigit():
        return ("/" in text[max(0, a - 6):a] or "/" in text[b:b + 6] or dotted_quad(text, a, b)
                or after_plus(text, a))
    if left.isdigit() and right == "-" and text[b + 1:b + 2].isdigit():
        return True  # "16|-15-98": a number's groups go on after the break
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
    line_start = text.rfind("\n", max(0, a - 200), a) + 1
    if text[r:r + 1] in (":", "=") or text[r:r + 2] == " :":
        # the next line starts with a key ("name: Radek|surname: ..."): a record, not a wrapped word; unless
        # the line before holds no key itself ("Derri|ck: hi", "... at Derri|ck: ...": a speaker, a name)
        line = text[line_start:a]
        return not (": " in line or "=" in line or line.rstrip().endswith(":"))
    if text[b:r] in _FUNCTION_WORDS:
        # "Laarm|an" alone on its line is the end of a word, "Garcia|and team" goes on as prose
        return a - line_start >= _WRAP_WIDTH or text[r:r + 1] in ("\n", "\r", "")
    return True


def _goes_on(text: str, s: int, e: int) -> bool:
    """A chain wrapped at a line break ("172.16.20|4.9"): the line-break edits read it whole."""
    after = text[e:e + 3].lstrip("\r")
    before = text[max(0, s - 3):s].rstrip("\r")
    return (after[:1] == "\n" and after[1:2].isalnum()) or (before[-1:] == "\n" and before[-2:-1].isalnum())


def _name_across(text: str, a: int, b: int) -> bool:
    """"Sue|Hague" with one blank beside the break: two capitalised words, neither a function word nor
    the second one a key ("Sue\n Phone: ...")."""
    if not (text[a - 1].isalpha() and text[b].isupper()):
        return False
    t = a - 1
    while t > 0 and a - t < 30 and text[t - 1].isalpha():
        t -= 1
    r = b + 1
    while r < len(text) and r - b < 30 and text[r].isalpha():
        r += 1
    first, second = text[t:a], text[b:r]
    if len(first) < 2 or len(second) < 2 or not (first[0].isupper() and first[1:].islower() and
                                                  second[1:].islower()):
        return False
    if t > 0 and text[t - 1].isalnum():
        return False
    # the sentence goes on after the name ("Hague concert", "Hague, who", "Hague."); an address block's
    # lines ("Brook|\n Suite 127", "Gardur|\n Iceland") and records ("Sue|\n Phone: ...") do not
    nxt = text[r:r + 3]
    line_start = text.rfind("\n", max(0, t - 200), t) + 1
    if text[line_start:line_start + 1] in (" ", "\t"):
        return False  # lines that start with a blank: an address block ("Longueuil|\n Canada for ...")
    if nxt[:1] in ("", "\n", "\r"):  # "By: Dexter|Laprise" at the end of a line, unless a block goes on
        return (text[r:r + 3].lstrip("\r")[1:2] not in (" ", "\t") and first.lower() not in _FUNCTION_WORDS
                and second.lower() not in _FUNCTION_WORDS)
    if not (nxt[:1] in (",", "!", "?", ";") or (nxt[:1] == " " and nxt[1:2].islower()) or (
            nxt[:1] == "." and (nxt[1:2] in ("", "\n") or (nxt[1:2] == " " and nxt[2:3].isupper())))):
        return False  # ("Apt. 12": an abbreviation, not the end of a sentence)
    return first.lower() not in _FUNCTION_WORDS and second.lower() not in _FUNCTION_WORDS


def _separated_groups(base: str, edits: list[Edit]) -> None:
    """Edits folding the separators of a digit-group chain to "-" ("415_555_0132", "536~22~5431",
    "GB95.GTQO.6912..."): each run of letters, digits and separators is looked at once, and only a run of
    at most 120 characters can hold a value. Chains of digits joined by "." or "/" (dates, IPv4 addresses,
    versions, and the phones and cards the number detector reads as they are) stay."""
    # one byte a character ("?" for each non-ASCII one), so byte offsets are text offsets
    shape = base.encode("ascii", "replace").translate(_SEP_MAP)
    if b"0s" not in shape and b"As0" not in shape and b"AA00t" not in shape:
        return
    done = -1
    for h in _SEP_SHAPE.finditer(shape):
        p = h.start()
        if p < done:
            continue
        end = _SEP_RUN.match(base, p).end()
        done = end
        t = p
        while t > 0 and p - t < 120 and (base[t - 1].isalnum() or base[t - 1] in _SEP_CHARS):
            t -= 1
        if end - t > 120 or (t > 0 and (base[t - 1].isalnum() or base[t - 1] in _SEP_CHARS)):
            continue
        m = _SEP_CHAIN.match(base, t)
        if m is None or m.end() <= p or _goes_on(base, m.start(), m.end()):
            continue
        sep = m.group(1)
        groups = m.group().split(sep)
        chars = "".join(groups)
        digits = sum(c.isdigit() for c in chars)
        if digits < 6 or 2 * digits < len(chars):
            continue
        if sep in "./":
            # digit groups joined by "." or "/" are read by the number detector itself (phones, cards, ids);
            # only an IBAN's letter groups need the fold ("GB95.GTQO.6912...")
            iban = len(groups[0]) == 4 and groups[0][:2].isalpha() and groups[0][2:].isdigit()
            if not iban or len(groups) < 3:
                continue
        k = m.start()
        for g in groups[:-1]:
            k += len(g)
            edits.append((k, k + 1, "-"))
            k += 1


def _spaced_runs(base: str) -> tuple[re.Pattern[str], ...]:
    """The spaced-run patterns worth a scan of `base`: blanks read " ", everything else "x" (a non-ASCII
    character is one "?" byte first) and gaps of two or three blanks squeezed to one, then C-level finds."""
    if " " not in base:
        return ()
    m = b" " + base.encode("ascii", "replace").translate(_BLANK_MAP) + b" "
    if b" x  x" in m:  # a wider gap between two single characters
        m = m.replace(b"  ", b" ").replace(b"  ", b" ")
    elif _SPACED3_HINT not in m:
        return ()
    if _SPACED_HINT in m:
        return (_SPACED, _SPACED3)
    return (_SPACED3,) if _SPACED3_HINT in m else ()


def _at_token_breaks(text: str, edits: list[Edit]) -> None:
    """Line breaks inside an e-mail address: after the '@' while the domain has no dot yet
    ("noor@exam\nple.com"), or before it where the previous line was wrapped by a program (a long line:
    a short one ending in a word is a word followed by an address on the next line)."""
    at = text.find("@")
    n = len(text)
    while at >= 0:
        if at == 0 or text[at - 1].isspace():  # no local part: no address ("@" alone, "@handle")
            at = text.find("@", at + 1)
            continue
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
