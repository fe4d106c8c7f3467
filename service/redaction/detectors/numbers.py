"""Digit-run family: CREDIT_CARD, US_SSN, PHONE_NUMBER and IPv4 IP_ADDRESS from one scan (IBAN_CODE and
UK_NINO: numbers_iban).

One regex finds runs of digits with any separators (spaces, dots, dashes, slashes, brackets, '_', '~',
'|', line breaks, quoted-printable soft breaks '=\\n'); each run is classified whole (numbers_classify).
A run that does not classify whole may hold several values side by side ("+1 415 555 0132 +44 ...",
an SSN then a card, a timestamp then an IP, a phone then a date): it is cut into digit groups and
segmented greedily from the left, each start trying its possible ends (7 to 19 digits) with the ends
at a plausible boundary first (a line break, a change of separator, the run's end), then longest
first. Dates inside the run are barriers. The number of classify calls per run is capped at a
constant plus its count of groups of two digits or more (at most four ends per start), so the cost
stays linear in the input and small whatever the run holds.
Speed: in an ASCII view the run scan runs on the shape map (base.SHAPE: digits read "0"), where the
same spans are found with a literal-first pattern. A part of a split run is classified only when its
groups have a layout a part can have (numbers_classify.segment_may_hit: most parts of a TSV row read as
one run have none), the words before a value are read only when a test asks for them, and on a long
view PhoneCues (numbers_context) answers "no phone context here" without reading them.
tests/redaction/test_numbers_fast.py holds each of these to the findings of the plain path.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from service.redaction.detectors.base import Candidate, Recognizer, ScanContext
from service.redaction.detectors.numbers_classify import classify, ext_after, glued_ext, ipv4, segment_may_hit
from service.redaction.detectors.numbers_context import WINDOW, Before, PhoneCues, phone_cue_after
from service.redaction.detectors.numbers_iban import IBAN_HINT as _IBAN_HINT
from service.redaction.detectors.numbers_iban import IBAN_HINT_MAP as _IBAN_HINT_MAP
from service.redaction.detectors.numbers_iban import IBAN_RE, IbanRecognizer

__all__ = ["IBAN_RE", "DigitRunRecognizer", "IbanRecognizer", "classify"]

_SEPS = r"[ \t.\-/()\n\r_~|=]{0,3}"  # "=" for quoted-printable soft breaks ("=\r\n")
_RUN_RE = re.compile(r"\d(?:" + _SEPS + r"\d){3,47}")
# the same runs in the shape map of an ASCII view (where \d means [0-9] and every digit reads "0"):
# a pattern that starts with a literal scans several times faster than one that starts with \d
_RUN_RE_SHAPE = re.compile(rb"0(?:" + _SEPS.encode() + rb"0){3,47}")
_GROUP = re.compile(r"\d+")
_BLANK_LINE = re.compile(r"\n[ \t]*\r?\n")
_DATE_IN_RUN = re.compile(
    r"(?<!\d)(?:(?:19|20)\d\d([-/.])\d{1,2}\1\d{1,2}|\d{1,2}([-/.])\d{1,2}\2(?:19|20)\d\d)(?!\d)"
)
_FIELD_SEP = frozenset(",;\t|")
_MAX_ENDS = 4  # ends tried per start (of up to 13 with 7 to 19 digits): the boundaries, then the longest


def _norm_sep(sep: str) -> str:
    """A separator's kind: line breaks (with the blanks and soft-break '=' around them) read as one."""
    if "\n" in sep:
        return "\n"
    return sep


class DigitRunRecognizer(Recognizer):
    """CREDIT_CARD, US_SSN, PHONE_NUMBER and IPv4 IP_ADDRESS from one scan of digit runs."""

    name = "digit_runs"
    entities = ("CREDIT_CARD", "US_SSN", "PHONE_NUMBER", "IP_ADDRESS")

    def find(self, ctx: ScanContext) -> list[Candidate]:
        text = ctx.text
        out: list[Candidate] = []
        n = len(text)
        shape = ctx.shape
        # where a phone cue can stand, read once on the first value that asks: worth it where the window
        # before a value is a small part of the view
        cues = PhoneCues(ctx) if n > 8 * WINDOW else None
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
            if prev == "/" and ctx.lower[max(0, s - 6):s] == "wa.me/":
                prev = " "  # a WhatsApp link names its number: "https://wa.me/447911123456"
            if prev.isalnum() or prev in "._-/>":
                # the first group is glued to a word ("amsmu3((0123..."): drop it, keep what follows
                k = s
                while k < e and text[k].isdigit():
                    k += 1
                if prev in "._-/" or k >= e or text[k] in ".-/_":
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
                if (nxt.isalnum() or nxt in "_<" or (nxt in ".-_" and e + 1 < n and text[e + 1].isalnum())) \
                        and not glued_ext(text, e) and not (nxt == "-" and phone_cue_after(ctx, e)):
                    # the last group is glued to a word ("...\n19E6fb"): drop it, keep what precedes
                    cut = max(text.rfind(c, s, e) for c in " \t\n")
                    if cut <= s:
                        continue
                    e = cut
                    while e > s and not text[e - 1].isdigit():
                        e -= 1
                elif nxt == ")" and text.count("(", s, e) > text.count(")", s, e):
                    e += 1
            if e - s < 7:
                continue
            raw = text[s:e]
            if "." in raw:
                score = ipv4(raw, ctx, s)
                if score is not None:
                    if raw[0] == "(":
                        s, e = s + 1, e - 1
                    out.append((s, e, score, "IP_ADDRESS"))
                    continue
            # a line break inside a run between field delimiters (",09767\n8733,") ends a record: the two
            # sides are different fields, never one value
            tabular = "\n" in raw and ((s and text[s - 1] in _FIELD_SEP) or (e < n and text[e] in _FIELD_SEP))
            hit = None if tabular else classify(raw, ctx, s, e, cues=cues)
            if hit is not None:
                out.append(self._emit(text, s, e, hit))
                continue
            if len(raw) > 10 or raw.count(".") == 3 or tabular:
                # (ten characters hold no two values but "1.1.1.1 2")
                self._split(text, raw, s, ctx, out, cues, tabular)
        return out

    def _split(self, text: str, raw: str, s: int, ctx: ScanContext, out: list[Candidate],
               cues: PhoneCues | None = None, tabular: bool = False) -> None:
        """Greedy segmentation of a run that did not classify whole (see the module docstring)."""
        found_groups = list(_GROUP.finditer(raw))
        count = len(found_groups)
        if count < 2:
            return
        groups = [g.span() for g in found_groups]
        texts = [g.group() for g in found_groups]
        sizes = [len(t) for t in texts]
        if max(sizes) == 1:
            return  # digits one by one: a spaced-out value is read whole (uniform) or not at all
        total = sum(sizes)
        inner = total - min(sizes[0], sizes[-1])
        if inner < 7 and count < 5 and not tabular:
            return  # no part of 7 digits or more (or 4 dotted groups) short of the whole run: "2024-01-01"
        seps = [_norm_sep(raw[groups[k][1]:groups[k + 1][0]]) for k in range(count - 1)]
        inner_sizes = set(sizes[:-1])
        if len(inner_sizes) == 1 and len(set(seps)) == 1 and sizes[-1] <= min(inner_sizes):
            # evenly grouped: one number that failed ("4912 0803 0885 7400", the tail of an IBAN, digits
            # spaced out), not values side by side (two of the same layout glued by one space stay whole)
            return
        barrier = [False] * count  # barrier[k]: no value spans the separator after group k
        dead = [False] * count  # dead[k]: group k belongs to a date
        starts = [a for a, _ in groups]
        if tabular:
            for k in range(count - 1):
                if seps[k] == "\n":
                    barrier[k] = True
        if "\n" in raw:
            for b in _BLANK_LINE.finditer(raw):
                barrier[bisect_right(starts, b.start()) - 1] = True  # the group before the blank line
        if "-" in raw or "/" in raw or "." in raw:
            for d in _DATE_IN_RUN.finditer(raw):
                k = bisect_left(starts, d.start())  # a date starts and ends with a whole group
                if k:
                    barrier[k - 1] = True
                while k < count and groups[k][1] <= d.end():
                    dead[k] = barrier[k] = True
                    k += 1
            if "." not in raw and sum(size for size, gone in zip(sizes, dead) if not gone) < 7:
                return  # a date and a short number ("1974-03-18\n77394" across two CSV rows): nothing to try
        # boundary[k]: the separator after group k is a plausible value boundary
        boundary = [k == count - 1 or seps[k] == "\n" or (k > 0 and seps[k] != seps[k - 1])
                    or (k + 1 < count - 1 and seps[k] != seps[k + 1]) for k in range(count)]
        # numbers after "order", "ISBN", "ms": none of them personal, up to the end of that line (the next
        # line is a field of its own: "PO 4414\n(96) 829-325 office"). In a run of one line the words are
        # read only when a part is first classified (before that no part is anything either way)
        first_line = next((k + 1 for k in range(count - 1) if seps[k] == "\n"), count)
        negative = Before(ctx, s).negative() if first_line < count else None
        i = first_line if negative else 0
        budget = 8 + count - sizes.count(1)  # single digits ("1 2-3.4 5") earn no extra tries
        claimed = -1  # the last group of the last value found
        while i < count and budget > 0:
            if dead[i]:
                i += 1
                continue
            if negative is None and self._four_dotted(seps, i):
                negative = Before(ctx, s).negative()
                if negative:
                    break
            j = self._ipv4_at(raw, groups, seps, i, ctx, s, out)
            if j is not None:
                i = j + 1
                continue
            ends = []  # (last group, digits)
            digits = 0
            for j in range(i, min(count, i + 19)):
                if dead[j]:
                    break
                digits += sizes[j]
                if digits > 19:
                    break
                if digits >= 7:
                    ends.append((j, digits))
                if barrier[j]:
                    break
            # the ends at a boundary first, then the others, each longest first (at most four in all)
            ends.reverse()
            ends = ([e for e in ends if boundary[e[0]]] + [e for e in ends if not boundary[e[0]]])[:_MAX_ENDS]
            found = False
            before = None
            for j, digits in ends:
                if budget <= 0:
                    break
                budget -= 1
                a, b = groups[i][0], groups[j][1]
                if a and raw[a - 1] == "(" and ")" in raw[a:b]:
                    a -= 1
                if a and raw[a - 1] == "+":
                    a -= 1
                if b < len(raw) and raw[b] == ")" and "(" in raw[a:b]:
                    b += 1
                if a == 0 and b == len(raw) and not tabular:
                    continue  # the whole run, classified before the split
                part = raw[a:b]
                # a part that is a whole line of the run ("Brazil 27943\n0688 698 05 65 office") is judged
                # like a run of its own; any other part must first have a layout a segment can have
                whole_line = (i == 0 or seps[i - 1] == "\n") and (j == count - 1 or seps[j] == "\n")
                if not whole_line and not segment_may_hit(part, texts[i:j + 1], sizes[i:j + 1], digits):
                    continue  # (what classify answers first for such a part)
                if negative is None:
                    negative = Before(ctx, s).negative()
                    if negative:
                        return
                if before is None or before[0] != a:
                    before = (a, Before(ctx, s + a, cues))  # (read on first use, shared by this start's ends)
                hit = classify(part, ctx, s + a, s + b, segment=not whole_line, before=before[1], cues=cues)
                if hit is not None and hit[1] == "CREDIT_CARD" and self._card_runs_on(groups, seps, i, j, claimed):
                    continue
                if hit is not None:
                    claimed = j
                    out.append(self._emit(text, s + a, s + b, hit))
                    i = j + 1
                    found = True
                    break
            if not found:
                i += 1

    @staticmethod
    def _card_runs_on(groups: list, seps: list, i: int, j: int, claimed: int) -> bool:
        """A card window with a free 4-digit group next to it, joined the same way ('9999 1111 2222 3337'
        read from its second group, a long grouped id): not a card of its own."""
        inner = seps[i] if j > i else None
        if i > 0 and claimed < i - 1 and groups[i - 1][1] - groups[i - 1][0] == 4 and seps[i - 1] in (inner, " "):
            return True
        return j + 1 < len(groups) and groups[j + 1][1] - groups[j + 1][0] == 4 and seps[j] in (inner, " ")

    @staticmethod
    def _four_dotted(seps: list, i: int) -> bool:
        """Groups i..i+3 joined by single dots, and no more dotted groups either side."""
        if i + 3 > len(seps) or seps[i] != "." or seps[i + 1] != "." or seps[i + 2] != ".":
            return False
        return not ((i and seps[i - 1] == ".") or (i + 3 < len(seps) and seps[i + 3] == "."))

    @staticmethod
    def _ipv4_at(raw: str, groups: list, seps: list, i: int, ctx: ScanContext, s: int,
                 out: list[Candidate]) -> int | None:
        """An IPv4 address of groups i..i+3 joined by single dots (and not part of a longer dotted run)."""
        if not DigitRunRecognizer._four_dotted(seps, i):
            return None
        a, b = groups[i][0], groups[i + 3][1]
        if ipv4(raw[a:b], ctx, s + a) is None:
            return None
        out.append((s + a, s + b, 0.95, "IP_ADDRESS"))
        return i + 3

    @staticmethod
    def _emit(text: str, s: int, e: int, hit: tuple[float, str]) -> Candidate:
        score, etype = hit
        if etype == "PHONE_NUMBER":
            e = ext_after(text, e)
        return (s, e, score, etype)
