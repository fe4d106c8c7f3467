"""IPv6 IP_ADDRESS (every textual form, validated by `ipaddress`) and MAC_ADDRESS.

IPv4 addresses are found by the digit-run scan in numbers.py (one pass for all dotted/grouped digits).
Gates (ASCII views, on a map of hex digits and separators): every IPv6 candidate holds two colons with
at most four hex digits between them, every MAC address reads "hh:hh:hh:hh:hh:hh" or its dashed form.
Candidates without "::" are only handed to `ipaddress` when they hold the number of groups that can
parse (eight, or six and a dotted quad); the others would raise anyway.
"""

from __future__ import annotations

import ipaddress
import re

from service.redaction.detectors.base import Candidate, Recognizer, ScanContext, byte_classes

# Loose IPv6 candidate: hex groups and colons (with an optional trailing dotted quad and zone id).
IPV6_RE = re.compile(
    r"(?<![\w:.>])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3}|:)?"
    r"(?:%[A-Za-z0-9_.]{1,16})?(?:/\d{1,3})?(?![\w:<])"
)
_HEX = frozenset("0123456789abcdefABCDEF")
_HEX_CLASSES = byte_classes({"h": "0123456789abcdefABCDEF", ":": ":", "-": "-"})
_V6_HINT = re.compile(rb":h{0,4}:")  # on the class map: "X:Y:" with Y of 0-4 hex digits
_HEX_RUN = re.compile(r"[0-9A-Fa-f:]*")
_V6_TRIGGER = re.compile(r":(?=[^:]{0,4}:)")  # a colon with another one at most five characters on
_V6_CONTEXT = re.compile(r"(?:\bip|ipv6|address|addr|host|server|client|route|peer|gateway|dns)\W{0,12}$")


class IPv6Recognizer(Recognizer):
    name = "ipv6"
    entities = ("IP_ADDRESS",)

    def find(self, ctx: ScanContext) -> list[Candidate]:
        text = ctx.text
        if "::" not in text and text.count(":") < 7:
            return []
        shape = ctx.ascii_map(_HEX_CLASSES)
        if shape is not None and _V6_HINT.search(shape) is None:
            return []
        out = []
        matches = []
        done = -1
        for t in _V6_TRIGGER.finditer(text):  # the colons that can start a candidate
            i = t.start()
            if i < done:
                continue
            j = i
            while j > 0 and i - j < 5 and (text[j - 1] in _HEX or text[j - 1] == ":"):
                j -= 1
            m = IPV6_RE.match(text, j)
            if m is not None:
                matches.append(m)
                done = m.end()
            else:
                # No later trigger of this run of hex digits and colons can match: its start (the only
                # place the lookbehind allows) was just tried, or lies more than five characters back.
                done = _HEX_RUN.match(text, i).end()
        for m in matches:
            raw = m.group()
            addr = raw.split("/", 1)[0].split("%", 1)[0]
            if "::" not in addr:
                colons = addr.count(":")
                if colons != 7 and not (colons == 6 and "." in addr):
                    continue  # without "::" only eight groups (or six and a dotted quad) parse
            groups = [g for g in addr.split(":") if g]
            if len(groups) < 2 or sum(len(g) for g in groups) < 5:
                continue  # (checked before parsing, which costs far more: "a::" repeated)
            try:
                ip = ipaddress.IPv6Address(addr)
            except ValueError:
                continue
            if ip.is_unspecified or ip.is_loopback or ip.is_multicast:
                continue  # ::, ::1, ff02::1: the same on every machine, a host of nobody's
            full = "::" not in addr
            if full and max(len(g) for g in groups) < 3 and not _V6_CONTEXT.search(ctx.context_before(m.start(), 30)):
                continue  # "a:b:c:d:e:f:1:2": a real address has a group of three or more digits (2001, fe80)
            if not full and len(groups) < 3 and not _V6_CONTEXT.search(ctx.context_before(m.start(), 30)):
                # a::b, dead::beef, std-free C++ — short compressed forms need a hint
                if not addr.lower().startswith(("fe80", "fd", "fc", "2001", "2a0", "2600", "2400", "ff0")):
                    continue
            out.append((m.start(), m.end(), 0.95 if full or len(groups) >= 3 else 0.75, "IP_ADDRESS"))
        return out


_MAC_SHAPES = {":": b"hh:hh:hh:hh:hh:hh", "-": b"hh-hh-hh-hh-hh-hh"}
# IPv4 and IPv6 multicast, broadcast, IEEE 802.1 bridge groups, Cisco protocols (CDP, VTP, PVST+)
_GROUP_PREFIXES = ("01005e", "3333", "ffffffffffff", "0180c2", "01000c")
MAC_RE = re.compile(r"(?<![\w:>-])[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}(?![\w:-])")


def _validate_mac(m: re.Match[str], ctx: ScanContext) -> float | None:
    hexdigits = re.sub(r"[^0-9A-Fa-f]", "", m.group())
    if len(set(hexdigits.lower())) < 3 or not any(c.isalpha() for c in hexdigits) and "-" in m.group():
        return None  # 00:00:00:00:00:00, or dashed all-digit runs that are dates/ids
    if hexdigits.lower().startswith(_GROUP_PREFIXES):
        return None  # a well-known group address (multicast, broadcast, bridge protocols) names no device
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
            shape = ctx.ascii_map(_HEX_CLASSES)  # (computed once per text, then cached)
            if shape is not None and _MAC_SHAPES[sep] not in shape:
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
