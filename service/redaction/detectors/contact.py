"""EMAIL_ADDRESS and URL recognizers.

Both are gated by cheap substring checks ('@'; '://', 'www.' or a '.tld' hint) and, for e-mail, the
pattern only runs in a window around each '@', so prose without either costs almost nothing. Scheme
URLs are matched only at the few positions where one can start (see UrlRecognizer.find).
"""

from __future__ import annotations

import re
import string

from service.redaction.detectors.base import Candidate, Recognizer, ScanContext, byte_classes

# File extensions that follow '@' in asset names (icon@2x.png) and are not top-level domains.
_NOT_TLD = frozenset(
    "png jpg jpeg gif svg webp bmp ico js mjs ts tsx jsx css scss json yaml yml xml txt md py rb go rs "
    "java kt c h cpp hpp cs php sh bat exe dll so lock toml ini cfg log csv tsv pdf doc docx xls xlsx zip "
    "gz tar whl map vue html htm".split()
)

EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9._%+'>-])"
    r"[A-Za-z0-9_%+'-](?:[A-Za-z0-9._%+'-]{0,62}[A-Za-z0-9_%+-])?"
    r"[ \t]?@[ \t]?"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"(?P<tld>[A-Za-z]{2,24}|xn--[a-z0-9]{2,20})(?![A-Za-z0-9-])"
)


_LOCAL_CHARS = frozenset(string.ascii_letters + string.digits + "._%+'-")
_LOCAL_MAP = byte_classes({"l": "".join(sorted(_LOCAL_CHARS))})


def _local_start(text: str, lmap: bytes | None, a: int) -> int:
    """Where a match of EMAIL_RE whose '@' is at `a` must start, or -1 if none can.

    The local part is a run of _LOCAL_CHARS ending right before the '@' (or before one blank in front
    of it); the pattern's lookbehind rejects a start preceded by one of those characters, so a match
    can only start where that run starts, and the run may be at most 64 characters long."""
    q = a - 1
    if q >= 0 and text[q] in " \t":
        q -= 1
    if q < 0 or text[q] not in _LOCAL_CHARS:
        return -1
    lo = max(0, q - 64)
    if lmap is not None:
        r = lmap.rfind(b"~", lo, q)  # last character before q that is not a local-part character
        if r >= 0:
            return r + 1
        return 0 if lo == 0 else -1
    p = q
    while p > lo and text[p - 1] in _LOCAL_CHARS:
        p -= 1
    return -1 if p == lo and p > 0 and text[p - 1] in _LOCAL_CHARS else p


class EmailRecognizer(Recognizer):
    """EMAIL_RE run in a window around each '@' ([at-72, at+260), the window bounding the cost of a
    pathological text). Rather than letting the regex try every position of the window, it is tried
    only at the one start per '@' in the window where a match can begin (`_local_start`), leftmost
    first and past the previous match: the same matches a scan of the window finds."""

    name = "email"
    entities = ("EMAIL_ADDRESS",)

    def find(self, ctx: ScanContext) -> list[Candidate]:
        text = ctx.text
        at = text.find("@")
        if at < 0:
            return []
        out: list[Candidate] = []
        n = len(text)
        covered = -1
        lmap = ctx.ascii_map(_LOCAL_MAP)
        while at >= 0:
            if at >= covered:
                lo = max(0, at - 72)
                hi = min(n, at + 260)
                starts = []
                a = text.find("@", lo, hi)
                while a >= 0:
                    p = _local_start(text, lmap, a)
                    if p >= lo:
                        starts.append(p)
                    a = text.find("@", a + 1, hi)
                last = lo
                for p in starts:  # ascending: each start lies before its own '@'
                    if p < last:
                        continue
                    m = EMAIL_RE.match(text, p, hi)
                    if m is None:
                        continue
                    last = m.end()
                    if last > covered and m.group("tld").lower() not in _NOT_TLD:
                        out.append((p, last, 1.0, "EMAIL_ADDRESS"))
                        covered = last
            at = text.find("@", at + 1)
        return out


EMAIL = EmailRecognizer()

# Bare domains only count with a common TLD; with a scheme or www. anything goes.
_COMMON_TLDS = (
    "com|org|net|edu|gov|mil|int|io|co|ai|app|dev|info|biz|me|tv|eu|us|uk|de|fr|es|it|nl|be|ch|at|se|no|"
    "dk|fi|pl|pt|ie|ca|au|nz|jp|cn|kr|ru|br|mx|ar|za|cz|gr|tr|il|sg|hk|tw|xyz|online|site|store|"
    "cloud|tech|shop|blog"
)
_TLD_SET = frozenset(_COMMON_TLDS.split("|"))
_TLD_HINT = re.compile(r"\.[A-Za-z]{2,6}(?![A-Za-z0-9-])")  # literal '.' first: fast scan; set check after
SCHEME_URL_RE = re.compile(
    r"\b(?:(?:https?|hxxps?|ftps?|sftp|wss?|file)://|www\.)[^\s<>\"'`\\|^{}]+", re.IGNORECASE
)
BARE_URL_RE = re.compile(
    r"(?<![@\w.-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:" + _COMMON_TLDS + r")"
    r"(?::\d{2,5})?(?:/[^\s<>\"'`\\|^{}]*)?(?![\w@-])",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?)]}'\"*"


def _trim(text: str, s: int, e: int) -> int:
    while e > s and text[e - 1] in _TRAILING:
        if text[e - 1] == ")" and text.count("(", s, e) >= text.count(")", s, e):
            break
        e -= 1
    return e


class UrlRecognizer(Recognizer):
    name = "url"
    entities = ("URL",)

    def find(self, ctx: ScanContext) -> list[Candidate]:
        text = ctx.text
        out: list[Candidate] = []
        if "://" in text or "www." in text or "WWW." in text:
            # A match starts 2-5 characters before a "://" (the scheme) or at a "www." in any case:
            # trying only those starts, leftmost first and past the previous match, finds exactly what
            # one finditer over the text finds (whose leading \b would otherwise try every position).
            starts = set()
            k = text.find("://")
            while k >= 0:
                starts.update(range(max(0, k - 5), k - 1))
                k = text.find("://", k + 1)
            low = ctx.lower
            k = low.find("www.")
            while k >= 0:
                starts.add(k)
                k = low.find("www.", k + 1)
            last = 0
            for p in sorted(starts):
                if p < last:
                    continue
                m = SCHEME_URL_RE.match(text, p)
                if m is None:
                    continue
                last = m.end()
                s = m.start()
                e = _trim(text, s, last)
                if e - s > 7:
                    out.append((s, e, 0.85, "URL"))
        done = -1
        for h in _TLD_HINT.finditer(text):
            i = h.start()
            if i < done or text[i + 1:h.end()].lower() not in _TLD_SET:
                continue
            j = i
            while j > 0 and (text[j - 1].isalnum() or text[j - 1] in ".-"):
                j -= 1
            if j == i or (j > 0 and text[j - 1] in "@_/") or (j > 2 and text[j - 3:j] == "://"):
                continue
            m = BARE_URL_RE.match(text, j)
            if m is None:
                continue
            s = m.start()
            e = _trim(text, s, m.end())
            done = e
            if e - s < 4 or text[s:e].split(".", 1)[0].isdigit():
                continue
            out.append((s, e, 0.6, "URL"))
        return out


URL = UrlRecognizer()
