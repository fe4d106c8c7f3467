"""Context around a digit run: the words before it (phone, SSN, card and negative cues) and the cue after it.

Context decides how strict the digit-run family is: a phone-shaped number after "call" or before
"(fax)" is a phone even when the numbering plan calls it unassigned (privacy first), while the same
digits with no cue must pass full validation and their country's grouping (false positives second).
A negative cue ("order", "invoice", "ms", "bytes") vetoes a national-format phone; so does, even after
a cue, a last word naming something else ("account", "code", "amount", "id" not after a phone word).
Weak cue words ("messages", "called", "answering") count only within five words of the number. Word
tests are set lookups on at most the last eight tokens before the value (a window a redacted value does
not shift, so a second pass over redacted text sees the same words); nothing here scans more than a
fixed window.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

from service.redaction.detectors.base import ScanContext

PHONE_CONTEXT = (
    "phone", "tel", "call", "mobile", "cell", "fax", "whatsapp", "text me", "contact", "reach",
    "dial", "sms", "ring", "my number", "number is", "numero", "nummer", "número", "or on", "telefon",
    "telephone", "telefono", "handy", "portable", "movil", "landline", "hotline", "voicemail", "signal",
    "phones", "ph", "mob", "cellphone", "office", "home", "work", "direct", "switchboard",
    "extension", "ext", "contacts", "callback", "teléfono", "téléphone", "rufnummer", "telefone",
    "unreachable", "pager", "viber", "telegram", "imessage", "tél", "telf", "celular", "cellulare", "mobil",
    "mobiel", "gsm", "ring me", "text me at",
)
# words that name a phone only a few words before it ("not answering at 476 ...", "messages to 077 ...",
# "a message on my registered 641 ..."): further away they are ordinary prose
_CLOSE_ONLY = frozenset("answering message messages messaged texted texting texts calls called calling reachable "
                        "your".split())
# the word right before a number that makes it a phone even with six digits ("Phone: 85 99 60"), or the
# last word of a phrase that asks for one ("call me at", "reach us on", "not answering at")
_LABELS = frozenset("phone telephone tel tél telf mobile mob cell cellphone fax whatsapp handy telefon telefono "
                    "teléfono téléphone telefone rufnummer mobil celular gsm landline hotline".split())
_LABEL_TAIL = frozenset("at on to is number no nr".split())
_CALLS = frozenset("call ring reach dial text answering phone number calling message messages texts sms".split())
# a verb that asks for a call, right before the number, is a label too ("you can call 84 17 85")
_CALL_VERBS = frozenset("call ring dial".split())
# the last word before a number that a phone reading of its layout alone must not follow: an amount,
# a code, an account, an id ("phone no" stays a phone)
_LOOSE_NEG = frozenset("account acct code pin otp zip postcode postal amount price cost balance iban routing sort "
                       "swift bic revenue budget salary income profit turnover fee fees sum".split())
_AFTER_PHONE_OK = frozenset("no nr num id".split())  # (a phone's only after a phone word: "phone no")
SSN_CONTEXT = ("ssn", "social security", "social sec", "soc sec", "ss#", "ss #", "tin", "taxpayer")
_NUMBER_TOKEN = re.compile(r"[(\[+#]*[0-9][0-9.,:;()\[\]/+-]*$")  # "4410", "(62)", "10:30", not "gb42"
_WORD = re.compile(r"(?<![a-z0-9_])[a-z]+(?![a-z0-9_])")  # whole words only: "call000" is no "call"
# words that name a phone only when they stand right before it ("office: 415 ...", "home 020 ..."):
# elsewhere in the window they are ordinary prose
_NEAR_ONLY = frozenset("office home work direct ph mob ext extension".split())
_PHONE_WORDS = frozenset(w for w in PHONE_CONTEXT if " " not in w) - _NEAR_ONLY
_PHONE_PHRASES = tuple(w for w in PHONE_CONTEXT if " " in w) + ("wa.me/",)
_SSN_WORDS = frozenset(w for w in SSN_CONTEXT if " " not in w and "#" not in w)
_SSN_PHRASES = tuple(w for w in SSN_CONTEXT if " " in w or "#" in w)
# (one search for "any of the phrases occurs": the same answer as a substring test of each)
_PHONE_PHRASE_RE = re.compile("|".join(re.escape(p) for p in _PHONE_PHRASES))
_SSN_PHRASE_RE = re.compile("|".join(re.escape(p) for p in _SSN_PHRASES))
NEG_WORDS = frozenset(
    "order invoice inv ref reference tracking isbn issn ticket sku serial part model build version ver issue "
    "commit lot batch receipt transaction txn confirmation booking po item product case pid port epoch "
    "timestamp unix ms ns seconds bytes size count total qty quantity ean gtin upc barcode".split()
)
_GENERIC_NEG = frozenset("id no nr num".split())
CARD_CTX = re.compile(
    r"\b(?:cards?|visa|cc|credit|debit|pan|mastercard|amex|maestro|jcb|discover|diners|unionpay|paid with|"
    r"pay with|charged?)\b"
)
# a phone cue right after the number: "415 555 0132 (fax)", "... mobile", "... - cell", "... [home]"
_AFTER_CUE = re.compile(
    r"[ \t]{0,3}(?:[(\[\-,/|:][ \t]{0,2})?(?:fax|mobile|mob|cell|cellphone|tel|phone|landline|home|work|office|"
    r"whatsapp|direct|main|voicemail|sms|m|w|h|f)(?![a-z0-9])"
)
# single letters ("(m)", "(w)") only count inside brackets
_AFTER_LETTER = re.compile(r"[ \t]{0,3}[(\[][mwhf][)\]]")


def phone_cue_after(ctx: ScanContext, end: int) -> bool:
    """A phone cue word right after the number (within a few characters)."""
    tail = ctx.lower[end:end + 16]
    if not tail:
        return False
    m = _AFTER_CUE.match(tail)
    if m is None:
        return False
    word_len = len(m.group().strip(" \t([-,/|:"))
    return word_len > 1 or _AFTER_LETTER.match(tail) is not None


def sender_label(ctx: ScanContext, start: int, end: int) -> bool:
    """A number in brackets after a name and before a colon, the sender of a text message or a chat line
    ("Ana (0612 345 678): on my way", "Ana ((06) 1234 5678): ...")."""
    text = ctx.text
    j = end + 1 if text[end:end + 1] == ")" else end
    if text[j - 1:j] != ")" or text[j:j + 1] != ":":
        return False
    k = start - 1
    if text[start:start + 1] != "(":
        if text[k:k + 1] != "(":
            return False
        k -= 1
    elif text[k:k + 1] == "(":
        k -= 1  # a number that brings its own brackets
    blank = k
    while k >= 0 and text[k] in " \t":
        k -= 1
    return k >= 0 and text[k].isalpha() and k < blank


WINDOW = 160  # characters before a value that Before reads
_ASCII_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")


# What PhoneCues looks for: every word Before.phone() can answer to, and the first part of every phrase
# it looks for (a phrase's first part ends a token when more of the phrase follows, hence the lookahead)
_CUE_WORDS = _PHONE_WORDS | _CLOSE_ONLY | _NEAR_ONLY
_CUE_PARTS = tuple(sorted({p.split(" ", 1)[0] for p in _PHONE_PHRASES}))


@lru_cache(maxsize=256)
def _cue_regex(words: tuple[str, ...], parts: tuple[str, ...]) -> re.Pattern[str]:
    alts = [re.escape(w) for w in words] + [re.escape(p) + (r"(?=\s)" if p.isalpha() else "") for p in parts]
    return re.compile("|".join(alts))


class PhoneCues:
    """Where in a view a phone cue could stand, found once per view: a fast and exact "no" for
    `Before.phone()` wherever the window before a value holds none (a CSV of a thousand rows with one
    "phone" in its header asks about every row).

    Every word and phrase `Before.phone()` answers to lies inside one whitespace-separated token of the
    window, and every token it reads lies whole inside the window (a token the window cuts is dropped).
    So it can be true only where one of those words (or a phrase's first part) occurs in the lower-case
    view inside the window; the occurrences are the non-overlapping matches of one pattern of the words
    that occur in the view, and a match that overlaps an occurrence lies in the same token, hence inside
    the window too. Placeholders ('<phone_number_1>') are blanked in the window, which can join two
    tokens: where one is in the window the answer is "maybe", as it is where the window ends inside a
    word (never before a digit run)."""

    __slots__ = ("_ctx", "_starts", "_ends")

    def __init__(self, ctx: ScanContext):
        self._ctx = ctx
        self._starts: list[int] | None = None
        self._ends: list[int] = []

    def _find(self) -> list[int]:
        ctx = self._ctx
        low = ctx.lower
        words = tuple(sorted(_CUE_WORDS.intersection(ctx.words)))
        parts = tuple(p for p in _CUE_PARTS if p in low)
        starts: list[int] = []
        if words or parts:
            for m in _cue_regex(words, parts).finditer(low):
                starts.append(m.start())
                self._ends.append(m.end())
        self._starts = starts
        return starts

    def may_precede(self, start: int) -> bool:
        """False only when `Before(ctx, start).phone()` is False."""
        starts = self._starts
        if starts is None:
            starts = self._find()
        lo = max(0, start - WINDOW)
        k = bisect_left(starts, lo)
        if k < len(starts) and self._ends[k] <= start:
            return True
        low = self._ctx.lower
        if 0 < start < len(low) and low[start - 1] in _ASCII_LOWER and low[start] in _ASCII_LOWER:
            return True  # the window ends inside a word ("mob|ile"): its last word is no word of the view
        return "<" in self._ctx.text[lo:start]


class Before:
    """Words just before a value, read on first use (a value ruled out by its layout never reads them) and
    once per candidate (sets, not regex scans); the word set is built only when a phone or SSN context
    test asks for it. With the view's `PhoneCues`, `phone()` answers "no" without reading the words
    wherever no cue can be."""

    __slots__ = ("_ctx", "_start", "_cues", "_text", "_last", "_words")

    def __init__(self, ctx: ScanContext, start: int, cues: PhoneCues | None = None):
        self._ctx = ctx
        self._start = start
        self._cues = cues
        self._text: str | None = None
        self._last: list[str] = []
        self._words: set[str] | None = None

    def _read(self) -> str:
        ctx, start = self._ctx, self._start
        before = ctx.context_before(start, WINDOW)
        # the last eight whitespace-separated tokens: a window that a redacted value (one token in,
        # one placeholder out) does not shift, so a second pass over redacted text sees the same words
        # (tokens over 40 characters are blobs, not prose: ignored in both passes). A window cut in
        # the middle of a token drops that token; it only matters when the window holds 8 or fewer.
        parts = before.rsplit(None, 8)  # the last 8 tokens and (if more) the rest as the first item
        if len(parts) == 9:
            parts = parts[1:]
        elif start > WINDOW and not ctx.lower[start - WINDOW - 1].isspace():
            if len(parts) < 2:
                before = ""  # cut token
            parts = parts[1:]
        toks = [t for t in parts if len(t) <= 40]
        if before[-1:].isspace() or not toks:
            toks.append("")
        text = self._text = " ".join(toks)
        near = toks[-3:]
        for k in range(len(near) - 1, -1, -1):
            if _NUMBER_TOKEN.match(near[k]):
                near = near[k + 1:]  # words before another number are that number's ("PO 4410\n(62) 917-403")
                break
        tail = _WORD.findall(" ".join(near))
        self._last = tail[-2:]
        return text

    @property
    def text(self) -> str:
        """The window's tokens joined by single blanks."""
        text = self._text
        return self._read() if text is None else text

    @property
    def last(self) -> list[str]:
        """The last (up to) two words before the value, after the last number among its three last tokens."""
        if self._text is None:
            self._read()
        return self._last

    @property
    def words(self) -> set[str]:
        if self._words is None:
            self._words = set(_WORD.findall(self.text))
        return self._words

    def phone(self) -> bool:
        if self._cues is not None and not self._cues.may_precede(self._start):
            return False
        if not self.words.isdisjoint(_PHONE_WORDS) or _PHONE_PHRASE_RE.search(self.text) is not None:
            return True
        if not self.words.isdisjoint(_CLOSE_ONLY):
            close = " ".join(self.text.split()[-5:])
            words = _WORD.findall(close)
            if not _CLOSE_ONLY.isdisjoint(words) and ("your" not in words or "your number" in close):
                return True  # ("your" only in "your number": "and your number?\n[09:13] Ben: ...")
        return bool(self.last) and self.last[-1] in _NEAR_ONLY and self.text.rstrip(" \t:=.#")[-1:].isalpha()

    def label(self) -> bool:
        """A phone label right before the value ("Phone:", "mobile -"), a verb asking for a call ("call",
        "ring", "dial"), or a phrase asking for one ending there ("call me at", "not answering at", "my
        number is", "messages to")."""
        last = self.last
        if not last or not self.text.rstrip(" \t:=.#-")[-1:].isalpha():
            return False
        if last[-1] in _LABELS or last[-1] in _CALL_VERBS:
            return True
        if last[-1] not in _LABEL_TAIL:
            return False
        near = _WORD.findall(" ".join(self.text.split()[-4:]))
        return not _CALLS.isdisjoint(near[:-1])

    def loose_veto(self) -> bool:
        """The last word names something else ("account 476 6970", "code", "amount", "id: ...", "#"); after
        a phone word "no", "nr" and "#" stay a phone's ("phone no. 0207 ...", "Tel #: ...")."""
        last = self.last
        phone_before = bool(last) and last[-1] in _LABELS
        if self.text.rstrip(" \t:=").endswith("#"):
            return not phone_before
        if not last:
            return False
        if last[-1] in _AFTER_PHONE_OK:
            return len(last) < 2 or last[-2] not in _LABELS  # ("message id 2024...": not after any cue word)
        if last[-1] == "code" and len(last) > 1 and last[-2] in ("area", "dial", "dialling", "dialing", "country"):
            return False
        return last[-1] in _LOOSE_NEG or last[-1] in NEG_WORDS

    def ssn(self) -> bool:
        return not self.words.isdisjoint(_SSN_WORDS) or _SSN_PHRASE_RE.search(self.text) is not None

    def negative(self, last_only: bool = False) -> bool:
        """A negative word among the last two words before the value (or the last one only)."""
        if last_only:
            return bool(self.last) and (self.last[-1] in NEG_WORDS or self.last[-1] in ("number", "no", "nr")
                                        and len(self.last) > 1 and self.last[-2] in NEG_WORDS)
        return not NEG_WORDS.isdisjoint(self.last)

    def generic_negative(self) -> bool:
        t = self.text.rstrip(" \t:=")
        return t.endswith("#") or (bool(self.last) and self.last[-1] in _GENERIC_NEG)
