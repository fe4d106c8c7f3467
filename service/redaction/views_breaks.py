"""Shapes of a value on both sides of a line break, for the joined view (views_joined.py): a key broken
after its "-", a long identifier or an IBAN wrapped by a program, an IPv4 address or a "+" number cut in
two. Each test looks at a bounded stretch around the break (at most 64 characters each way).
"""

from __future__ import annotations

import re

def inside_a_key(text: str, a: int, b: int) -> bool:
    """"4F-Fo444Iu1-|FCGQJQ_Jp5Go...": a break after a "-" inside a long key of letters, digits, "-" and
    "_", with digits on both sides of the break."""
    t = a
    while t > 0 and a - t < 64 and (text[t - 1].isalnum() or text[t - 1] in "-_"):
        t -= 1
    r = b
    while r < len(text) and r - b < 64 and (text[r].isalnum() or text[r] in "-_"):
        r += 1
    left, right = text[t:a], text[b:r]
    return (len(left) >= 8 and len(right) >= 8 and left.isascii() and right.isascii()
            and any(c.isdigit() for c in left) and any(c.isdigit() for c in right)
            and any(c.isalpha() for c in left) and any(c.isalpha() for c in right))


_IBAN_HEAD = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}[A-Z0-9]{0,29}")
_IBAN_WHOLE = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")


def _iban_across(text: str, a: int, b: int) -> bool:
    """"GB05S|HSG9627...": an IBAN's head before the break and its rest after it make one IBAN."""
    m = _IBAN_HEAD.search(text, max(0, a - 33), a)
    if m is None or m.end() != a:
        return False
    r = b
    while r < len(text) and r - b < 32 and text[r].isalnum():
        r += 1
    return _IBAN_WHOLE.fullmatch(m.group() + text[b:r]) is not None


def inside_an_id(text: str, a: int, b: int) -> bool:
    """A break inside a long identifier (an IBAN, a wallet address, a key): at least 8 letters and digits
    before it with a digit among them, a run with a digit after it, nothing but those on either side."""
    if a < 8 or not text[a - 8:a].isalnum():
        return _iban_across(text, a, b)
    t = a
    while t > 0 and a - t < 64 and text[t - 1].isalnum():
        t -= 1
    r = b
    while r < len(text) and r - b < 64 and text[r].isalnum():
        r += 1
    left, right = text[t:a], text[b:r]
    return (not left.isalpha() and not right.isalpha() and right.isascii() and left.isascii()
            and (t == 0 or not text[t - 1] in "-_/.") and not (left.isdigit() and right.isdigit()))


def dotted_quad(text: str, a: int, b: int) -> bool:
    """"21.150.2|41.237", "14|8.230.189.195": the two halves make one IPv4 address."""
    t = a
    while t > 0 and a - t < 16 and (text[t - 1].isdigit() or text[t - 1] == "."):
        t -= 1
    r = b
    while r < len(text) and r - b < 16 and (text[r].isdigit() or text[r] == "."):
        r += 1
    return _QUAD.fullmatch(text[t:a] + text[b:r]) is not None


def after_plus(text: str, a: int) -> bool:
    """"+354 0|66 7133": the digits before the break belong to a number written with its "+" prefix."""
    t = a
    while t > 0 and a - t < 20 and text[t - 1] in "0123456789 ()-.":
        t -= 1
    return t > 0 and text[t - 1] == "+" and sum(c.isdigit() for c in text[t:a]) >= 3


_QUAD = re.compile(r"(?:\d{1,3}\.){3}\d{1,3}")


def joiner(text: str, a: int, b: int) -> str:
    """What a line break text[a:b] inside one value reads as: nothing ("impleme|ntation", "Davide |Carda"
    keeps its own blank), or a blank between two words of letters, the second capitalised ("Ann|Lee";
    not inside a token such as "1puOTw...5bs|JZem...")."""
    if not (0 < a and b < len(text) and text[a - 1].islower() and text[b].isupper()):
        return ""
    t = a - 1
    while t > 0 and a - t < 40 and text[t - 1].isalpha():
        t -= 1
    if t > 0 and text[t - 1].isalnum():
        return ""
    r = b + 1
    while r < len(text) and r - b < 40 and text[r].isalpha():
        r += 1
    return " " if text[b + 1:r].islower() and not (r < len(text) and text[r].isdigit()) else ""


# -- a value wrapped inside a field ------------------------------------------------------------------
# A record's structure says where a field ends, so a line break before that end is inside the value,
# whatever the characters around it: a double-quoted string still open at the end of its line (a JSON or
# CSV field; a raw line break cannot be part of a JSON string), an element's text that closes on the next
# line ("<dob>14/02|/1989</dob>"), or a "key: value" line whose next line holds no key and is followed by
# another key, a blank line or the end ("api_key: uC9f...|FLe", "[11:28] Ann: +86 |584-3953..."). The line
# break goes (a quoted-printable "=" before it too), blanks beside it stay.

_MAX_TAIL = 80  # a continuation line longer than this, or of more than five words, is text of its own
_TAIL_BLANKS = 4
_NOT_TAIL_START = frozenset("-*#[{}<|>")


# a key ends in "=" (not "=="), in a ":" after a word of letters ("N:", "EMAIL:x@...") or in a ":" not
# followed by a letter or digit ("ADR;TYPE=home:;;"); not the ":" of "10:45", "28:c4:fc" or "be9d:cb"
_KEY_SEP = re.compile(r"(?<!\w)[^\W\d_]+:|:(?![^\W_])|(?<![=!<>])=(?!=)")


def _key_at(line: str) -> int:
    """Position of the ":" or "=" ending a key in the first 40 characters of `line` (-1 if none)."""
    m = _KEY_SEP.search(line, 0, 41)
    return -1 if m is None else m.end() - 1


def _keyed(line: str) -> bool:
    p = _key_at(line)
    return p > 0 and not line[p + 1:].isspace() and len(line) > p + 1


def _tail(line: str, prev: str) -> bool:
    """A short line with no key of its own, not opening the way `prev` does (log lines open alike: "Jun 3
    10:01:56 ..."): the rest of the previous line's value."""
    s = line.strip()
    return bool(s) and len(s) <= _MAX_TAIL and s[0] not in _NOT_TAIL_START and s.count(" ") <= _TAIL_BLANKS and (
        _key_at(s) < 0) and (line[:3] != prev[:3] or line[:3].isspace())


def _odd_quotes(line: str) -> bool:
    return (line.count('"') - line.count('\\"')) % 2 == 1


def _field_opens(line: str) -> bool:
    """The line's last double quote opens a field: at the line's start or after ":", ",", "=", "[", "{", "(" or
    a tab (JSON, CSV; not a quotation in prose, 'the "a op1 b|..."')."""
    q = line.rfind('"')
    head = line[:q].rstrip(" ")
    return not head or head[-1] in ":,=[{(\t"


def _field_closes(line: str) -> bool:
    """The line's first double quote closes a field: followed by ",", "}", "]", ")", ";", a tab or the end."""
    q = line.find('"')
    rest = line[q + 1:].lstrip(" ")
    return not rest or rest[0] in ",}]);\t"


def _element_open(line: str) -> bool:
    gt = line.rfind(">")
    return gt >= 0 and gt > line.rfind("<") and not line[gt + 1:].isspace() and gt + 1 < len(line)


def _element_close(line: str) -> bool:
    lt = line.find("<")
    return lt > 0 and line.startswith("</", lt) and not line[:lt].isspace() and line.find(">", 0, lt) < 0


def _next_opens_a_line(tail: str, after: str) -> bool:
    """The line after a tail is blank, absent or holds a key, and does not go on with a tail that is one word
    ("Me: hi\nAmo|na: ..." is a speaker's name broken in two, not a message's tail)."""
    if not after.strip():
        return True
    if not (":" in after[:40] or "=" in after[:40]):
        return False
    return not (tail.isalpha() and after[:1].islower())


def field_breaks(text: str) -> list[tuple[int, int, str]]:
    """Edits removing the line breaks inside a field (see above); linear in the text."""
    quotes = '"' in text
    tags = "</" in text
    keys = ":" in text or "=" in text
    if not (quotes or tags or keys):
        return []
    lines = text.split("\n")
    if "\r" in text:
        lines = [ln.rstrip("\r") for ln in lines]
        raw = text.split("\n")
    else:
        raw = lines
    edits = []
    pos = -1  # position of the line break after lines[k]
    for k in range(len(lines) - 1):
        pos += len(raw[k]) + 1
        line, nxt = lines[k], lines[k + 1]
        if not line or not nxt:
            continue
        # cheap tests on the next line first: most lines are none of the three shapes' second half
        if not ((quotes and '"' in nxt and '"' in line and _odd_quotes(line) and _odd_quotes(nxt)
                 and _field_opens(line) and _field_closes(nxt))
                or (tags and "</" in nxt and _element_close(nxt) and _element_open(line))
                or (keys and len(nxt) <= _MAX_TAIL + 8 and (nxt.count(" ") <= _TAIL_BLANKS or nxt[0] == " ")
                    and (":" in line[:41] or "=" in line[:41]) and _tail(nxt, line) and _keyed(line)
                    and _next_opens_a_line(nxt, lines[k + 2] if k + 2 < len(lines) else ""))):
            continue
        bs = pos - (len(raw[k]) - len(line))  # the "\r" before the break goes too
        if line.endswith("=") and len(line) > 1 and not line[-2].isspace() and _key_at(line) != len(line) - 1:
            bs -= 1  # a quoted-printable soft break
        edits.append((bs, pos + 1, joiner(text, bs, pos + 1)))
    return edits


# -- a sentence broken once --------------------------------------------------------------------------
# A paragraph of two lines whose first line is prose (three words or more) that stops without punctuation
# before a letter or digit: one sentence wrapped once, often inside its value ("on 2625|\n Petunia Way",
# "north side of Μυκόνου|\n 241", "answering at 0389 0|\n506426"). The line break goes where a blank beside
# it stays, or between two digits; a break between two letters with nothing beside it is a word's own
# ("Mati|as") and is the joined view's other rules' to judge.

def sentence_breaks(text: str) -> list[tuple[int, int, str]]:
    """Edits removing the line break of each two-line paragraph that is one sentence (see above)."""
    if text.count("\n") > 1 and "\n\n" not in text and "\n\r\n" not in text:
        return []  # one paragraph of three lines or more (a line of blanks between two is not looked for)
    lines = text.split("\n")
    edits = []
    pos = -1
    for k in range(len(lines) - 1):
        pos += len(lines[k]) + 1
        if k > 0 and lines[k - 1].strip():
            continue  # not the paragraph's first line
        if k + 2 < len(lines) and lines[k + 2].strip():
            continue  # the paragraph goes on
        line = lines[k].rstrip("\r")
        left = line.rstrip(" \t")
        nxt = lines[k + 1].rstrip("\r")
        right = nxt.lstrip(" \t")
        if (not left or not right or not left[-1].isalnum() or not right[0].isalnum() or left[0] in " \t"
                or left.count(" ") < 2):
            continue
        if left == line and right == nxt and not (left[-1].isdigit() and right[0].isdigit()):
            continue
        edits.append((pos - (len(lines[k]) - len(line)), pos + 1, ""))
    return edits
