"""Operators that turn a detected value into its replacement, and the pseudonym vault.

Formats (stable; clients parse them):
- replace       `<ENTITY_TYPE>`
- mask          the value with its letters/digits masked (separators kept), e.g. `****-****-****-1111`
- hash          `<ENTITY_TYPE:h>` where h = first 16 hex digits of HMAC-SHA256(deployment key,
                "ENTITY_TYPE" NUL canonical(value)); equal values (modulo case/separators/obfuscation) give
                equal hashes within one deployment; not reversible without the key.
- pseudonymize  `<ENTITY_TYPE_N>`, N counted per type from 1; the same canonical value gets the same N
                for as long as one Vault is used (one request, or several chat messages).
- encrypt       `<ENC:ENTITY_TYPE:token>` where token is a Fernet token of the UTF-8 value under the
                client's key; `decrypt_text` reverses it with the same Fernet/MultiFernet.
Threat model: no operator object, vault or error message reveals a value in its repr/str.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from service.redaction.normalize import normalize

OPERATOR_TYPES = ("replace", "mask", "hash", "pseudonymize", "encrypt")
_COMPACT_TYPES = frozenset({"PHONE_NUMBER", "CREDIT_CARD", "US_SSN", "IBAN_CODE", "UK_NINO", "MAC_ADDRESS"})
_SEPARATORS = re.compile(r"[\W_]+")


class OperatorError(ValueError):
    """An operator was asked for with bad options or without the key it needs."""


@dataclass(frozen=True, slots=True)
class OperatorSpec:
    type: str = "replace"
    masking_char: str = "*"
    chars_to_mask: int | None = None  # None: all maskable characters
    from_end: bool = False  # mask the last chars_to_mask characters instead of the first ones
    keep_last: int | None = None  # alternative: mask everything but the last N characters

    def __post_init__(self) -> None:
        if self.type not in OPERATOR_TYPES:
            raise OperatorError(f"operator type must be one of {', '.join(OPERATOR_TYPES)}")
        if len(self.masking_char) != 1 or self.masking_char.isalnum():
            raise OperatorError("masking_char must be one non-alphanumeric character")
        for name in ("chars_to_mask", "keep_last"):
            v = getattr(self, name)
            if v is not None and (not isinstance(v, int) or v < 0 or v > 10_000):
                raise OperatorError(f"{name} must be an integer between 0 and 10000")


@dataclass(frozen=True, slots=True)
class OperatorKeys:
    hmac_key: bytes | None = None
    fernet: Any = None  # cryptography Fernet or MultiFernet

    def __repr__(self) -> str:
        return f"OperatorKeys(hmac_key={'set' if self.hmac_key else None}, fernet={'set' if self.fernet else None})"


def canonical(entity_type: str, value: str) -> str:
    """The form under which two spellings of one value compare equal."""
    v = normalize(value).text
    v = unicodedata.normalize("NFKC", v).casefold()
    if entity_type in _COMPACT_TYPES:
        return _SEPARATORS.sub("", v)
    return " ".join(v.split())


def _encode(value: str) -> bytes:
    return value.encode("utf-8", "surrogatepass")


class Vault:
    """Placeholder <-> value map shared across the messages of one request.

    `placeholder()` hands out `<TYPE_N>`; `restore()` puts the original values back into a text (such
    as a model's reply). Holds plaintext: keep it per request and never log it.
    """

    __slots__ = ("_by_key", "_by_placeholder", "_counters")

    def __init__(self) -> None:
        self._by_key: dict[tuple[str, str], str] = {}
        self._by_placeholder: dict[str, str] = {}
        self._counters: dict[str, int] = {}

    def placeholder(self, entity_type: str, value: str) -> str:
        key = (entity_type, canonical(entity_type, value))
        ph = self._by_key.get(key)
        if ph is None:
            n = self._counters.get(entity_type, 0) + 1
            self._counters[entity_type] = n
            ph = f"<{entity_type}_{n}>"
            self._by_key[key] = ph
            self._by_placeholder[ph] = value
        return ph

    @property
    def mapping(self) -> dict[str, str]:
        return dict(self._by_placeholder)

    _PH = re.compile(r"<[A-Z][A-Z0-9_]*_\d+>")

    def restore(self, text: str) -> str:
        if not self._by_placeholder or "<" not in text:
            return text
        return self._PH.sub(lambda m: self._by_placeholder.get(m.group(), m.group()), text)

    def __len__(self) -> int:
        return len(self._by_placeholder)

    def __repr__(self) -> str:
        return f"Vault(entries={len(self._by_placeholder)})"


def _mask(value: str, spec: OperatorSpec) -> str:
    idx = [i for i, c in enumerate(value) if c.isalnum()] or list(range(len(value)))
    if spec.keep_last is not None:
        chosen = idx[: max(0, len(idx) - spec.keep_last)]
    elif spec.chars_to_mask is None:
        chosen = idx
    elif spec.from_end:
        chosen = idx[len(idx) - min(spec.chars_to_mask, len(idx)):]
    else:
        chosen = idx[: spec.chars_to_mask]
    chars = list(value)
    for i in chosen:
        chars[i] = spec.masking_char
    return "".join(chars)


def apply_operator(entity_type: str, value: str, spec: OperatorSpec, keys: OperatorKeys,
                   vault: Vault | None) -> str:
    t = spec.type
    if t == "replace":
        return f"<{entity_type}>"
    if t == "mask":
        return _mask(value, spec)
    if t == "hash":
        if not keys.hmac_key:
            raise OperatorError("the hash operator needs the deployment HMAC key")
        mac = hmac.new(keys.hmac_key, _encode(entity_type + "\x00" + canonical(entity_type, value)),
                       hashlib.sha256).hexdigest()
        return f"<{entity_type}:{mac[:16]}>"
    if t == "pseudonymize":
        if vault is None:
            raise OperatorError("the pseudonymize operator needs a vault")
        return vault.placeholder(entity_type, value)
    if keys.fernet is None:
        raise OperatorError("the encrypt operator needs the client's data key")
    token = keys.fernet.encrypt(_encode(value)).decode("ascii")
    return f"<ENC:{entity_type}:{token}>"


ENC_RE = re.compile(r"<ENC:([A-Z][A-Z0-9_]{0,47}):(gAAAAA[A-Za-z0-9_\-]+=*)>")


def decrypt_text(text: str, fernet: Any) -> str:
    """Replace every `<ENC:TYPE:token>` that `fernet` can open with the original value.

    Tokens it cannot open (another client's, or tampered) are left exactly as they were.
    """
    from cryptography.fernet import InvalidToken

    def repl(m: re.Match[str]) -> str:
        try:
            return fernet.decrypt(m.group(2).encode("ascii")).decode("utf-8", "surrogatepass")
        except (InvalidToken, ValueError, TypeError):
            return m.group()

    return ENC_RE.sub(repl, text)
