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
