"""Checksum and range validators: pure functions over already-compacted strings.

Each returns a bool and never raises on any input; none keeps or logs the value it checks.
"""

from __future__ import annotations

import hashlib

# --- payment cards ---------------------------------------------------------------------------


# byte b"0".."9" -> the digit sum of twice its value (Luhn's doubled positions)
_LUHN_DOUBLE = bytes(sum(divmod(2 * (c - 48), 10)) if 48 <= c <= 57 else 0 for c in range(256))


def luhn_ok(digits: str) -> bool:
    """Luhn mod 10, summed by C-level byte operations (no Python loop over the digits)."""
    if not digits.isdigit() or not digits.isascii():
        return False
    b = digits.encode("ascii")[::-1]
    plain = b[0::2]
    total = sum(plain) - 48 * len(plain) + sum(b[1::2].translate(_LUHN_DOUBLE))
    return total % 10 == 0


def card_issuer(digits: str) -> str | None:
    """The issuer whose number range and length fit, or None."""
    n = len(digits)
    p2 = int(digits[:2]) if n >= 2 else -1
    p3 = int(digits[:3]) if n >= 3 else -1
    p4 = int(digits[:4]) if n >= 4 else -1
    p6 = int(digits[:6]) if n >= 6 else -1
    if digits[0] == "4" and n in (13, 16, 19):
        return "visa"
    if (51 <= p2 <= 55 or 2221 <= p4 <= 2720) and n == 16:
        return "mastercard"
    if p2 in (34, 37) and n == 15:
        return "amex"
    if (p4 == 6011 or p2 == 65 or 644 <= p3 <= 649 or 622126 <= p6 <= 622925) and 16 <= n <= 19:
        return "discover"
    if (3500 <= p4 <= 3599 and 16 <= n <= 19) or (p4 in (1800, 2131) and n == 15):
        # JCB: 3528-3589 today; the rest of the 35 block is taken too (for privacy a number in JCB's block
        # is a card), and 1800/2131 are its older 15-digit ranges
        return "jcb"
    if (300 <= p3 <= 305 or p2 in (36, 38, 39) or p4 == 3095) and 14 <= n <= 19:
        return "diners"
    if p2 == 62 and 16 <= n <= 19:
        return "unionpay"
    if (p2 == 50 or 56 <= p2 <= 69) and 16 <= n <= 19:
        return "maestro"
    if 2200 <= p4 <= 2204 and 16 <= n <= 19:
        return "mir"
    return None


def credit_card_ok(digits: str) -> bool:
    return 13 <= len(digits) <= 19 and card_issuer(digits) is not None and luhn_ok(digits)


# --- US SSN ----------------------------------------------------------------------------------

_SSN_BLOCKED = {"078051120", "219099999", "123456789", "111111111", "333333333", "987654320"}


def ssn_ok(digits: str) -> bool:
    """SSA rules: area not 000/666/9xx, group not 00, serial not 0000, not a published sample."""
    if len(digits) != 9 or not digits.isdigit():
        return False
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    if area in ("000", "666") or area[0] == "9" or group == "00" or serial == "0000":
        return False
    if digits in _SSN_BLOCKED or len(set(digits)) == 1:
        return False
    return True


# --- IBAN ------------------------------------------------------------------------------------

IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22,
    "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32,
    "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
    "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24,
    "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31,
    "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28, "TL": 23,
    "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}


def iban_ok(compact: str) -> bool:
    """Country length plus ISO 7064 mod-97 == 1. `compact` is upper-case with no separators."""
    if len(compact) < 15 or not compact.isascii() or not compact.isalnum():
        return False
    if IBAN_LENGTHS.get(compact[:2]) != len(compact) or not compact[2:4].isdigit():
        return False
    rearranged = compact[4:] + compact[:4]
    try:
        number = int("".join(str(int(c, 36)) for c in rearranged))
    except ValueError:
        return False
    return number % 97 == 1


# --- crypto addresses ------------------------------------------------------------------------

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58)}


def base58check_ok(address: str, versions: frozenset[int] = frozenset({0, 5, 111, 196})) -> bool:
    num = 0
    for c in address:
        v = _B58_INDEX.get(c)
        if v is None:
            return False
        num = num * 58 + v
    raw = num.to_bytes((num.bit_length() + 7) // 8, "big")
    pad = len(address) - len(address.lstrip("1"))
    raw = b"\x00" * pad + raw
    if len(raw) != 25 or raw[0] not in versions:
        return False
    check = hashlib.sha256(hashlib.sha256(raw[:-4]).digest()).digest()[:4]
    return check == raw[-4:]


_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_INDEX = {c: i for i, c in enumerate(_BECH32)}


def _bech32_polymod(values: list[int]) -> int:
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            if (top >> i) & 1:
                chk ^= gen[i]
    return chk


def bech32_ok(address: str) -> bool:
    """BIP-173 / BIP-350 (bech32 and bech32m) checksum for bc1/tb1 segwit addresses."""
    if address.lower() != address and address.upper() != address:
        return False
    a = address.lower()
    pos = a.rfind("1")
    if pos < 1 or pos + 7 > len(a) or len(a) > 90:
        return False
    hrp, data = a[:pos], a[pos + 1:]
    if hrp not in ("bc", "tb"):
        return False
    try:
        values = [_BECH32_INDEX[c] for c in data]
    except KeyError:
        return False
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    return _bech32_polymod(expanded + values) in (1, 0x2BC830A3)


def _keccak256(data: bytes) -> bytes:
    """Original Keccak-256 (Ethereum's), not NIST SHA3-256. Only used on 20-byte inputs."""
    rc = [
        0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
        0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
        0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
        0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
        0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
        0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
    ]
    rot = [[0, 36, 3, 41, 18], [1, 44, 10, 45, 2], [62, 6, 43, 15, 61], [28, 55, 25, 21, 56],
           [27, 20, 39, 8, 14]]
    mask = (1 << 64) - 1
    rate = 136
    msg = bytearray(data) + b"\x01"
    while len(msg) % rate:
        msg.append(0)
    msg[-1] |= 0x80
    s = [[0] * 5 for _ in range(5)]
    for off in range(0, len(msg), rate):
        for i in range(rate // 8):
            s[i % 5][i // 5] ^= int.from_bytes(msg[off + 8 * i: off + 8 * i + 8], "little")
        for rnd in range(24):
            c = [s[x][0] ^ s[x][1] ^ s[x][2] ^ s[x][3] ^ s[x][4] for x in range(5)]
            d = [c[(x - 1) % 5] ^ (((c[(x + 1) % 5] << 1) | (c[(x + 1) % 5] >> 63)) & mask)
                 for x in range(5)]
            s = [[s[x][y] ^ d[x] for y in range(5)] for x in range(5)]
            b = [[0] * 5 for _ in range(5)]
            for x in range(5):
                for y in range(5):
                    r = rot[x][y]
                    v = s[x][y]
                    b[y][(2 * x + 3 * y) % 5] = ((v << r) | (v >> (64 - r))) & mask if r else v
            s = [[b[x][y] ^ ((~b[(x + 1) % 5][y]) & b[(x + 2) % 5][y]) for y in range(5)]
                 for x in range(5)]
            s[0][0] ^= rc[rnd]
    out = b"".join(s[i % 5][i // 5].to_bytes(8, "little") for i in range(4))
    return out[:32]


def eth_address_ok(address: str, check_case: bool = True) -> bool:
    """0x + 40 hex; with `check_case`, a mixed-case address must carry a valid EIP-55 checksum."""
    if len(address) != 42 or address[:2] not in ("0x", "0X"):
        return False
    body = address[2:]
    try:
        int(body, 16)
    except ValueError:
        return False
    if len(set(body)) < 6:  # 0x000…0, 0xfff…f: placeholders, not addresses
        return False
    if body.islower() or body.isupper() or body.isdigit() or not check_case:
        return True
    digest = _keccak256(body.lower().encode()).hex()
    for ch, h in zip(body, digest):
        if ch.isalpha() and (ch.isupper() != (int(h, 16) >= 8)):
            return False
    return True
