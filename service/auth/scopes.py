"""Scopes: what a credential may do. Values are `resource:action` strings (API.md)."""

from __future__ import annotations

from enum import StrEnum


class Scope(StrEnum):
    PREDICT = "predict"
    REDACT = "redact"
    RECORDS_READ = "records:read"
    AUDIT_READ = "audit:read"
    ADMIN = "admin"


SCOPE_DESCRIPTIONS: dict[str, str] = {
    Scope.PREDICT: "Call models: /v1/predict and /v1/chat/completions",
    Scope.REDACT: "Redact personal data: /v1/redact and its batch and decrypt forms",
    Scope.RECORDS_READ: "Read request records (own records; auditors and admins read all)",
    Scope.AUDIT_READ: "Read the security audit trail",
    Scope.ADMIN: "Manage clients, API keys and data erasure",
}


def parse_scopes(value: str | None) -> list[str]:
    """Split an RFC 6749 scope string; order kept, duplicates dropped."""
    seen: dict[str, None] = {}
    for item in (value or "").split(" "):
        if item:
            seen.setdefault(item, None)
    return list(seen)
