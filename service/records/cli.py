"""`gateway rotate-keys` and `gateway purge`: called by `service.cli` with resolved settings.

Both print one JSON object on stdout and return the process exit code (0 done, 1 the operation failed,
2 bad usage or configuration), with one line on stderr on failure and no traceback (it could quote data).
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import timedelta
from typing import Any

from cryptography.fernet import InvalidToken
from sqlalchemy import select, update

from service.config import ConfigError, Settings
from service.db import create_engine, create_sessionmaker
from service.kit.crypto import master_fernet
from service.kit.keystore import DataKeyStore, MasterKeyMismatch
from service.models import SigningKey
from service.records.retention import purge as purge_records


def _fail(message: str, code: int) -> int:
    print(f"gateway: {message}", file=sys.stderr)
    return code


def _run(coro: Any) -> int:
    try:
        result = asyncio.run(coro)
    except (MasterKeyMismatch, ConfigError) as exc:
        return _fail(str(exc), 2)
    except Exception as exc:  # noqa: BLE001 - one line, no traceback
        return _fail(f"{type(exc).__name__}; is the database reachable and migrated (gateway migrate)?", 1)
    print(json.dumps(result))
    return 0


async def rotate_keys_async(settings: Settings) -> dict[str, int]:
    """Re-wrap every client data key, and the stored JWT signing keys (also wrapped by the master keys),
    under the first master key, so the others can be removed from GATEWAY_MASTER_KEYS afterwards.
    Records are not touched: they are encrypted with the data keys, which do not change."""
    master = master_fernet(settings.master_key_list)
    engine = create_engine(settings.sqlalchemy_url)
    try:
        sessionmaker = create_sessionmaker(engine)
        data_keys = await DataKeyStore(sessionmaker, master).rewrap_all()
        # Signing keys belong to the auth domain, but retiring a master key must not strand them.
        async with sessionmaker() as session:
            rows = (await session.execute(select(SigningKey.kid, SigningKey.encrypted_private_key))).all()
            for kid, token in rows:
                try:
                    rotated = master.rotate(token)
                except InvalidToken:
                    raise MasterKeyMismatch("a stored JWT signing key does not decrypt under GATEWAY_MASTER_KEYS; "
                                            "list the old master key after the new one and retry") from None
                await session.execute(update(SigningKey).where(SigningKey.kid == kid)
                                      .values(encrypted_private_key=rotated))
            await session.commit()
    finally:
        await engine.dispose()
    return {"data_keys_rewrapped": data_keys, "signing_keys_rewrapped": len(rows)}


async def purge_async(settings: Settings, older_than_days: int) -> dict[str, int]:
    engine = create_engine(settings.sqlalchemy_url)
    try:
        deleted = await purge_records(create_sessionmaker(engine), older_than=timedelta(days=older_than_days),
                                      actor="cli")
    finally:
        await engine.dispose()
    return {"records_deleted": deleted, "older_than_days": older_than_days}


async def _check_master_keys(settings: Settings) -> None:
    master = master_fernet(settings.master_key_list)
    engine = create_engine(settings.sqlalchemy_url)
    try:
        sessionmaker = create_sessionmaker(engine)
        try:
            await asyncio.wait_for(DataKeyStore(sessionmaker, master).verify_all(), timeout=30)
            async with sessionmaker() as session:
                tokens = (await asyncio.wait_for(session.scalars(select(SigningKey.encrypted_private_key)),
                                                 timeout=10)).all()
        except MasterKeyMismatch:
            raise
        except Exception:  # noqa: BLE001 - unreachable or not migrated: the server's own start reports that
            return
        bad = 0
        for token in tokens:
            try:
                master.decrypt(token)
            except InvalidToken:
                bad += 1
        if bad:
            raise MasterKeyMismatch(f"{bad} of {len(tokens)} stored JWT signing keys do not decrypt under "
                                    "GATEWAY_MASTER_KEYS (wrong or missing master key)")
    finally:
        await engine.dispose()


def check_master_keys(settings: Settings) -> None:
    """For `gateway serve` before it starts workers: raise MasterKeyMismatch (a ConfigError, one line) if
    any stored data key or signing key does not decrypt under the configured master keys. A database
    that cannot be reached or is not migrated is not reported here (the server's start reports it)."""
    asyncio.run(_check_master_keys(settings))


def rotate_keys(settings: Settings) -> int:
    """`gateway rotate-keys`; returns the exit code."""
    return _run(rotate_keys_async(settings))


def purge(settings: Settings, older_than_days: int | None) -> int:
    """`gateway purge [--older-than DAYS]` (default GATEWAY_RECORD_RETENTION_DAYS); returns the exit code."""
    if older_than_days is None:
        older_than_days = settings.record_retention_days
        if older_than_days <= 0:
            return _fail("GATEWAY_RECORD_RETENTION_DAYS is 0 (keep forever); pass --older-than DAYS to purge", 2)
    if older_than_days < 0:
        return _fail("--older-than must be 0 or more days", 2)
    return _run(purge_async(settings, older_than_days))
