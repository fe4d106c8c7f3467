"""ORM tables, one per module. Importing this package registers every table on `Base.metadata`."""

from service.models.api_client import ApiClient
from service.models.api_key import ApiKey
from service.models.audit_event import AuditEvent
from service.models.auth_state import AuthState
from service.models.client_data_key import ClientDataKey
from service.models.request_record import RequestRecord
from service.models.revoked_token import RevokedToken
from service.models.signing_key import SigningKey

__all__ = ["ApiClient", "ApiKey", "AuditEvent", "AuthState", "ClientDataKey", "RequestRecord", "RevokedToken",
           "SigningKey"]
