"""the account timeline (a read model fed by every service's events)

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision = "0003"
down_revision = "0002"
S = "account"


def upgrade() -> None:
    op.create_table(
        "timeline",
        sa.Column("id", pg.UUID(as_uuid=True), primary_key=True),  # the event id
        sa.Column("org_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("account_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Text, nullable=False, server_default=""),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("details", pg.JSONB, nullable=False, server_default="{}"),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("subject_id", sa.Text, nullable=False, server_default=""),
        schema=S,
    )
    op.create_index("timeline_account", "timeline", ["account_id", sa.text("occurred_at desc"), sa.text("id desc")],
                    schema=S)
