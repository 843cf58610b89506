"""SQLAlchemy table objects for the scoring schema (the migrations are the source of truth)."""

import sqlalchemy as sa

from cadence_platform.outbox import messaging_tables

SCHEMA = "scoring"
metadata = sa.MetaData(schema=SCHEMA)
messaging = messaging_tables(metadata)
