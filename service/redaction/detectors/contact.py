"""EMAIL_ADDRESS and URL recognizers.

Both are gated by cheap substring checks ('@'; '://', 'www.' or a '.tld' hint) and, for e-mail, the
pattern only runs in a window around each '@', so prose without either costs almost nothing. Scheme
URLs are matched only at the few positions where one can start (see UrlRecognizer.find).
"""

from __future__ import annotations

import re
import string
from bisect import bisect_left, bisect_right

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


_DOMAIN_MAP = byte_classes({"d": string.ascii_letters + string.digits + ".-"})
_DOMAIN_RUN = re.compile(r"[A-Za-z0-9.-]*")
_AT = re.compile("@")
# What must follow an '@' that a match of EMAIL_RE goes through (even one cut short by a window's end):
# a first label and its dot, then a letter or digit. No other '@' fits in it, so finditer sees them all.
_AT_DOMAIN = re.compile(r"@[ \t]?[A-Za-z0-9][A-Za-z0-9-]{0,62}\.[A-Za-z0-9]")


def _kept(m: re.Match[str]) -> bool:
    """A match that is an address: its TLD is no file extension (icon@2x.png), and a blank beside the '@'
    ("ann @ example.com") only with a TLD people use, since code spaces '@' the same way ("and @app.route",
    "x @ weights.mean": a decorator, a matrix product)."""
    tld = m.group("tld").lower()
    if tld in _NOT_TLD:
        return False
    at = m.string.find("@", m.start(), m.end())
    spaced = m.string[at - 1] in " \t" or m.string[at + 1] in " \t"
    return not spaced or tld in _TLD_SET or (len(tld) == 2 and m.group("tld").islower())


class EmailRecognizer(Recognizer):
    """EMAIL_RE run in a window around each '@' ([at-72, at+260), the window bounding the cost of a
    pathological text), tried only at the one start per '@' where a match can begin (`_local_start`),
    leftmost first and past the previous match: the same matches a scan of each window finds.

    Linear on any text, with no per-window rescan: only '@'s followed by a label and a dot can carry a
    match (`_AT_DOMAIN`), and each of their starts is matched once against the whole text. That answer
    holds in every window whose end lies past the last character the match can read (the first one
    after the domain-name run that follows the '@'); since the next '@' ends that run, only the last
    start of a window can read past its end, and only that one is matched again with the window's end.
    A window then steps through the starts that matched, run by run (see `find`); windows holding no
    candidate '@' are skipped by bisection."""

    name = "email"
    entities = ("EMAIL_ADDRESS",)

    def find(self, ctx: ScanContext) -> list[Candidate]:
        text = ctx.text
        if "@" not in text:
            return []
        n = len(text)
        lmap = ctx.ascii_map(_LOCAL_MAP)
        dmap = ctx.ascii_map(_DOMAIN_MAP)
        cats: list[int] = []  # the '@'s a match can go through, ascending
        starts: list[int] = []  # the start such a match must have (-1: none)
        reads: list[int] = []  # the last position such a match can read
        ok_starts: list[int] = []  # starts that match with the whole text as their window, ascending
        ok_index: list[int] = []  # their index in `cats`
        ok_match: list[re.Match[str]] = []
        for h in _AT_DOMAIN.finditer(text):
            at = h.start()
            p = _local_start(text, lmap, at)
            if p < 0:
                continue
            b = at + 2 if text[at + 1] in " \t" else at + 1
            if dmap is not None:
                r = dmap.find(b"~", b)
                r = n if r < 0 else r
            else:
                r = _DOMAIN_RUN.match(text, b).end()
            cats.append(at)
            starts.append(p)
            reads.append(r)
            m = EMAIL_RE.match(text, p)
            if m is not None:
                ok_starts.append(p)
                ok_index.append(len(cats) - 1)
                ok_match.append(m)
        if not cats:
            return []
        out: list[Candidate] = []
        m_ok = len(ok_starts)
        ends = [m.end() for m in ok_match]  # ascending, like the starts: a match ends before the next '@'
        # A window's matches follow a chain: from a match, the next one is the first start at or past its
        # end. Where consecutive matches do not overlap (the usual case) the chain runs through consecutive
        # entries; `stretch[j]` is the last entry of that run from j, so a window jumps run by run, and
        # `next_ok[j]`, the first entry from j whose domain is no file extension, skips the ones never kept.
        stretch = list(range(m_ok))
        next_ok = [m_ok] * (m_ok + 1)
        for j in range(m_ok - 1, -1, -1):
            if j + 1 < m_ok and ok_starts[j + 1] >= ends[j]:
                stretch[j] = stretch[j + 1]
            next_ok[j] = j if _kept(ok_match[j]) else next_ok[j + 1]
        ats = [m.start() for m in _AT.finditer(text)]  # every '@' opens a window unless already covered
        covered = -1
        i = 0
        while i < len(ats):
            at = ats[i]
            if at < covered:
                i = bisect_left(ats, covered, i)
                continue
            lo = max(0, at - 72)
            hi = min(n, at + 260)
            c0 = bisect_left(cats, lo)
            if c0 == len(cats):
                break  # no candidate '@' at or after this window
            if cats[c0] >= hi:  # no candidate '@' in this window: go to the first window that holds cats[c0]
                i = bisect_right(ats, cats[c0] - 260, i + 1)
                continue
            i += 1
            kl = bisect_left(cats, hi) - 1  # the window's last candidate '@'
            again = hi < n and reads[kl] >= hi and starts[kl] >= lo  # its match may depend on the window end
            limit = bisect_left(ok_index, kl if again else kl + 1)  # entries of this window: below `limit`
            last = lo
            j = bisect_left(ok_starts, lo)
            while j < limit:
                s = min(stretch[j], limit - 1)
                x = next_ok[max(j, bisect_right(ends, covered))]
                while x <= s:  # ends ascend: once one is past `covered`, every later one is
                    out.append((ok_starts[x], ends[x], 1.0, "EMAIL_ADDRESS"))
                    covered = ends[x]
                    x = next_ok[x + 1]
                last = ends[s]
                if s < stretch[j]:
                    break
                j = bisect_left(ok_starts, last, s + 1)
            if again and starts[kl] >= last:
                m = EMAIL_RE.match(text, starts[kl], hi)
                if m is not None and m.end() > covered and _kept(m):
                    out.append((m.start(), m.end(), 1.0, "EMAIL_ADDRESS"))
                    covered = m.end()
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
    """Drop trailing punctuation, but not a ")" that closes a "(" of the URL. The parentheses are counted
    once (not per character dropped, which made a run of ")" quadratic); only ")" changes the counts."""
    if e <= s or text[e - 1] not in _TRAILING:
        return e
    opened = closed = -1
    while e > s and text[e - 1] in _TRAILING:
        if text[e - 1] == ")":
            if opened < 0:
                opened, closed = text.count("(", s, e), text.count(")", s, e)
            if opened >= closed:
                break
            closed -= 1
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
        # Hints in one run of host-name characters share its start and so its match: the walk back stops
        # at the previous hint's position (whose start is known) and the match is reused, so a long run
        # with many hints ("_x.com.com.com...") costs one walk and one match, not one per hint.
        prev_i = prev_j = memo_j = -1
        memo_m: re.Match[str] | None = None
        for h in _TLD_HINT.finditer(text):
            i = h.start()
            if i < done or text[i + 1:h.end()].lower() not in _TLD_SET:
                continue
            j = i
            while j > 0 and (text[j - 1].isalnum() or text[j - 1] in ".-"):
                j -= 1
                if j == prev_i:
                    j = prev_j
                    break
            prev_i, prev_j = i, j
            if j == i or (j > 0 and text[j - 1] in "@_/") or (j > 2 and text[j - 3:j] == "://"):
                continue
            if j != memo_j:
                memo_j, memo_m = j, BARE_URL_RE.match(text, j)
            m = memo_m
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
