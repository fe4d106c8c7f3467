"""EMAIL_ADDRESS and URL recognizers.

Both are gated by cheap substring checks ('@'; '://', 'www.' or a '.tld' hint) and, for e-mail, the
pattern only runs in a window around each '@', so prose without either costs almost nothing.
"""

from __future__ import annotations

import re

from service.redaction.detectors.base import Candidate, Recognizer, ScanContext

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


class EmailRecognizer(Recognizer):
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
        while at >= 0:
            if at >= covered:
                for m in EMAIL_RE.finditer(text, max(0, at - 72), min(n, at + 260)):
                    if m.end() <= covered or m.group("tld").lower() in _NOT_TLD:
                        continue
                    out.append((m.start(), m.end(), 1.0, "EMAIL_ADDRESS"))
                    covered = max(covered, m.end())
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
            for m in SCHEME_URL_RE.finditer(text):
                s = m.start()
                e = _trim(text, s, m.end())
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
