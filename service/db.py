"""Database engine, ORM base and the request-scoped session.

One code path for SQLite (aiosqlite; WAL, foreign keys on, real BEGIN so transactions and savepoints
behave) and PostgreSQL (asyncpg, pooled). Only the ORM or bound parameters ever reach SQL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine, MetaData, event
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def create_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    if is_sqlite(url):
        engine = create_async_engine(url, connect_args={"timeout": 30})
        _configure_sqlite(engine.sync_engine)
        return engine
    return create_async_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True,
                               pool_recycle=1800)


def sqlite_file_engine(url: str, *, wait: bool = True) -> Engine | None:
    """A synchronous engine (stdlib sqlite3) on the same SQLite file, configured like the async one;
    None for an in-memory database, which another connection would not see.

    `wait=False` makes a connection that never blocks: a locked database is an immediate error instead
    of a wait of up to 30 s, and it leaves WAL checkpoints (which sync the file) to other connections.
    Only such a connection may be used on the event loop's thread."""
    parsed = make_url(url)
    if not parsed.database or parsed.database == ":memory:" or parsed.query.get("mode") == "memory":
        return None
    engine = create_sync_engine(parsed.set(drivername="sqlite"),
                                connect_args={"timeout": 30 if wait else 0, "check_same_thread": False})
    _configure_sqlite(engine, busy_timeout_ms=30000 if wait else 0, autocheckpoint=wait)
    return engine


def _configure_sqlite(engine: Engine, *, busy_timeout_ms: int = 30000, autocheckpoint: bool = True) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001
        # Let SQLAlchemy emit BEGIN itself (pysqlite's implicit transactions break SAVEPOINT).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        if not autocheckpoint:
            cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # noqa: ANN001
        # IMMEDIATE takes the write lock up front, so concurrent writers queue on busy_timeout instead of
        # failing with "database is locked" when a read transaction tries to upgrade.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A session per request: commits when the handler succeeds, rolls back on any exception."""
    sessionmaker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    async with sessionmaker() as session:
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        else:
            await session.commit()


# scope="function": the commit finishes before the response starts, so a 2xx means committed.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
