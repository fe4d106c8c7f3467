"""Request records: written by every data-plane request, read back only by their owner or an auditor.

Threat model and invariants:
- Content (redacted input, output) is encrypted with the client's data key (`kit.keystore`) before a
  row is built; the database, its WAL and any dump hold ciphertext only. Inside the ciphertext the
  content is bound to its record id, so a ciphertext copied onto another row of the same client does
  not decrypt as that row.
- Raw (unredacted) input is stored only when `GATEWAY_STORE_RAW_INPUT` is on, and then flagged
  (`raw_input`); asking for it otherwise is a programming error, refused loudly.
- `write_record` returns only once its row is committed (group commit through the shared
  `BatchWriter`); if that cannot happen it raises `ServiceUnavailable` (503), so a route never answers
  without its record.
- A principal without `auditor`/`admin` reads only its own records: the filter is in the query, and
  another client's record is 404, the same answer as a missing one. Reading a record's content writes
  a `record.read` audit event naming the record, committed before the content is returned.
- Erasure deletes a client's records and data key in one transaction and bumps the auth epoch, so no
  worker keeps using the shredded key.
- Nothing here logs content; errors carry fixed messages only.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from cryptography.fernet import InvalidToken
from sqlalchemy.ext.asyncio import AsyncSession

from service.audit import service as audit_service
from service.audit.service import AuditContext
from service.auth.principal import Principal
from service.auth.repository import AuthStateRepository
from service.config import Settings
from service.errors import BadRequest, GatewayError, NotFound, ServiceUnavailable
from service.kit.batching import BatchWriter
from service.kit.crypto import PendingCiphertext
from service.kit.keystore import DataKey, DataKeyStore
from service.kit.pagination import Page, decode_cursor, encode_cursor
from service.kit.text import dumps_surrogatepass
from service.models import RequestRecord
from service.models.types import utcnow
from service.observability import metrics
from service.records.repository import RecordRepository

logger = logging.getLogger("gateway.records")

RECORD_READ = "record.read"
CLIENT_DATA_ERASED = "client.data_erased"
RECORDS_PURGED = "records.purged"

_TABLE = RequestRecord.__table__
_ID_CHARS = frozenset("0123456789abcdef-")


# -- ids ----------------------------------------------------------------------------------------------
class _UUIDv7:
    """RFC 9562 UUIDv7: 48-bit Unix milliseconds, then a 12-bit sequence and 62 random bits.

    Monotonic within a process (the sequence counts up inside a millisecond, seeded randomly), so ids
    sort by creation time and the newest-first listing needs no second sort key."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last_ms = 0
        self._seq = 0

    def __call__(self) -> str:
        with self._lock:
            ms = time.time_ns() // 1_000_000
            if ms > self._last_ms:
                self._last_ms, self._seq = ms, int.from_bytes(os.urandom(2)) & 0x3FF  # headroom to count up
            else:
                self._seq += 1
                if self._seq > 0xFFF:  # 4096 ids in one millisecond: borrow the next one
                    self._last_ms, self._seq = self._last_ms + 1, 0
                ms = self._last_ms
            seq = self._seq
        value = (ms << 80) | (0x7 << 76) | (seq << 64) | (0b10 << 62) | (int.from_bytes(os.urandom(8)) >> 2)
        h = f"{value:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


new_record_id = _UUIDv7()
"""`new_record_id() -> str`: a time-ordered record id (UUIDv7, canonical lowercase form)."""


def is_record_id(value: str) -> bool:
    return len(value) == 36 and set(value) <= _ID_CHARS


# -- writing ------------------------------------------------------------------------------------------
class RecordSinks(Protocol):
    """What `write_record` needs; `request.app.state` provides all of it."""

    writer: BatchWriter
    keystore: DataKeyStore
    settings: Settings
    authenticator: Any  # anything with an `epoch` (the auth epoch read at the start of this request)


def _seal(key: DataKey, record_id: str, content: dict[str, Any], raw: bool) -> PendingCiphertext:
    """The envelope, serialised here (content pydantic-core cannot write as JSON fails its own request) and encrypted
    under the client's data key when the writer binds the batch (see `PendingCiphertext`)."""
    envelope = {"record_id": record_id, "raw": raw, "content": content}
    plaintext = dumps_surrogatepass(envelope)
    return PendingCiphertext(key.fernet, plaintext)


async def write_record(sinks: RecordSinks, *, principal: Principal, route: str, model: str | None, status: int,
                       latency_ms: float, entity_counts: dict[str, int], usage: dict[str, int] | None,
                       content: dict[str, Any] | None, raw: bool = False, record_id: str | None = None,
                       epoch: int | None = None) -> str:
    """Encrypt `content` under the client's data key, store the record and return its id once committed.

    `sinks` is `request.app.state` (writer, keystore, settings, authenticator); `epoch` defaults to
    the authenticator's, i.e. the one read when this request was authenticated. `content` must be
    JSON-serialisable and already redacted unless `raw` is set, which needs `store_raw_input`.
    Raises ServiceUnavailable (503) when the record cannot be committed; ValueError on misuse."""
    settings = sinks.settings
    if raw and not settings.store_raw_input:
        raise ValueError("raw input may be recorded only when GATEWAY_STORE_RAW_INPUT is on")
    if getattr(settings, "record_content", "redacted") == "metadata":
        content = None
    record_id = record_id or new_record_id()
    if not is_record_id(record_id):
        raise ValueError("record ids come from new_record_id()")
    if epoch is None:
        epoch = sinks.authenticator.epoch
    row: dict[str, Any] = {
        "id": record_id, "client_id": principal.client_id, "key_id": principal.key_id, "route": route[:64],
        "model": model[:200] if model else None, "status": int(status), "latency_ms": float(latency_ms),
        "created_at": utcnow(), "entity_counts": {str(k): int(v) for k, v in entity_counts.items()},
        "usage": {str(k): int(v) for k, v in usage.items()} if usage else None,
        "raw_input": bool(raw and content is not None), "data_key_id": None, "content": None,
    }
    for attempt in range(2):
        key: DataKey | None = None
        try:
            if content is not None:
                key = await sinks.keystore.key_for(principal.client_id, epoch)
        except Exception as exc:  # noqa: BLE001 - the key store is the database too
            raise _unavailable(exc, route) from None
        if key is not None:
            # Outside the storage error handling: content that is not JSON is the caller's bug.
            row["data_key_id"], row["content"] = key.id, _seal(key, record_id, content, raw)  # type: ignore[arg-type]
        try:
            await sinks.writer.write([(_TABLE, row)])
            metrics.record_write(True)
            return record_id
        except Exception as exc:  # noqa: BLE001 - every storage failure is the same 503 to the caller
            if attempt == 0 and key is not None and await _key_was_erased(sinks.keystore, principal.client_id, key):
                # The client's data was erased while this request was in flight (the foreign key
                # refused the row): record it under the client's next key instead.
                sinks.keystore.forget(principal.client_id)
                continue
            raise _unavailable(exc, route) from None
    raise AssertionError("unreachable")


def _unavailable(exc: Exception, route: str) -> ServiceUnavailable:
    metrics.record_write(False)
    logger.error("record not written", extra={"exc_type": type(exc).__name__, "route": route[:64]})
    return ServiceUnavailable("The request could not be recorded; try again shortly.", headers={"Retry-After": "1"})


async def _key_was_erased(keystore: DataKeyStore, client_id: str, key: DataKey) -> bool:
    try:
        return await keystore.current_key_id(client_id) != key.id
    except Exception:  # noqa: BLE001 - the database is down: not an erasure
        return False


# -- reading ------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RecordContent:
    """A record with its decrypted content. `content_state`: "ok", "none" (metadata-only record) or
    "unavailable" (its key was shredded or the ciphertext does not belong to this record)."""

    record: RequestRecord
    content: dict[str, Any] | None
    content_state: str

    def __repr__(self) -> str:
        return f"RecordContent(id={self.record.id!r}, content_state={self.content_state!r})"


def _as_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _owner(principal: Principal) -> str | None:
    return None if principal.reads_all else principal.client_id


async def list_records(session: AsyncSession, principal: Principal, *, limit: int, cursor: str | None,
                       client_id: str | None = None, since: datetime | None = None, until: datetime | None = None,
                       route: str | None = None) -> Page[Any]:
    """Record metadata, newest first. Principals that cannot read all records see only their own,
    whatever `client_id` they ask for (another client's id gives an empty page, not an error)."""
    before_id = None
    if cursor:
        before_id = decode_cursor(cursor)
        if not is_record_id(before_id):
            raise BadRequest("The cursor is not valid.")
    rows = await RecordRepository(session).list(owner=_owner(principal), limit=limit + 1, before_id=before_id,
                                                client_id=client_id, since=_as_utc(since), until=_as_utc(until),
                                                route=route)
    more = len(rows) > limit
    rows = list(rows[:limit])
    return Page(items=rows, next_cursor=encode_cursor(rows[-1].id) if more and rows else None)


async def read_record(session: AsyncSession, keystore: DataKeyStore, principal: Principal, record_id: str, *,
                      epoch: int, ctx: AuditContext | None = None) -> RecordContent:
    """One record with its decrypted content; NotFound when it does not exist or is not the caller's.

    The `record.read` audit event is added to the caller's transaction, which commits before the
    response starts (`SessionDep`): content is never served without its trace."""
    record = await RecordRepository(session).get_by_id(record_id, owner=_owner(principal)) \
        if is_record_id(record_id) else None
    if record is None:
        raise NotFound("No record with this id.")
    content, state = None, "none"
    if record.content is not None:
        content, state = await _open(session, keystore, record, epoch)
    audit_service.record_in(session, RECORD_READ, ctx=ctx, actor=principal.client_id, target=f"record:{record.id}",
                            details={"client_id": record.client_id, "content": state})
    await session.flush()
    return RecordContent(record=record, content=content, content_state=state)


async def _open(session: AsyncSession, keystore: DataKeyStore, record: RequestRecord,
                epoch: int) -> tuple[dict[str, Any] | None, str]:
    key = await keystore.existing_key(record.client_id, epoch, session=session)
    if key is None or key.id != record.data_key_id or record.content is None:
        return None, "unavailable"
    try:
        envelope = json.loads(key.fernet.decrypt(record.content.token))
    except (InvalidToken, ValueError):
        return None, "unavailable"
    if not isinstance(envelope, dict) or envelope.get("record_id") != record.id:
        return None, "unavailable"
    return envelope.get("content"), "ok"


# -- erasure ------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Erasure:
    client_id: str
    records_deleted: int
    data_key_destroyed: bool


async def erase_client_data(session: AsyncSession, keystore: DataKeyStore, client_id: str, *,
                            actor: str | None, ctx: AuditContext | None = None) -> Erasure:
    """Delete every record of `client_id` and its data key, bump the auth epoch and add the audit
    event, all in the caller's transaction (flushes, never commits). Idempotent."""
    deleted = await RecordRepository(session).delete_for_client(client_id)
    destroyed = await keystore.destroy(session, client_id)
    await AuthStateRepository(session).bump()
    audit_service.record_in(session, CLIENT_DATA_ERASED, ctx=ctx, actor=actor, target=f"client:{client_id}",
                            details={"records": deleted, "data_key": destroyed})
    await session.flush()
    return Erasure(client_id=client_id, records_deleted=deleted, data_key_destroyed=destroyed)


# -- leaving a record of a data-plane request -------------------------------------------------------
@dataclass
class Recorder:
    """Filled in by a route while it works; written when the `record_request` block ends."""

    record_id: str
    outcome: Any = None  # prediction Outcome (counts, redacted input/output, usage, model)
    entity_types: list[str] = field(default_factory=list)  # redaction routes: what was found
    raw_input: Any = None  # kept only when GATEWAY_STORE_RAW_INPUT is on


def _content(rec: Recorder) -> dict[str, Any] | None:
    outcome = rec.outcome
    if outcome is None:
        return None  # /v1/redact keeps metadata only (data minimisation)
    return {"input": outcome.redacted_input, "output": outcome.redacted_output}


class record_request:  # noqa: N801 - used as a function: `async with record_request(...) as rec`
    """Every data-plane request leaves a record, failures included (with their status and no content).

    On success the record is committed before the block returns, so the response that follows is
    backed by it; if it cannot be stored the request fails with 503 instead of answering unrecorded.
    (A class rather than an `asynccontextmanager`: this is on every data-plane request, and a generator
    based one costs an async generator, its finaliser hooks and a throw per block.)"""

    __slots__ = ("_sinks", "_principal", "_route", "_model", "_started", "_rec")

    def __init__(self, sinks: RecordSinks, principal: Principal, *, route: str, model: str | None,
                 started: float) -> None:
        self._sinks, self._principal, self._route, self._model = sinks, principal, route, model
        self._started = started
        self._rec = Recorder(new_record_id())

    async def __aenter__(self) -> Recorder:
        return self._rec

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: object) -> bool:
        sinks, rec, route = self._sinks, self._rec, self._route
        latency_ms = (time.perf_counter() - self._started) * 1000
        usage = getattr(rec.outcome, "usage", None)
        if exc is not None:
            if isinstance(exc, Exception):  # not a cancellation: the failure is recorded, then re-raised
                status = exc.status_code if isinstance(exc, GatewayError) else 500
                try:
                    await write_record(sinks, principal=self._principal, route=route, model=self._model,
                                       status=status, latency_ms=latency_ms, entity_counts=_counts(rec),
                                       usage=usage, content=None, record_id=rec.record_id)
                except ServiceUnavailable:
                    logger.warning("record of a failed request could not be stored", extra={"route": route})
            return False
        raw = bool(rec.raw_input is not None and sinks.settings.store_raw_input)
        content = _content(rec)
        if raw:
            content = {**(content or {}), "raw_input": rec.raw_input}
        await write_record(sinks, principal=self._principal, route=route,
                           model=getattr(rec.outcome, "model", None) or self._model, status=200,
                           latency_ms=latency_ms, entity_counts=_counts(rec), usage=usage, content=content,
                           raw=raw, record_id=rec.record_id)
        return False


def _counts(rec: Recorder) -> dict[str, int]:
    outcome = rec.outcome
    found = [c for c in (outcome.input_counts, outcome.output_counts) if c] if outcome is not None else []
    if not rec.entity_types and not found:
        return {}  # most prompts hold no personal data
    counts: Counter[str] = Counter(rec.entity_types)
    for c in found:
        counts.update(c)
    return dict(counts)
