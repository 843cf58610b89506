"""the priority read model: each open action's inputs, and what scoring knows of each account

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
S = "scoring"


def upgrade() -> None:
    op.create_table(
        "action_inputs",
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
        schema=S,
    )
    op.create_index("action_inputs_account", "action_inputs", ["org_id", "account_id"], schema=S)
    op.create_index("action_inputs_run", "action_inputs", ["org_id", "run_id"], schema=S)
    # The decay sweep looks for accounts whose priorities were last computed before today.
    op.create_index("action_inputs_computed_on", "action_inputs", ["computed_on", "org_id", "account_id"], schema=S)
    op.create_table(
        "account_flags",
        sa.Column("account_id", sa.Text, primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("escalated", sa.Boolean),
        sa.Column("motion", sa.Text),
        sa.Column("priority_version", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
