"""JWT access tokens (RFC 9068 profile) and their signing keys: the only module that imports python-jose.

Threat model and invariants:
- Verification pins the algorithm of the key named by `kid`; the header's `alg` must equal it, so
  `alg: none` and algorithm confusion (an HS256 token "signed" with an RS256 public key) cannot pass,
  and python-jose is always given an explicit one-element `algorithms` list.
- `kid` must be a short token of `[A-Za-z0-9_-]` and name a key we hold: never a path, URL or lookup
  of anything else.
- `typ` must be `at+jwt` (RFC 9068 §4), so no other kind of JWT signed with the same key passes as an
  access token; `iss`, `aud`, `exp`, `nbf`, `iat`, `jti`, `sub` and `client_id` are all required.
- Errors carry an internal reason code for the audit trail; callers answer every failure with the same
  401 so a response never tells which part of a token was wrong.
- Key objects are built once (PEM parsing is slower than the signature itself) and their reprs are masked.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jose import jwk, jwt
from jose.backends.base import Key
from jose.exceptions import ExpiredSignatureError, JWTClaimsError, JWTError

ALLOWED_ALGORITHMS = ("RS256", "ES256", "HS256")
TOKEN_TYPE = "at+jwt"
_KID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_REQUIRED = ("iss", "sub", "aud", "exp", "iat", "nbf", "jti", "client_id")


class TokenError(Exception):
    """A token failed verification. `reason` is an internal code for audit; never shown to callers."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class KeyMaterial:
    kid: str
    algorithm: str
    signer: Key = field(repr=False)
    verifier: Key = field(repr=False)
    public_jwk: dict[str, Any] | None = field(default=None, repr=False)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _thumbprint(public_jwk: dict[str, Any]) -> str:
    """RFC 7638 JWK thumbprint, used as the `kid` of asymmetric keys."""
    members = ("crv", "kty", "x", "y") if public_jwk["kty"] == "EC" else ("e", "kty", "n")
    canonical = json.dumps({m: public_jwk[m] for m in members}, separators=(",", ":"), sort_keys=True)
    return _b64(hashlib.sha256(canonical.encode()).digest())


def generate_private_key(algorithm: str) -> bytes:
    """New private key material: PKCS#8 PEM for RS256/ES256, 32 random bytes for HS256."""
    if algorithm == "RS256":
        key: Any = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    elif algorithm == "ES256":
        key = ec.generate_private_key(ec.SECP256R1())
    elif algorithm == "HS256":
        return secrets.token_bytes(32)
    else:
        raise ValueError("unsupported algorithm")
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def load_key(algorithm: str, private: bytes, kid: str | None = None) -> KeyMaterial:
    """Build signing and verifying key objects once. The kid of an asymmetric key is its thumbprint."""
    if algorithm not in ALLOWED_ALGORITHMS:
        raise ValueError("unsupported algorithm")
    signer = jwk.construct(private, algorithm)
    if algorithm == "HS256":
        return KeyMaterial(kid=kid or _b64(hashlib.sha256(b"kid\x00" + private).digest())[:22],
                           algorithm=algorithm, signer=signer, verifier=signer)
    verifier = signer.public_key()
    public = {k: v for k, v in verifier.to_dict().items() if k in ("kty", "n", "e", "crv", "x", "y")}
    thumb = _thumbprint(public)
    public.update({"kid": kid or thumb, "alg": algorithm, "use": "sig"})
    return KeyMaterial(kid=kid or thumb, algorithm=algorithm, signer=signer, verifier=verifier, public_jwk=public)


def encode_access_token(claims: Mapping[str, Any], key: KeyMaterial) -> str:
    return jwt.encode(dict(claims), key.signer, algorithm=key.algorithm,
                      headers={"kid": key.kid, "typ": TOKEN_TYPE})


def decode_access_token(token: str, keys: Mapping[str, KeyMaterial], *, issuer: str, audience: str,
                        leeway: int = 0) -> dict[str, Any]:
    """Verify signature and claims; raises TokenError(reason)."""
    if len(token) > 8192 or token.count(".") != 2:
        raise TokenError("malformed")
    try:
        header = jwt.get_unverified_header(token)
    except JWTError:
        raise TokenError("malformed") from None
    kid = header.get("kid")
    if not isinstance(kid, str) or not _KID.fullmatch(kid):
        raise TokenError("bad_kid")
    key = keys.get(kid)
    if key is None:
        raise TokenError("unknown_kid")
    if header.get("alg") != key.algorithm:
        raise TokenError("algorithm_mismatch")
    if header.get("typ") != TOKEN_TYPE:
        raise TokenError("wrong_type")
    options = {f"require_{claim}": True for claim in ("iss", "sub", "aud", "exp", "iat", "nbf", "jti")}
    options["leeway"] = leeway
    try:
        claims = jwt.decode(token, key.verifier, algorithms=[key.algorithm], audience=audience, issuer=issuer,
                            options=options)
    except ExpiredSignatureError:
        raise TokenError("expired") from None
    except JWTClaimsError as exc:
        message = str(exc).lower()
        reason = ("bad_audience" if "audience" in message else "bad_issuer" if "issuer" in message
                  else "not_yet_valid" if "not yet valid" in message else "bad_claims")
        raise TokenError(reason) from None
    except JWTError as exc:
        message = str(exc).lower()
        reason = ("not_yet_valid" if "not yet valid" in message else "bad_claims" if "missing required" in message
                  else "bad_signature")
        raise TokenError(reason) from None
    if any(claims.get(c) is None for c in _REQUIRED) or not isinstance(claims.get("scope", ""), str):
        raise TokenError("bad_claims")
    if claims["client_id"] != claims["sub"] or not isinstance(claims["jti"], str):
        raise TokenError("bad_claims")
    return claims
