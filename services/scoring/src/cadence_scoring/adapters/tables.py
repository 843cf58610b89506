"""SQLAlchemy table objects for the scoring schema (the migrations are the source of truth)."""

import sqlalchemy as sa

from cadence_platform.outbox import messaging_tables

SCHEMA = "scoring"
metadata = sa.MetaData(schema=SCHEMA)
messaging = messaging_tables(metadata)

# The read model of each open action's priority inputs (fed by the engine's events).
action_inputs = sa.Table(
    "action_inputs", metadata,
    sa.Column("action_id", sa.Text, primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("account_id", sa.Text, nullable=False),
    sa.Column("run_id", sa.Text, nullable=False, server_default=""),
    sa.Column("action_version", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("due_date", sa.Date, nullable=False),
    sa.Column("renewal_date", sa.Date),
    sa.Column("arr_reporting", sa.Float, nullable=False, server_default="0"),
    sa.Column("escalated", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("motion", sa.Text, nullable=False, server_default=""),
    sa.Column("current_step", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("lapsed", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("kind", sa.Text, nullable=False, server_default=""),
    sa.Column("adhoc", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("status", sa.Text, nullable=False, server_default="open"),
    sa.Column("priority", sa.Integer),
    sa.Column("computed_on", sa.Date),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
)

# What scoring knows of each account: the flags it overlays on newer action events (NULL = not
# heard yet, keep the action's own value) and the version of its priority.updated events.
account_flags = sa.Table(
    "account_flags", metadata,
    sa.Column("account_id", sa.Text, primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("escalated", sa.Boolean),
    sa.Column("motion", sa.Text),
    sa.Column("priority_version", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
)
