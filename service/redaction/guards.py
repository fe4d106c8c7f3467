from service.auth.guards import Authenticated, require
from service.auth.scopes import Scope

RedactionInvoke = require(Scope.REDACT)
EntitiesRead = Authenticated

__all__ = ["EntitiesRead", "RedactionInvoke"]
