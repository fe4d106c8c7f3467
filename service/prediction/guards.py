from service.auth.guards import Authenticated, require
from service.auth.scopes import Scope

PredictionInvoke = require(Scope.PREDICT)
ModelsRead = Authenticated

__all__ = ["ModelsRead", "PredictionInvoke"]
