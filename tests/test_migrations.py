"""Migrations: upgrade an empty database, downgrade to base, upgrade again, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

import service.models  # noqa: F401
from service.cli import alembic_config
from service.config import Settings
from service.db import Base
from tests.fixtures.database import scratch_postgres


async def _tables(url: str) -> set[str]:
    engine = create_async_engine(url)
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    await engine.dispose()
    return names - {"alembic_version"}


async def _cycle(url: str, tmp: Path) -> None:
    cfg = alembic_config(Settings(database_url=url, data_dir=tmp, _env_file=None))
    expected = set(Base.metadata.tables)
    await asyncio.to_thread(command.upgrade, cfg, "head")
    assert await _tables(url) == expected
    await asyncio.to_thread(command.downgrade, cfg, "base")
    assert await _tables(url) == set()
    await asyncio.to_thread(command.upgrade, cfg, "head")
    assert await _tables(url) == expected


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_upgrade_downgrade_upgrade(backend: str, tmp_path: Path) -> None:
    if backend == "sqlite":
        await _cycle(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}", tmp_path)
        return
    async with scratch_postgres() as url:
        await _cycle(url, tmp_path)


async def test_models_and_migrations_agree(tmp_path: Path) -> None:
    """autogenerate against a migrated database finds nothing to do."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    url = f"sqlite+aiosqlite:///{tmp_path / 'a.db'}"
    await asyncio.to_thread(command.upgrade, alembic_config(Settings(database_url=url, data_dir=tmp_path,
                                                                     _env_file=None)), "head")
    engine = create_async_engine(url)
    async with engine.connect() as conn:
        diff = await conn.run_sync(lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata))
    await engine.dispose()
    assert diff == []
