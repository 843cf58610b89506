"""What every service's Alembic env.py and first migration share.

A service's migrations/env.py is just `from cadence_platform.migrations import run_env; run_env()`.
Each service keeps its own version table inside its own schema.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy.dialects import postgresql as pg


def run_env() -> None:
    config = context.config
    schema = config.attributes.get("schema", "public")
    engine = sa.create_engine(config.get_main_option("sqlalchemy.url"), poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        conn.execute(sa.text(f'create schema if not exists "{schema}"'))
        conn.commit()
        context.configure(connection=conn, version_table_schema=schema, transaction_per_migration=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def create_messaging_tables(schema: str) -> None:
    """The transactional outbox and the consumer bookkeeping (processed events, aggregate versions)."""
    op.create_table(
        "outbox",
        sa.Column("seq", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("event_id", pg.UUID(as_uuid=True), nullable=False, unique=True),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("headers", pg.JSONB, nullable=False, server_default="{}"),
        sa.Column("partition", sa.SmallInteger, nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("published_at", sa.DateTime(timezone=True)),
        schema=schema,
    )
    op.create_index(
        "outbox_unpublished", "outbox", ["seq"], schema=schema, postgresql_where=sa.text("published_at is null")
    )
    op.create_table(
        "processed_events",
        sa.Column("consumer", sa.Text, primary_key=True),
        sa.Column("event_id", pg.UUID(as_uuid=True), primary_key=True),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=schema,
    )
    op.create_table(
        "aggregate_versions",
        sa.Column("consumer", sa.Text, primary_key=True),
        sa.Column("aggregate_id", sa.Text, primary_key=True),
        sa.Column("version", sa.BigInteger, nullable=False),
        schema=schema,
    )
