"""CRYPTO: bitcoin (base58check P2PKH/P2SH, bech32/bech32m segwit) and ethereum (EIP-55) addresses.

Gates: a base58 address is 26-35 letters and digits in a row, so in an ASCII view the base58 pattern
runs only inside runs of 26 or more letters and digits (found on a byte map of the view; a match can
neither start nor end across a non-alphanumeric character, so scanning each run alone finds exactly
what one scan of the whole text finds); bech32 needs "bc1"/"BC1", ethereum "0x"/"0X".
"""

from __future__ import annotations

import re
import string

from service.redaction.detectors.base import Candidate, Recognizer, ScanContext, byte_classes, class_runs
from service.redaction.detectors.validators import base58check_ok, bech32_ok, eth_address_ok

B58_RE = re.compile(r"[13][1-9A-HJ-NP-Za-km-z]{25,34}")
BECH_RE = re.compile(r"(?<![A-Za-z0-9>])(?:bc|BC)1[02-9ac-hj-np-zAC-HJ-NP-Z]{6,87}(?![A-Za-z0-9<])")
ETH_RE = re.compile(r"0[xX][0-9a-fA-F]{40}")
_ALNUM = byte_classes({"a": string.ascii_letters + string.digits})
# A base58-shaped token after a wallet cue is an address even when its checksum fails or it holds
# characters base58 leaves out (generators and typos produce such values; for privacy the cue decides).
# It must look random (upper case, lower case and digits), so a word or an id after "wallet" is not one.
_LOOSE_B58 = re.compile(r"[13][A-Za-z0-9]{25,34}")
_WALLET_CUES = re.compile(r"(?<![a-z0-9])(?:wallet|bitcoin|btc|crypto|ethereum|eth|usdt|satoshi|sats)(?![a-z0-9])")


class CryptoRecognizer(Recognizer):
    name = "crypto"
    entities = ("CRYPTO",)

    def find(self, ctx: ScanContext) -> list[Candidate]:
        text = ctx.text
        out: list[Candidate] = []
        n = len(text)
        alnum = ctx.ascii_map(_ALNUM)
        spans = ((0, n),) if alnum is None else class_runs(alnum, b"a", 26)
        for lo, hi in spans:
            for m in B58_RE.finditer(text, lo, hi):
                s, e = m.span()
                if (s and (text[s - 1].isalnum() or text[s - 1] == ">")) or (
                        e < n and (text[e].isalnum() or text[e] == "<")):
                    continue  # part of a longer token (hash, base64, key)
                if base58check_ok(m.group()):
                    out.append((s, e, 1.0, "CRYPTO"))
            for m in _LOOSE_B58.finditer(text, lo, hi):
                s, e = m.span()
                v = m.group()
                if (s and (text[s - 1].isalnum() or text[s - 1] == ">")) or (
                        e < n and (text[e].isalnum() or text[e] == "<")):
                    continue
                if (any(c.isupper() for c in v) and any(c.islower() for c in v) and any(c.isdigit() for c in v[1:])
                        and _WALLET_CUES.search(ctx.context_before(s, 80)) and not base58check_ok(v)):
                    out.append((s, e, 0.8, "CRYPTO"))
        low = ctx.lower  # one search for both spellings of each prefix, then the exact ones
        if "bc1" in low and ("bc1" in text or "BC1" in text):
            # anchored at each "bc1"/"BC1" (the pattern's lookbehind would make a full scan try every
            # position); the bech32 alphabet has no "b" or "1", so matches cannot overlap a later anchor
            starts = []
            for pre in ("bc1", "BC1"):
                i = text.find(pre)
                while i >= 0:
                    starts.append(i)
                    i = text.find(pre, i + 3)
            for i in sorted(starts):
                m = BECH_RE.match(text, i)
                if m is not None and bech32_ok(m.group()):
                    out.append((m.start(), m.end(), 1.0, "CRYPTO"))
        if "0x" in low and ("0x" in text or "0X" in text):
            for m in ETH_RE.finditer(text):
                s, e = m.span()
                if (s and (text[s - 1].isalnum() or text[s - 1] == ">")) or (e < n and (text[e].isalnum() or text[e] == "<")):
                    continue
                # EIP-55 case errors still name a wallet: keep them (keccak in Python costs ~0.5 ms)
                if eth_address_ok(m.group(), check_case=False):
                    out.append((m.start(), m.end(), 0.9, "CRYPTO"))
        return out


CRYPTO = CryptoRecognizer()
