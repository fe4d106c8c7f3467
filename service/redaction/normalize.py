"""The normalised view that detection runs on, and the offset map back to the input.

Threat model: a sender hides a value from pattern matching with look-alike or invisible characters,
percent-encoding, HTML entities, or defanged/spelled-out separators (`[at]`, `(dot)`, ` at `/` dot `).
Detection runs on a folded view; every character of the view records the span of input characters it
came from, so a span found in the view maps to the WHOLE obfuscated stretch of the input.

Invariants: `to_original(s, e)` always returns 0 <= start < end <= len(input) for 0 <= s < e <= len(view);
the fast path (plain printable ASCII with nothing to decode) returns the input itself and an identity map
without any per-character Python work. Normalisation never raises on any `str`, lone surrogates included.

Fast path, and why it cannot let an obfuscation through: an ASCII text has no look-alike, invisible or
fullwidth character to fold, so only three things can change it: control characters, %XX/&entity;
escapes and defanged or spelled-out separators. One `bytes.translate` deletes every byte that is none of
these; an empty remainder proves there is no control character and no '%' or '&' (escapes are then
impossible), a remainder of only '%'/'&' still runs the escape regex. Separators are looked for only
behind necessary conditions: " at "/" dot " (any case) in the lower-cased text for the spelled forms,
and, for the bracketed forms, the same shape on a byte map that folds every bracket to one character
(see `_defang_edits`); when a condition holds, the full search runs exactly as before.
"""

from __future__ import annotations

import html.entities
import re
import unicodedata

from service.redaction.offsets import OffsetMap, apply_edits

# Look-alike letters that NFKC leaves alone (Unicode confusables, Latin targets only).
_CONFUSABLES = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w",
    "һ": "h", "ӏ": "l", "ɡ": "g", "ո": "n", "ս": "u", "ց": "g",
    "А": "A", "В": "B", "Е": "E", "Ё": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ї": "I", "Ј": "J", "Ԛ": "Q", "Ԝ": "W", "Һ": "H",
    "Ӏ": "l", "Ү": "Y", "ү": "y", "Ғ": "F", "Ь": "b", "З": "3", "б": "6",
    # Greek
    "α": "a", "β": "b", "γ": "y", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "ω": "w", "ϲ": "c", "ϳ": "j",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "Ϲ": "C",
    # Latin and symbols
    "ı": "i", "ȷ": "j", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ħ": "h", "ß": "ss",
    "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "T", "ð": "d", "Ð": "D",
    "＠": "@", "﹫": "@", "．": ".", "。": ".", "｡": ".", "․": ".", "‧": ".", "·": ".", "•": ".",
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-", "⁃": "-",
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "“": '"', "”": '"', "„": '"',
    " ": " ", " ": " ", " ": " ", "\u2028": "\n", "\u2029": "\n",
}

# Control characters that force the general path (the fast path tests for them as bytes, _PLAIN_BYTES).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ESCAPES = re.compile(r"%[0-9A-Fa-f]{2}|&#?[A-Za-z0-9]{2,8};")
_BRACKET_DEFANG = re.compile(r"[\[\(\{<][ \t]*(?:(at|AT|At|@)|dot|DOT|Dot|\.)[ \t]*[\]\)\}>]")
_SPELLED_AT = re.compile(
    r"\s+(?:at|AT|At)\s+(?=[A-Za-z0-9][A-Za-z0-9-]*(?:\s*\.\s*|\s+(?:dot|DOT|Dot)\s+)[A-Za-z]{2,})"
)
_SPELLED_DOT = re.compile(r"\s+(?:dot|DOT|Dot)\s+(?=[A-Za-z0-9<])")  # "<": a placeholder that replaced a word

_char_cache: dict[str, str] = {}


def fold_char(ch: str) -> str:
    """The ASCII-ish replacement of one character ('' for invisible ones)."""
    out = _char_cache.get(ch)
    if out is not None:
        return out
    cat = unicodedata.category(ch)
    if cat in ("Cf", "Cc", "Cs", "Co", "Cn", "Mn", "Me", "Zl", "Zp"):
        out = "" if ch not in "\u2028\u2029" else "\n"
    elif ch in _CONFUSABLES:
        out = _CONFUSABLES[ch]
    else:
        nk = unicodedata.normalize("NFKC", ch)
        parts = []
        for c in nk:
            if c.isascii():
                parts.append(c)
            elif c in _CONFUSABLES:
                parts.append(_CONFUSABLES[c])
            else:
                decomposed = unicodedata.normalize("NFKD", c)
                base = "".join(d for d in decomposed if not unicodedata.combining(d))
                if base.isascii() and base:
                    parts.append(base)
                elif unicodedata.category(c).startswith("Z"):
                    parts.append(" ")
                else:
                    parts.append(c)
        out = "".join(parts)
        if cat.startswith("Z") and not out.strip():
            out = " "
    if len(_char_cache) < 50_000:
        _char_cache[ch] = out
    return out


# Look-alikes that are letters of a script of their own (Cyrillic, Greek, Armenian). A run of such letters
# that also holds a letter with no Latin look-alike ("и", "д", "Π") is a word of that script: its letters
# are left as they are, so "Зинаида" stays a capitalised name instead of reading "3иhaидa". A run made
# only of look-alikes ("Рaypal", "Јо" inside "Јоhn") is the homoglyph attack and is folded.
_SCRIPT_LOOKALIKES = frozenset(
    c for c in _CONFUSABLES if c.isalpha() and unicodedata.name(c, "").startswith(("CYRILLIC", "GREEK", "ARMENIAN")))
_LETTER_TO_DIGIT = frozenset(c for c in _SCRIPT_LOOKALIKES if _CONFUSABLES[c].isdigit())
_own_letter_cache: dict[str, bool] = {}


def _own_script_letter(ch: str) -> bool:
    """A letter of a non-Latin script that no fold turns into ASCII ("и", "Π", "東")."""
    own = _own_letter_cache.get(ch)
    if own is None:
        own = ch.isalpha() and not ch.isascii() and ch not in _CONFUSABLES and fold_char(ch) == ch
        if len(_own_letter_cache) < 50_000:
            _own_letter_cache[ch] = own
    return own


def fold_run(run: str) -> str:
    """Fold a run of non-ASCII characters (see _SCRIPT_LOOKALIKES for the letters a word keeps)."""
    folded = "".join([fold_char(ch) for ch in run])
    if folded == run or not any(ch in _SCRIPT_LOOKALIKES for ch in run):
        return folded
    if not any(_own_script_letter(ch) for ch in run) and not (
            any(ch in _LETTER_TO_DIGIT for ch in run) and any(c.isalpha() for c in folded)):
        return folded  # (a letter read as a digit next to letters, "Сбруев" -> "C6pyeb", is a word, not a number)
    return "".join([ch if ch in _SCRIPT_LOOKALIKES else fold_char(ch) for ch in run])


def _decode_entity(tok: str) -> str | None:
    body = tok[1:].rstrip(";")
    if body.startswith("#"):
        try:
            cp = int(body[2:], 16) if body[1:2] in ("x", "X") else int(body[1:])
        except ValueError:
            return None
        if 0 < cp < 0x110000:
            return chr(cp)
        return None
    if not tok.endswith(";"):
        return None
    return html.entities.html5.get(body + ";")


class NormalizedText:
    """`text` is the view; `to_original` maps a view span to the input span it came from."""

    __slots__ = ("text", "original", "maps")

    def __init__(self, text: str, original: str, maps: list[OffsetMap] | None = None):
        self.text = text
        self.original = original
        self.maps = maps or []

    @property
    def is_identity(self) -> bool:
        return not self.maps

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        for m in reversed(self.maps):
            start, end = m.span(start, end)
        return start, end

    def __repr__(self) -> str:
        return f"NormalizedText(len={len(self.text)}, identity={not self.maps})"


def _pass1_repl(m: re.Match[str]) -> str | None:
    tok = m.group()
    if tok[0] == "%":
        cp = int(tok[1:], 16)
        if 0x20 <= cp < 0x7F:
            return chr(cp)
        return None
    if tok[0] == "&":
        dec = _decode_entity(tok)
        if dec is None:
            return None
        return "".join(fold_char(c) if not ("\x20" <= c < "\x7f") else c for c in dec)
    out = "".join([fold_char(c) for c in tok]) if len(tok) > 1 else fold_char(tok)
    return None if out == tok else out


# A middle dot or a bullet between two digits separates digit groups ("415·555·0132", "60•658•46•44"):
# it folds to "-", since a "." there reads as a decimal point or a version and hides the phone or card.
# An IPv4 address written with them ("192·168·1·10") keeps its dots.
_DIGIT_SEPARATORS = frozenset("\u00b7\u2022")
_QUAD_AROUND = re.compile(r"(?<![0-9.\u00b7\u2022])\d{1,3}(?:[.\u00b7\u2022]\d{1,3}){3}(?![0-9.\u00b7\u2022])")


def _between_digit_groups(text: str, i: int) -> bool:
    """text[i] (a middle dot or bullet) stands between two ASCII digits, outside an IPv4 address."""
    if not (0 < i < len(text) - 1 and "0" <= text[i - 1] <= "9" and "0" <= text[i + 1] <= "9"):
        return False
    t = i
    while t > 0 and i - t < 16 and (text[t - 1] in "0123456789.\u00b7\u2022"):
        t -= 1
    return _QUAD_AROUND.match(text, t) is None


_P1_SCAN = re.compile(r"[^\t\n\r\x20-\x24\x27-\x7e]+")
_ESC_AT = re.compile(r"%[0-9A-Fa-f]{2}|&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,30});?")


def _pass1(text: str) -> tuple[str, OffsetMap] | None:
    """Fold runs of non-ASCII/control characters and decode %XX and &entities; in one scan."""
    edits: list[tuple[int, int, str]] = []
    pos = 0  # end of the last edit (an escape may reach past its run)
    cache = _char_cache
    for m in _P1_SCAN.finditer(text):
        rs, re_ = m.span()
        run = m.group()
        if "%" not in run and "&" not in run:
            # the common case, a run of non-ASCII or control characters: fold it whole
            r = cache.get(run) if len(run) == 1 else None
            if run in _DIGIT_SEPARATORS and _between_digit_groups(text, rs):
                r = "-"
            elif r is None:
                r = fold_run(run)
            if r != run:
                edits.append((rs, re_, r))
                pos = re_
            continue
        i = max(rs, pos)
        while i < re_:
            c = text[i]
            if c == "%" or c == "&":
                em = _ESC_AT.match(text, i)
                r = _pass1_repl(em) if em is not None else None
                if r is None:
                    i += 1
                    continue
                edits.append((i, em.end(), r))
                i = pos = em.end()
                continue
            j = i + 1
            while j < re_ and text[j] not in "%&":
                j += 1
            chunk = text[i:j]
            r = fold_run(chunk)
            if r != chunk:
                edits.append((i, j, r))
                pos = j
            i = j
    if not edits:
        return None
    folded, omap, _ = apply_edits(text, edits, same_length_copies=True)
    return folded, omap


_NOT_LOCAL = frozenset(
    "is are was were be been me us him her them it you we they i located available hosted found live online "
    "up here there now site page also only again back both or and email mail write contact reach find visit "
    "see look meet arrive arrived stay stayed work works working based login log sign signed".split()
)


def _not_local_part(text: str, i: int) -> bool:
    """True when the word before ' at ' reads as prose ("the panel is at example.com"), or the
    address after it is a web address (www., scheme)."""
    j = i
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] in "._-+"):
        j -= 1
    local = text[j:i]
    if local.lower() in _NOT_LOCAL or not any(c.isalpha() for c in local):
        return True  # "5432 at TCPConnectWrapper...": a port, not a mailbox
    k2 = i + 4
    while k2 < len(text) and text[k2] in " \t":
        k2 += 1
    e2 = k2
    while e2 < len(text) and not text[e2].isspace():
        e2 += 1
    word = text[k2:e2]
    if "@" in word:
        return True  # "Maria at maria@example.org": the address follows; joining them would split it
    if any(a.islower() and b.isupper() for a, b in zip(word, word[1:])):
        return True  # camelCase after "at": code (stack traces), not a domain
    k = i + 4
    while k < len(text) and text[k] in " \t":
        k += 1
    return text[k:k + 4].lower() == "www." or "://" in text[k:k + 12]


# For ASCII texts: brackets fold to "(" and ")", blanks to " ", the letters of at/dot to lower case and
# everything else to "~", so `_BRACKET_HINT` finds a superset of `_BRACKET_DEFANG`'s matches (it also
# takes "aT" or mismatched brackets) while searching for one literal byte.
def _bracket_map() -> bytes:
    table = bytearray(b"~" * 256)
    for chars, to in (("[({<", "("), ("])}>", ")"), (" \t", " "), ("aA", "a"), ("tT", "t"), ("dD", "d"),
                      ("oO", "o"), ("@", "@"), (".", ".")):
        for c in chars:
            table[ord(c)] = ord(to)
    return bytes(table)


_BRACKET_MAP = _bracket_map()
_BRACKET_HINT = re.compile(rb"\( *(?:at|@|dot|\.) *\)")


def _defang_edits(text: str) -> list[tuple[int, int, str]]:
    """Spans of defanged/spelled-out separators and their replacement ('@' or '.')."""
    edits: list[tuple[int, int, str]] = []
    if ("[" in text or "(" in text or "{" in text or "<" in text) and (
            not text.isascii() or _BRACKET_HINT.search(text.encode("ascii").translate(_BRACKET_MAP))):
        for m in _BRACKET_DEFANG.finditer(text):
            s, e = m.span()
            while s > 0 and text[s - 1] in " \t":
                s -= 1
            while e < len(text) and text[e] in " \t":
                e += 1
            edits.append((s, e, "@" if m.group(1) else "."))
    low = text.lower() if (" " in text) else ""
    for words, pat, rep in (((" at ", " AT ", " At "), _SPELLED_AT, "@"),
                            ((" dot ", " DOT ", " Dot "), _SPELLED_DOT, ".")):
        if words[0] not in low:
            continue  # none of the three spellings occurs
        for w in words:
            i = text.find(w)
            while i >= 0:
                if i and (text[i - 1].isalnum() or text[i - 1] == ">") and (
                        rep == "." or not _not_local_part(text, i)):
                    m = pat.match(text, i)
                    if m is not None:
                        edits.append((m.start(), m.end(), rep))
                i = text.find(w, i + 2)
    if len(edits) > 1:
        edits.sort()
        merged = [edits[0]]
        for e in edits[1:]:
            if e[0] >= merged[-1][1]:
                merged.append(e)
        edits = merged
    return edits


# Printable ASCII, tab and line breaks, except '%' and '&' (which may start an escape).
_PLAIN_BYTES = bytes(c for c in range(0x20, 0x7F) if c not in b"%&") + b"\t\n\r"


def normalize(text: str) -> NormalizedText:
    edits = None
    if text.isascii():
        odd = text.encode("ascii").translate(None, _PLAIN_BYTES)  # control characters, '%' and '&'
        if not odd or (not odd.translate(None, b"%&") and not _ESCAPES.search(text)):
            edits = _defang_edits(text)
            if not edits:
                return NormalizedText(text, text)
    cur = text
    maps: list[OffsetMap] = []
    if edits is None:
        for _ in range(2):  # twice, for double encodings such as %2540 or &amp;#64;
            r = _pass1(cur)
            if r is None:
                break
            cur, omap = r
            maps.append(omap)
            if ("%" not in cur and "&" not in cur) or not _ESCAPES.search(cur):
                break
        edits = _defang_edits(cur)
    if edits:
        cur, omap, _ = apply_edits(cur, edits)
        maps.append(omap)
    return NormalizedText(cur, text, maps)
