"""SQLAlchemy table objects for the knowledge_fanout schema (the migrations are the source of truth)."""

import sqlalchemy as sa

from cadence_platform.outbox import messaging_tables

SCHEMA = "knowledge_fanout"
metadata = sa.MetaData(schema=SCHEMA)
messaging = messaging_tables(metadata)
