"""Guards of the records domain: one `Annotated` alias per kind of route."""

from __future__ import annotations

from service.auth.guards import require
from service.auth.scopes import Scope

# Own records only, unless the principal's roles read all (auditor, admin): see `records.service`.
RecordsReader = require(Scope.RECORDS_READ)
DataEraser = require(Scope.ADMIN)
