"""SQLAlchemy table objects for the playbook_engine schema (the migrations are the source of truth)."""

import sqlalchemy as sa

from cadence_platform.outbox import messaging_tables

SCHEMA = "playbook_engine"
metadata = sa.MetaData(schema=SCHEMA)
messaging = messaging_tables(metadata)
