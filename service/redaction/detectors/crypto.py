"""CRYPTO: bitcoin (base58check P2PKH/P2SH, bech32/bech32m segwit) and ethereum (EIP-55) addresses."""

from __future__ import annotations

import re

from service.redaction.detectors.base import Candidate, Recognizer, ScanContext
from service.redaction.detectors.validators import base58check_ok, bech32_ok, eth_address_ok

B58_RE = re.compile(r"[13][1-9A-HJ-NP-Za-km-z]{25,34}")
BECH_RE = re.compile(r"(?<![A-Za-z0-9>])(?:bc|BC)1[02-9ac-hj-np-zAC-HJ-NP-Z]{6,87}(?![A-Za-z0-9<])")
ETH_RE = re.compile(r"0[xX][0-9a-fA-F]{40}")


class CryptoRecognizer(Recognizer):
    name = "crypto"
    entities = ("CRYPTO",)

    def find(self, ctx: ScanContext) -> list[Candidate]:
        text = ctx.text
        out: list[Candidate] = []
        n = len(text)
        for m in B58_RE.finditer(text):
            s, e = m.span()
            if (s and (text[s - 1].isalnum() or text[s - 1] == ">")) or (e < n and (text[e].isalnum() or text[e] == "<")):
                continue  # part of a longer token (hash, base64, key)
            if base58check_ok(m.group()):
                out.append((s, e, 1.0, "CRYPTO"))
        if "bc1" in text or "BC1" in text:
            for m in BECH_RE.finditer(text):
                if bech32_ok(m.group()):
                    out.append((m.start(), m.end(), 1.0, "CRYPTO"))
        if "0x" in text or "0X" in text:
            for m in ETH_RE.finditer(text):
                s, e = m.span()
                if (s and (text[s - 1].isalnum() or text[s - 1] == ">")) or (e < n and (text[e].isalnum() or text[e] == "<")):
                    continue
                # EIP-55 case errors still name a wallet: keep them (keccak in Python costs ~0.5 ms)
                if eth_address_ok(m.group(), check_case=False):
                    out.append((m.start(), m.end(), 0.9, "CRYPTO"))
        return out


CRYPTO = CryptoRecognizer()
