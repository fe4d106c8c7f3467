"""Roles and the scopes they grant (API.md). A credential never holds a scope its client's roles lack."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from service.auth.scopes import Scope


class Role(StrEnum):
    ADMIN = "admin"
    AUDITOR = "auditor"
    PREDICTOR = "predictor"
    REDACTOR = "redactor"


ROLE_SCOPES: dict[Role, frozenset[Scope]] = {
    Role.ADMIN: frozenset(Scope),
    Role.AUDITOR: frozenset({Scope.RECORDS_READ, Scope.AUDIT_READ}),
    Role.PREDICTOR: frozenset({Scope.PREDICT, Scope.REDACT}),
    Role.REDACTOR: frozenset({Scope.REDACT}),
}

# Roles that may read every client's records and audit data, not only their own.
READ_ALL_ROLES = frozenset({Role.ADMIN, Role.AUDITOR})


def scopes_for_roles(roles: Iterable[str]) -> frozenset[str]:
    granted: set[str] = set()
    for role in roles:
        granted |= ROLE_SCOPES.get(Role(role), frozenset()) if role in Role._value2member_map_ else set()
    return frozenset(granted)


_SCOPE_ORDER = {s.value: i for i, s in enumerate(Scope)}


def ordered(scopes: Iterable[str]) -> list[str]:
    """Scopes in the canonical order of the `Scope` enum (stable output for tokens and responses)."""
    return sorted((s for s in set(scopes) if s in _SCOPE_ORDER), key=_SCOPE_ORDER.__getitem__)
