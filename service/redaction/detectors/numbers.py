"""Digit-run family: CREDIT_CARD, US_SSN, PHONE_NUMBER (one scan, dispatched by digit count) and IBAN_CODE.

One regex finds runs of digits with any separators (spaces, dots, dashes, slashes, brackets, line
breaks); each run is compacted and handed to the validators that fit its length. Runs that hold more
than one value ("call 415 555 2671 4 times") are split at separator boundaries and retried.
Look-alikes left alone: dates and timestamps, version strings, order/invoice/ISBN numbers (negative
context), Luhn and mod-97 failures, SSNs in unassigned ranges, numbers phonenumbers calls invalid.
Speed: in an ASCII view the digit-run scan and the IBAN/NINO hint scan run on the shape map
(base.SHAPE: digits read "0", capitals "A"), where the same spans are found with a literal-first
pattern; a negative context is checked before the (dearer) phone context it overrides.
"""

from __future__ import annotations

import re

import phonenumbers

from service.redaction.detectors.base import Candidate, Recognizer, ScanContext
from service.redaction.detectors.national import NINO_RE
from service.redaction.detectors.phones import valid_for_region, valid_number
from service.redaction.detectors.validators import IBAN_LENGTHS, credit_card_ok, iban_ok, ssn_ok

_SEP = r"(?:[ \t.\-/()]{1,3}|[ \t]*\r?\n[ \t]*)"
_EXT_RE = re.compile(r"[ \t]*(?:,[ \t]*)?(?:ext\.?|extension|x|#)[ \t]*\d{1,6}(?!\w)", re.IGNORECASE)
_DATE_RE = re.compile(
    r"^\(?(?:(?:19|20)\d\d[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.](?:19|20)\d\d)(?:$|[ T])"
)
_SSN_SHAPE = re.compile(r"^\d{3}([- .])\d{2}\1\d{4}$")

PHONE_CONTEXT = (
    "phone", "tel", "call", "mobile", "cell", "fax", "whatsapp", "text me", "contact", "reach",
    "dial", "sms", "ring", "my number", "number is", "numero", "nummer", "número", "or on", "telefon", "telephone", "telefono", "handy", "portable", "movil",
    "landline", "hotline", "voicemail", "signal",
)
SSN_CONTEXT = ("ssn", "social security", "social sec", "soc sec", "ss#", "ss #", "tin", "taxpayer")
_WORD = re.compile(r"(?<![a-z0-9_])[a-z]+(?![a-z0-9_])")  # whole words only: "call000" is no "call"
_CARD_CTX = re.compile(r"\b(?:card|visa|cc|credit|debit|pan|mastercard|amex)\b")
_PHONE_WORDS = frozenset(w for w in PHONE_CONTEXT if " " not in w)
_PHONE_PHRASES = tuple(w for w in PHONE_CONTEXT if " " in w)
_SSN_WORDS = frozenset(w for w in SSN_CONTEXT if " " not in w and "#" not in w)
_SSN_PHRASES = tuple(w for w in SSN_CONTEXT if " " in w or "#" in w)
_NEG_WORDS = frozenset(
    "order invoice inv ref reference tracking isbn issn ticket sku serial part model build version ver issue "
    "commit lot batch receipt transaction txn confirmation booking po item product case pid port epoch "
    "timestamp unix ms ns seconds bytes size count total qty quantity".split()
)
_GENERIC_NEG = frozenset("id no nr num".split())


class _Before:
    """Words just before a value, computed once per candidate (sets, not regex scans); the word set is
    built only when a phone or SSN context test asks for it."""

    __slots__ = ("text", "_words", "last")

    def __init__(self, ctx: ScanContext, start: int):
        before = ctx.context_before(start, 160)
        # the last eight whitespace-separated tokens: a window that a redacted value (one token in,
        # one placeholder out) does not shift, so a second pass over redacted text sees the same words
        # (tokens over 40 characters are blobs, not prose: ignored in both passes). A window cut in
        # the middle of a token drops that token; it only matters when the window holds 8 or fewer.
        parts = before.rsplit(None, 8)  # the last 8 tokens and (if more) the rest as the first item
        if len(parts) == 9:
            parts = parts[1:]
        elif start > 160 and not ctx.lower[start - 161].isspace():
            if len(parts) < 2:
                before = ""  # cut token
            parts = parts[1:]
        toks = [t for t in parts if len(t) <= 40]
        if before[-1:].isspace() or not toks:
            toks.append("")
        self.text = " ".join(toks)
        self._words: set[str] | None = None
        tail = _WORD.findall(" ".join(toks[-3:]))
        self.last = tail[-2:]

    @property
    def words(self) -> set[str]:
        if self._words is None:
            self._words = set(_WORD.findall(self.text))
        return self._words

    def phone(self) -> bool:
        return not self.words.isdisjoint(_PHONE_WORDS) or any(p in self.text for p in _PHONE_PHRASES)

    def ssn(self) -> bool:
        return not self.words.isdisjoint(_SSN_WORDS) or any(p in self.text for p in _SSN_PHRASES)

    def negative(self) -> bool:
        return any(w in _NEG_WORDS for w in self.last)

    def generic_negative(self) -> bool:
        t = self.text.rstrip(" \t:=")
        return t.endswith("#") or (bool(self.last) and self.last[-1] in _GENERIC_NEG)
NEGATIVE_CONTEXT = re.compile(
    r"\b(?:order|invoice|inv|ref|reference|tracking|isbn|issn|ticket|sku|serial|part|model|build|version|"
    r"ver|issue|commit|lot|batch|receipt|transaction|txn|confirmation|booking|po|item|product|case|"
    r"pid|port|epoch|timestamp|unix|ms|ns|seconds|bytes|size|count|total|qty|quantity)"
    r"\s*(?:number|no\.?|num|nr|id|#)?\s*[:#=]?\s*$"
)
_GENERIC_NEGATIVE = re.compile(r"(?:\bid|\bno\.?|\bnr\.?|#)\s*[:=]?\s*$")
_NATIONAL0_REGIONS = ("GB", "DE", "FR", "NL", "AU", "IN", "IT", "JP", "BR", "CH", "AT", "BE", "IE", "SE")
_OTHER_REGIONS = ("ES", "PT", "IT", "PL", "DK", "NO", "CH", "BE", "MX", "CN", "SG")


_CONTEXT_REGIONS = ("GB", "DE", "FR", "BR", "MX", "IN", "ES", "IT", "NL", "AU", "CN", "JP", "PT", "PL",
                    "CH", "AT", "BE", "SE", "DK", "NO", "AR", "CO", "ZA", "NG", "SG", "IE", "TR", "RU")
_F = phonenumbers.PhoneNumberFormat


def _groups(s: str) -> list[int]:
    return [len(g) for g in _NONDIGIT.split(s) if g]


def _region_lengths() -> dict[str, tuple[frozenset[int], str | None]]:
    out = {}
    for r in set(_NATIONAL0_REGIONS) | set(_CONTEXT_REGIONS) | {"US", "CA"}:
        md = phonenumbers.PhoneMetadata.metadata_for_region(r)
        if md is not None:
            out[r] = (frozenset(md.general_desc.possible_length), md.national_prefix)
    return out


_REGION_LEN = _region_lengths()


def _length_fits(digits: str, region: str) -> bool:
    """Cheap pre-check: can `digits`, written nationally in `region`, have a possible length there?"""
    lengths, prefix = _REGION_LEN.get(region, (frozenset(), None))
    n = len(digits)
    if n in lengths:
        return True
    return bool(prefix) and digits.startswith(prefix) and (n - len(prefix)) in lengths


def _nanp_valid(digits: str) -> bool:
    """US/Canada without phonenumbers.parse (the common case, built directly)."""
    if len(digits) == 11:
        digits = digits[1:]
    num = phonenumbers.PhoneNumber(country_code=1, national_number=int(digits))
    return valid_for_region(num, "US") or valid_for_region(num, "CA")


_CC_REGIONS = phonenumbers.COUNTRY_CODE_TO_REGION_CODE
_SIMPLE_TRUNK0 = frozenset({"GB", "DE", "FR", "NL", "AU", "IN", "CH", "AT", "BE", "IE", "SE", "DK", "NO", "PL",
                            "ES", "PT", "TR", "ZA", "NG"})


def _intl_valid(digits: str) -> bool:
    """'+' + digits, validated by phonenumbers without its (slow) parse: the country calling code is
    the 1-3 digit prefix phonenumbers knows, the rest is the national significant number."""
    for k in (1, 2, 3):
        cc = int(digits[:k])
        if cc in _CC_REGIONS:
            rest = digits[k:]
            if not rest or len(rest) > 17:
                return False
            num = phonenumbers.PhoneNumber(country_code=cc, national_number=int(rest))
            if cc == 1 and len(rest) == 10 and (valid_for_region(num, "US") or valid_for_region(num, "CA")):
                return True  # skips the walk over all 25 NANP regions for the common case
            if rest[0] == "0":
                num.italian_leading_zero = True
                zeros = len(rest) - len(rest.lstrip("0"))
                if zeros > 1:
                    num.number_of_leading_zeros = zeros
            return valid_number(num)
    return False


def _national_num(digits: str, region: str):
    """PhoneNumber for a national-format number, built directly where the trunk prefix is a plain 0."""
    cc = phonenumbers.country_code_for_region(region)
    if region in _SIMPLE_TRUNK0 and digits[0] == "0" and len(digits) > 1 and digits[1] != "0":
        return phonenumbers.PhoneNumber(country_code=cc, national_number=int(digits[1:]))
    if region in _SIMPLE_TRUNK0 and digits[0] != "0" and region in ("ES", "PT", "DK", "NO", "PL"):
        return phonenumbers.PhoneNumber(country_code=cc, national_number=int(digits))
    return phonenumbers.parse(digits, region)


def _phone_valid(raw: str, digits: str, has_context: bool) -> bool:
    """phonenumbers validation; without phone context a national number must also be grouped the way
    its country writes it (so '7379 1843 85' after a bank reference is not a US phone)."""
    try:
        if raw.lstrip("(").startswith("+"):
            return _intl_valid(digits)
        if digits.startswith("00") and len(digits) > 9:
            return _intl_valid(digits[2:])
        g = _groups(raw)
        spaced_out = len(g) > 3 and max(g) <= 2  # "4 1 5 5 5 5 2 6 7 1": deliberate obfuscation
        n = len(digits)
        if (n == 10 and digits[0] in _US_DIGIT and digits[3] in _US_DIGIT) or (
                n == 11 and digits[0] == "1" and digits[1] in _US_DIGIT and digits[4] in _US_DIGIT):
            if _nanp_valid(digits):
                if has_context or spaced_out or len(g) == 1 or g in ([3, 3, 4], [1, 3, 3, 4]):
                    return True
        regions = (_NATIONAL0_REGIONS if digits[0] == "0" else ()) + (_CONTEXT_REGIONS if has_context else ())
        for region in regions:
            if not _length_fits(digits, region):
                continue
            num = _national_num(digits, region)
            if not valid_for_region(num, region):
                continue
            if has_context or spaced_out or len(g) == 1:
                return True
            if g == _groups(phonenumbers.format_number(num, _F.NATIONAL)):
                return True
        if has_context and not digits.startswith("0"):
            # "phone: 4930120796" — an international number written without its '+'
            return _intl_valid(digits)
    except (phonenumbers.NumberParseException, ValueError):
        return False
    return False


def _is_versionish(raw: str) -> bool:
    """1.2.3.4 / 10.0.19045.2965: dot-only runs that start with a short group are versions, not phones
    (415.555.2671 keeps its 3-3-4 shape)."""
    if "." not in raw or any(not c.isdigit() and c != "." for c in raw):
        return False
    groups = raw.split(".")
    return 3 <= len(groups) <= 5 and (len(groups[0]) <= 2 or min(len(g) for g in groups) == 1)


_NONDIGIT = re.compile(r"\D+")
_NOT_ASCII_DIGIT = bytes(c for c in range(128) if not 48 <= c <= 57)
_US_DIGIT = "23456789"


def _plausible(digits: str, n: int) -> bool:
    """Cheap shape test before phonenumbers is asked (national formats only)."""
    if n == 10:
        return (digits[0] in _US_DIGIT and digits[3] in _US_DIGIT) or (digits[0] == "0" and digits[1] != "0")
    if n == 11:
        return (digits[0] == "1" and digits[1] in _US_DIGIT and digits[4] in _US_DIGIT) or (
            digits[0] == "0" and digits[1] != "0")
    if digits[0] == "0":
        return digits[1] != "0" and 8 <= n <= 13
    return n == 9


def classify(raw: str, ctx: ScanContext, start: int) -> tuple[float, str] | None:
    """Score and type for one digit run, or None."""
    if raw.isascii():  # the same digits as the regex below, without a regex
        digits = raw.encode("ascii").translate(None, _NOT_ASCII_DIGIT).decode("ascii")
    else:
        digits = _NONDIGIT.sub("", raw)
    n = len(digits)
    if n < 7 or n > 19:
        return None
    if n >= 13 and credit_card_ok(digits):
        # 13-digit (old Visa) numbers are mostly millisecond timestamps and ids: need card context
        if n > 13 or _CARD_CTX.search(ctx.context_before(start, 40)):
            return 0.95, "CREDIT_CARD"
    if n > 15:
        return None
    before = None
    if n == 9 and ssn_ok(digits):
        before = _Before(ctx, start)
        if before.ssn():
            return 0.95, "US_SSN"
        if _SSN_SHAPE.match(raw) and not before.negative() and not before.generic_negative():
            return 0.85, "US_SSN"
    if _is_versionish(raw) or _DATE_RE.match(raw):
        return None
    intl = raw[0] == "+" or raw[:2] == "(+" or (digits[:2] == "00" and n > 9)
    if before is None:
        before = _Before(ctx, start)
    if not intl and before.negative():
        return None  # (checked before the phone context, which cannot change this outcome)
    has_context = before.phone()
    if not intl:
        if not has_context and (not _plausible(digits, n) or _SSN_SHAPE.match(raw) or before.generic_negative()):
            return None
    if not _phone_valid(raw, digits, has_context):
        return None
    formatted = not raw.lstrip("+").isdigit()
    score = 0.4 + (0.25 if formatted else 0.0) + (0.3 if intl else 0.0) + (0.3 if has_context else 0.0)
    return min(score, 1.0), "PHONE_NUMBER"


_RUN_RE = re.compile(r"\d(?:[ \t.\-/()\n\r]{0,3}\d){3,30}")
# the same runs in the shape map of an ASCII view (where \d means [0-9] and every digit reads "0"):
# a pattern that starts with a literal scans several times faster than one that starts with \d
_RUN_RE_SHAPE = re.compile(rb"0(?:[ \t.\-/()\n\r]{0,3}0){3,30}")
_STRONG_SEP = re.compile(r"[ \t]*\n[ \t]*\n[ \t]*|[ \t]{2,}|\r?\n")
_IPV4_SHAPE = re.compile(r"^(\d{1,3})[ \t]?\.[ \t]?(\d{1,3})[ \t]?\.[ \t]?(\d{1,3})[ \t]?\.[ \t]?(\d{1,3})(?:/\d{1,2})?$")
_VERSION_BEFORE = re.compile(
    r"\b(?:v|version|ver\.?|release|build|firmware|chrome|firefox|os|ios|android|rev|python|node|java)"
    r"\s*[:=]?\s*$"
)


def _ipv4(raw: str, ctx: ScanContext, start: int) -> float | None:
    m = _IPV4_SHAPE.match(raw)
    if m is None:
        return None
    octets = [int(x) for x in m.groups()]
    if any(o > 255 for o in octets) or any(len(x) > 1 and x[0] == "0" for x in m.groups()):
        return None
    if octets == [0, 0, 0, 0] or _VERSION_BEFORE.search(ctx.context_before(start, 20)):
        return None
    return 0.95


class DigitRunRecognizer(Recognizer):
    """CREDIT_CARD, US_SSN, PHONE_NUMBER and IPv4 IP_ADDRESS from one scan of digit runs."""

    name = "digit_runs"
    entities = ("CREDIT_CARD", "US_SSN", "PHONE_NUMBER", "IP_ADDRESS")

    def find(self, ctx: ScanContext) -> list[Candidate]:
        text = ctx.text
        out: list[Candidate] = []
        n = len(text)
        shape = ctx.shape
        for m in _RUN_RE.finditer(text) if shape is None else _RUN_RE_SHAPE.finditer(shape):
            s, e = m.span()
            if e - s < 6:
                continue  # "2024", "10:30", "v1.2": too short for any number type (1.1.1.1 has 7)
            prev = text[s - 1] if s else " "
            if prev == "+" or prev == "(":
                s -= 1
                if prev == "(" and s and text[s - 1] == "+":
                    s -= 1
                prev = " " if text[s] == "+" else (text[s - 1] if s else " ")  # '+' starts a number
            if prev in ".-/ \t\n":
                k = s - 1
                while k > s - 4 and k > 0 and text[k] in ".-/ \t\n":
                    k -= 1
                if text[k] == "+" and k < s - 1:
                    s = k  # "+-4-4-1-2...", "+ 49 ..." (obfuscated international prefix)
                    prev = text[s - 1] if s else " "
            if prev.isalnum() or prev in "._-/>":
                # the first group is glued to a word ("amsmu3((0123..."): drop it, keep what follows
                k = s
                while k < e and text[k].isdigit():
                    k += 1
                if prev in "._-/" or k >= e or text[k] in ".-/":
                    continue  # inside a longer token (ID12345, v1.2.3, uuid groups, paths)
                while k < e and not text[k].isdigit():
                    k += 1
                s = k
                if text[s - 1] in "(+":
                    s -= 1
                    if text[s] == "(" and s and text[s - 1] == "+":
                        s -= 1
            if e < n:
                nxt = text[e]
                if nxt.isalnum() or nxt in "_<" or (nxt in ".-_" and e + 1 < n and text[e + 1].isalnum()):
                    # the last group is glued to a word ("...\n19E6fb"): drop it, keep what precedes
                    cut = max(text.rfind(c, s, e) for c in " \t\n")
                    if cut <= s:
                        continue
                    e = cut
                    while e > s and not text[e - 1].isdigit():
                        e -= 1
                elif nxt == ")" and "(" in text[s:e]:
                    e += 1
            if e - s < 7:
                continue
            raw = text[s:e]
            if "." in raw:
                score = _ipv4(raw, ctx, s)
                if score is not None:
                    out.append((s, e, score, "IP_ADDRESS"))
                    continue
            hit = classify(raw, ctx, s)
            if hit is not None:
                out.append(self._emit(text, s, e, hit))
                continue
            if _STRONG_SEP.search(raw):
                pos = 0
                for sep in _STRONG_SEP.finditer(raw):
                    self._part(text, raw, s, pos, sep.start(), ctx, out)
                    pos = sep.end()
                self._part(text, raw, s, pos, len(raw), ctx, out)
        return out

    def _part(self, text: str, raw: str, s: int, a: int, b: int, ctx: ScanContext, out: list) -> None:
        piece = raw[a:b].strip(" .-/()")
        if not piece:
            return
        a = raw.index(piece, a)
        hit = classify(piece, ctx, s + a)
        if hit is not None:
            out.append(self._emit(text, s + a, s + a + len(piece), hit))

    @staticmethod
    def _emit(text: str, s: int, e: int, hit: tuple[float, str]) -> Candidate:
        score, etype = hit
        if etype == "PHONE_NUMBER":
            ext = _EXT_RE.match(text, e)
            if ext:
                e = ext.end()
        return (s, e, score, etype)


IBAN_RE = re.compile(r"([A-Za-z]{2})[ \-]?(\d{2})((?:[ \-]?[A-Za-z0-9]){11,32})")
# "[A-Z][A-Z]", not "[A-Z]{2}": a leading character class lets the regex engine skip ahead to the next
# capital instead of trying a match at every position
_IBAN_HINT = re.compile(r"[A-Z][A-Z][ \-]?\d\d")
# ASCII views: the same hints, found on the shape map (every capital "A", every digit "0"), where the
# pattern starts with a literal
_IBAN_HINT_MAP = re.compile(rb"AA[ \-]?00")


# the first n letters/digits of an IBAN_RE match (at most one separator between two of them)
_FIRST_ALNUM = {n: re.compile(r"(?:[ \-]?[A-Za-z0-9]){%d}" % n) for n in set(IBAN_LENGTHS.values())}


class IbanRecognizer(Recognizer):
    """IBAN_CODE (and, from the same hint scan, UK_NINO). Upper-case country codes only."""

    name = "iban"
    entities = ("IBAN_CODE", "UK_NINO")

    def find(self, ctx: ScanContext) -> list[Candidate]:
        shape = ctx.shape
        text = ctx.text
        out: list[Candidate] = []
        done = -1
        for h in _IBAN_HINT.finditer(text) if shape is None else _IBAN_HINT_MAP.finditer(shape):
            st = h.start()
            if st < done or (st and (text[st - 1].isalnum() or text[st - 1] == ">")):
                continue
            nino = NINO_RE.match(text, st)
            if nino is not None:
                out.append((st, nino.end(), 0.85, "UK_NINO"))
                done = nino.end()
                continue
            m = IBAN_RE.match(text, st)
            if m is None:
                continue
            hit = self._iban(text, m)
            if hit is not None:
                out.append(hit)
                done = hit[1]
        return out

    @staticmethod
    def _iban(text: str, m: re.Match[str]) -> Candidate | None:
        want = IBAN_LENGTHS.get(m.group(1).upper())
        if want is None:
            return None
        seg = m.group()
        # ASCII (letters, digits, ' ' and '-' only): the loop below, without a loop in Python
        first = _FIRST_ALNUM[want].match(text, m.start()) if seg.isascii() else None
        if first is not None and first.end() <= m.end():
            end = first.end()
            if end < len(text) and (text[end].isalnum() or text[end] == "<"):
                return None  # the value runs on: not this IBAN
            if iban_ok(text[m.start():end].replace(" ", "").replace("-", "").upper()):
                return (m.start(), end, 1.0, "IBAN_CODE")
            return None
        got = 0
        end = m.start()
        chars = []
        for i in range(m.start(), m.end()):
            c = text[i]
            if c.isalnum():
                chars.append(c.upper())
                got += 1
                if got == want:
                    end = i + 1
                    break
        if got != want:
            return None
        if end < len(text) and (text[end].isalnum() or text[end] == "<"):
            return None  # the value runs on: not this IBAN
        if iban_ok("".join(chars)):
            return (m.start(), end, 1.0, "IBAN_CODE")
        return None
