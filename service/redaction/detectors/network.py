"""IPv6 IP_ADDRESS (every textual form, validated by `ipaddress`) and MAC_ADDRESS.

IPv4 addresses are found by the digit-run scan in numbers.py (one pass for all dotted/grouped digits).
"""

from __future__ import annotations

import ipaddress
import re

from service.redaction.detectors.base import Candidate, Recognizer, ScanContext

# Loose IPv6 candidate: hex groups and colons (with an optional trailing dotted quad and zone id).
IPV6_RE = re.compile(
    r"(?<![\w:.>])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3}|:)?"
    r"(?:%[A-Za-z0-9_.]{1,16})?(?:/\d{1,3})?(?![\w:<])"
)
_HEX = frozenset("0123456789abcdefABCDEF")
_V6_CONTEXT = re.compile(r"(?:\bip|ipv6|address|addr|host|server|client|route|peer|gateway|dns)\W{0,12}$")


class IPv6Recognizer(Recognizer):
    name = "ipv6"
    entities = ("IP_ADDRESS",)

    def find(self, ctx: ScanContext) -> list[Candidate]:
        text = ctx.text
        if "::" not in text and text.count(":") < 7:
            return []
        out = []
        matches = []
        done = -1
        i = text.find(":")
        while i >= 0:
            if i >= done and (text[i + 1:i + 2] == ":" or ":" in text[i + 1:i + 6]):
                j = i
                while j > 0 and i - j < 5 and (text[j - 1] in _HEX or text[j - 1] == ":"):
                    j -= 1
                m = IPV6_RE.match(text, j)
                if m is not None:
                    matches.append(m)
                    done = m.end()
                else:
                    done = i + 1
            i = text.find(":", max(i + 1, done))
        for m in matches:
            raw = m.group()
            addr = raw.split("/", 1)[0].split("%", 1)[0]
            try:
                ip = ipaddress.IPv6Address(addr)
            except ValueError:
                continue
            groups = [g for g in addr.split(":") if g]
            if ip.is_unspecified or len(groups) < 2:
                continue
            full = "::" not in addr
            if not full and len(groups) < 3 and not _V6_CONTEXT.search(ctx.context_before(m.start(), 30)):
                # a::b, dead::beef, std-free C++ — short compressed forms need a hint
                if not addr.lower().startswith(("fe80", "fd", "fc", "2001", "2a0", "2600", "2400", "ff0")):
                    continue
            if sum(len(g) for g in groups) < 5:
                continue
            out.append((m.start(), m.end(), 0.95 if full or len(groups) >= 3 else 0.75, "IP_ADDRESS"))
        return out


MAC_RE = re.compile(r"(?<![\w:>-])[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}(?![\w:-])")


def _validate_mac(m: re.Match[str], ctx: ScanContext) -> float | None:
    hexdigits = re.sub(r"[^0-9A-Fa-f]", "", m.group())
    if len(set(hexdigits.lower())) < 3 or not any(c.isalpha() for c in hexdigits) and "-" in m.group():
        return None  # 00:00:00:00:00:00, or dashed all-digit runs that are dates/ids
    return 0.85


class MacRecognizer(Recognizer):
    name = "mac"
    entities = ("MAC_ADDRESS",)

    def find(self, ctx: ScanContext) -> list[Candidate]:
        text = ctx.text
        out: list[Candidate] = []
        n = len(text)
        for sep in ":-":
            if text.count(sep) < 5:
                continue
            done = -1
            i = text.find(sep, 2)
            while i >= 0:
                if i > done and i + 3 < n and text[i + 3] == sep:
                    m = MAC_RE.match(text, i - 2)
                    if m is not None and _validate_mac(m, ctx) is not None:
                        out.append((m.start(), m.end(), 0.85, "MAC_ADDRESS"))
                        done = m.end()
                i = text.find(sep, i + 1)
        return out


MAC = MacRecognizer()
