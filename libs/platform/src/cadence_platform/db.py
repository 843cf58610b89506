"""PostgreSQL access: engine and sessions, waiting for the server, creating the database, migrating."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from cadence_platform.retry import startup_wait

log = logging.getLogger(__name__)


def create_engine(database_url: str, *, pool_size: int = 10) -> AsyncEngine:
    return create_async_engine(database_url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def transaction(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One unit of work: state changes and their outbox rows commit together or not at all."""
    async with sessions() as session, session.begin():
        yield session


async def wait_for_database(engine: AsyncEngine, timeout_seconds: float = 60.0) -> None:
    async for attempt in startup_wait("database", timeout_seconds):
        with attempt:
            async with engine.connect() as conn:
                await conn.execute(sa.text("select 1"))


def ensure_database(database_url: str) -> None:
    """Create the database named in the URL if it does not exist (connects to `postgres`)."""
    url = make_url(database_url)
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(sa.text("select 1 from pg_database where datname = :n"), {"n": url.database})
            if exists.scalar() is None:
                try:
                    conn.execute(sa.text(f'create database "{url.database}"'))
                    log.info("created database", extra={"database": url.database})
                except sa.exc.ProgrammingError as exc:  # another service created it a moment ago
                    if "already exists" not in str(exc):
                        raise
    finally:
        admin.dispose()


def drop_database(database_url: str) -> None:
    url = make_url(database_url)
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'drop database if exists "{url.database}" with (force)'))
    finally:
        admin.dispose()


def migrate(database_url: str, migrations_dir: Path, schema: str) -> None:
    """Bring one service's schema to the newest Alembic revision (idempotent; safe on every start)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    config.attributes["schema"] = schema
    command.upgrade(config, "head")
