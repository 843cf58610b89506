"""SQLAlchemy table objects for the notes schema (the migrations are the source of truth)."""

import sqlalchemy as sa

from cadence_platform.outbox import messaging_tables

SCHEMA = "notes"
metadata = sa.MetaData(schema=SCHEMA)
messaging = messaging_tables(metadata)
