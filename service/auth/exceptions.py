"""Authentication and authorisation errors.

Every credential failure is the same `InvalidCredential` (401, `WWW-Authenticate: Bearer
error="invalid_token"`) whatever went wrong; the internal reason goes to the audit trail only.
OAuth endpoint errors are RFC 6749 §5.2 JSON, not problem details, as OAuth clients expect.
"""

from __future__ import annotations

from service.errors import Forbidden, GatewayError, NotAuthenticated, TooManyRequests

REALM = 'Bearer realm="gateway"'


class InvalidCredential(NotAuthenticated):
    error = "invalid_token"
    title = "Unauthorized"

    def __init__(self, reason: str = "invalid") -> None:
        super().__init__("The access token or API key is missing, malformed, expired, revoked or invalid.",
                         headers={"WWW-Authenticate": f'{REALM}, error="invalid_token"'})
        self.reason = reason  # internal, for the audit trail


class ScopeMissing(Forbidden):
    error = "insufficient_scope"
    title = "Forbidden"

    def __init__(self, needed: list[str]) -> None:
        scope = " ".join(needed)
        super().__init__(f"This operation needs the scope: {scope}.",
                         headers={"WWW-Authenticate": f'{REALM}, error="insufficient_scope", scope="{scope}"'})


class RoleMissing(Forbidden):
    error = "insufficient_role"


class AuthLockedOut(TooManyRequests):
    error = "locked_out"

    def __init__(self, retry_after: int) -> None:
        super().__init__("Too many failed authentication attempts; try again later.",
                         headers={"Retry-After": str(retry_after)})


class OAuthError(GatewayError):
    """An RFC 6749 §5.2 error from the OAuth endpoints."""

    def __init__(self, error: str, description: str, status: int = 400, headers: dict[str, str] | None = None,
                 reason: str | None = None) -> None:
        super().__init__(description, headers=headers)
        self.oauth_error = error
        self.oauth_status = status
        self.reason = reason or error
