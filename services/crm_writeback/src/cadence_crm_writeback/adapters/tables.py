"""SQLAlchemy table objects for the crm_writeback schema (the migrations are the source of truth)."""

import sqlalchemy as sa
from cadence_platform.outbox import messaging_tables

SCHEMA = "crm_writeback"
metadata = sa.MetaData(schema=SCHEMA)
messaging = messaging_tables(metadata)
