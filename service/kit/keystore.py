"""Per-client data keys under the master keys (envelope encryption).

Threat model and invariants:
- Each client has one Fernet data key. It is stored only wrapped (Fernet-encrypted) by the master keys,
  a MultiFernet: the first master key wraps, all of them unwrap. A copy of the database alone opens
  nothing; re-wrapping (`rewrap_all`, `gateway rotate-keys`) lets an old master key be retired without
  re-encrypting any record.
- Deleting a client's key row crypto-shreds what was encrypted under it. Each key generation has its
  own row id, and records reference it with ON DELETE CASCADE, so the database removes their ciphertext
  with the key and refuses a late insert under a key that no longer exists.
- Unwrapped keys stay in memory only tagged with the auth epoch they were read under and are reused
  only while the caller's epoch is the same. Erasure bumps the epoch in its transaction, and every
  request reads the epoch freshly when it arrives, so no worker keeps using a shredded key.
- Neither keys nor plaintext ever appear in a repr, log line or error message.
"""

from __future__ import annotations

import asyncio
import secrets

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from service.config import ConfigError
from service.kit.crypto import Ciphertext
from service.models import ClientDataKey
from service.models.types import utcnow

_REWRAP_CHUNK = 500
_CACHE_LIMIT = 100_000


class MasterKeyMismatch(ConfigError):
    """Stored data keys do not open under the configured master keys (one line, no secret)."""


class DataKey:
    """An unwrapped data key: its row id (which generation) and its Fernet."""

    __slots__ = ("id", "fernet")

    def __init__(self, key_id: str, fernet: Fernet) -> None:
        self.id = key_id
        self.fernet = fernet

    def __repr__(self) -> str:
        return f"DataKey(id={self.id!r}, <secret>)"


class DataKeyStore:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], master: MultiFernet) -> None:
        self._sessionmaker = sessionmaker
        self._master = master
        self._epoch = -1
        self._keys: dict[str, DataKey] = {}
        self._inflight: dict[tuple[str, int, bool], asyncio.Future[DataKey | None]] = {}

    def __repr__(self) -> str:
        return f"DataKeyStore(cached={len(self._keys)}, epoch={self._epoch})"

    # -- lookups -----------------------------------------------------------------------------------
    async def fernet_for(self, client_id: str, epoch: int) -> Fernet:
        """The client's data key, created on first use. `epoch` is the auth epoch of the caller's request."""
        return (await self.key_for(client_id, epoch)).fernet

    async def key_for(self, client_id: str, epoch: int) -> DataKey:
        """Like `fernet_for`, with the key's row id (records reference the generation they use)."""
        key = await self._lookup(client_id, epoch, create=True)
        assert key is not None
        return key

    async def existing_key(self, client_id: str, epoch: int, *, session: AsyncSession | None = None) -> DataKey | None:
        """The client's data key if it has one; never creates one (reads must not mint keys).

        With `session`, a cache miss is read inside the caller's transaction (on SQLite a second
        connection would wait for the caller's write lock)."""
        if session is not None:
            if epoch == self._epoch and (cached := self._keys.get(client_id)) is not None:
                return cached
            row = await session.scalar(select(ClientDataKey).where(ClientDataKey.client_id == client_id))
            return self._unwrap(row) if row is not None else None
        return await self._lookup(client_id, epoch, create=False)

    async def _lookup(self, client_id: str, epoch: int, *, create: bool) -> DataKey | None:
        if epoch > self._epoch:
            # A newer epoch: anything unwrapped earlier may have been shredded since.
            self._keys.clear()
            self._epoch = epoch
        if epoch == self._epoch:
            cached = self._keys.get(client_id)
            if cached is not None:
                return cached
        # Single flight: a burst of first requests of one client loads (or creates) the key once.
        flight = (client_id, epoch, create)
        pending = self._inflight.get(flight)
        if pending is not None:
            try:
                return await asyncio.shield(pending)
            except asyncio.CancelledError:
                if not pending.cancelled():
                    raise  # this caller was cancelled
                # The loading request was cancelled (its client went away): load for ourselves.
        future: asyncio.Future[DataKey | None] = asyncio.get_running_loop().create_future()
        self._inflight[flight] = future
        try:
            key = await self._load(client_id, create=create)
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: waiters re-raise it, nobody else must log it
            raise
        else:
            future.set_result(key)
        finally:
            if self._inflight.get(flight) is future:
                del self._inflight[flight]
        if key is not None and epoch == self._epoch:
            # Only a key read under the current epoch may be reused; an older request's read is used once.
            if len(self._keys) >= _CACHE_LIMIT:
                self._keys.clear()
            self._keys[client_id] = key
        return key

    async def _load(self, client_id: str, *, create: bool) -> DataKey | None:
        async with self._sessionmaker() as session:
            row = await session.scalar(select(ClientDataKey).where(ClientDataKey.client_id == client_id))
        if row is not None:
            return self._unwrap(row)
        if not create:
            return None
        raw = Fernet.generate_key()
        row = ClientDataKey(id=secrets.token_hex(16), client_id=client_id,
                            wrapped_key=Ciphertext(self._master.encrypt(raw)), created_at=utcnow())
        try:
            async with self._sessionmaker() as session:
                session.add(row)
                await session.commit()
        except IntegrityError:
            # Another worker created it first: use theirs, so a client never has two live keys.
            async with self._sessionmaker() as session:
                row = await session.scalar(select(ClientDataKey).where(ClientDataKey.client_id == client_id))
            if row is None:
                raise
            return self._unwrap(row)
        return DataKey(row.id, Fernet(raw))

    def _unwrap(self, row: ClientDataKey) -> DataKey:
        try:
            raw = self._master.decrypt(row.wrapped_key.token)
        except InvalidToken:
            raise MasterKeyMismatch("a client data key does not decrypt under GATEWAY_MASTER_KEYS "
                                    "(wrong or missing master key?)") from None
        return DataKey(row.id, Fernet(raw))

    async def current_key_id(self, client_id: str) -> str | None:
        """The id of the client's stored key right now (None after an erasure), bypassing the cache."""
        async with self._sessionmaker() as session:
            return await session.scalar(select(ClientDataKey.id).where(ClientDataKey.client_id == client_id))

    def forget(self, client_id: str) -> None:
        """Drop a cached key in this process (other processes drop theirs on the epoch bump)."""
        self._keys.pop(client_id, None)

    # -- operations --------------------------------------------------------------------------------
    async def destroy(self, session: AsyncSession, client_id: str) -> bool:
        """Delete the client's data key in the caller's transaction (crypto-shredding); True if it had one.

        The caller must bump the auth epoch in the same transaction so other workers drop their copy."""
        result = await session.execute(delete(ClientDataKey).where(ClientDataKey.client_id == client_id))
        self.forget(client_id)
        return bool(result.rowcount)

    async def rewrap_all(self) -> int:
        """Re-wrap every data key under the first master key; returns how many keys were re-wrapped.

        Fails (MasterKeyMismatch) before changing anything in a chunk if a key does not unwrap under the
        configured master keys, so a half-configured rotation never destroys keys."""
        count = 0
        after = ""
        while True:
            async with self._sessionmaker() as session:
                rows = (await session.scalars(select(ClientDataKey).where(ClientDataKey.id > after)
                                              .order_by(ClientDataKey.id).limit(_REWRAP_CHUNK))).all()
                if not rows:
                    return count
                now = utcnow()
                for row in rows:
                    try:
                        token = self._master.rotate(row.wrapped_key.token)
                    except InvalidToken:
                        raise MasterKeyMismatch("a client data key does not decrypt under GATEWAY_MASTER_KEYS; "
                                                "list the old master key after the new one and retry") from None
                    await session.execute(update(ClientDataKey).where(ClientDataKey.id == row.id)
                                          .values(wrapped_key=Ciphertext(token), rewrapped_at=now))
                await session.commit()
                count += len(rows)
                after = rows[-1].id

    async def verify_all(self) -> None:
        """Raise MasterKeyMismatch (one line) unless every stored data key unwraps under the master keys."""
        after = ""
        total = bad = 0
        while True:
            async with self._sessionmaker() as session:
                rows = (await session.execute(select(ClientDataKey.id, ClientDataKey.wrapped_key)
                                              .where(ClientDataKey.id > after).order_by(ClientDataKey.id)
                                              .limit(_REWRAP_CHUNK))).all()
            if not rows:
                break
            for _, wrapped in rows:
                total += 1
                try:
                    self._master.decrypt(wrapped.token)
                except InvalidToken:
                    bad += 1
            after = rows[-1][0]
        if bad:
            raise MasterKeyMismatch(f"{bad} of {total} client data keys do not decrypt under GATEWAY_MASTER_KEYS "
                                    "(wrong or missing master key; after a rotation keep the old key listed "
                                    "until `gateway rotate-keys` has run)")

    async def count(self) -> int:
        async with self._sessionmaker() as session:
            return int(await session.scalar(select(func.count()).select_from(ClientDataKey)) or 0)
