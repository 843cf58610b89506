"""orgs, users, API tokens, audit log, and the messaging tables

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op
from cadence_platform.migrations import create_messaging_tables
from sqlalchemy.dialects import postgresql as pg

revision = "0001"
down_revision = None
S = "account"


def upgrade() -> None:
    op.create_table(
        "orgs",
        sa.Column("id", pg.UUID(as_uuid=True), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("slug", sa.Text, nullable=False, unique=True),
        sa.Column("settings", pg.JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("version", sa.BigInteger, nullable=False, server_default="1"),
        schema=S,
    )
    op.create_table(
        "users",
        sa.Column("id", pg.UUID(as_uuid=True), primary_key=True),
        sa.Column("org_id", pg.UUID(as_uuid=True), sa.ForeignKey(f"{S}.orgs.id"), nullable=False),
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("version", sa.BigInteger, nullable=False, server_default="1"),
        sa.CheckConstraint("role in ('admin', 'csm', 'rep')", name="users_role"),
        schema=S,
    )
    # Login is by e-mail alone, so an e-mail names one user across all orgs.
    op.create_index("users_email", "users", [sa.text("lower(email)")], unique=True, schema=S)
    op.create_index("users_org_role", "users", ["org_id", "role"], schema=S)
    op.create_table(
        "api_tokens",
        sa.Column("id", pg.UUID(as_uuid=True), primary_key=True),
        sa.Column("org_id", pg.UUID(as_uuid=True), sa.ForeignKey(f"{S}.orgs.id"), nullable=False),
        sa.Column("user_id", pg.UUID(as_uuid=True), sa.ForeignKey(f"{S}.users.id"), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("scopes", pg.ARRAY(sa.Text), nullable=False),
        sa.Column("prefix", sa.Text, nullable=False),
        sa.Column("secret_hash", sa.Text, nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("expires_at", sa.DateTime(timezone=True)),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.Column("last_used_at", sa.DateTime(timezone=True)),
        schema=S,
    )
    op.create_index("api_tokens_org", "api_tokens", ["org_id", "created_at"], schema=S)
    op.create_table(
        "audit_log",
        sa.Column("id", pg.UUID(as_uuid=True), primary_key=True),  # the audit.recorded event id
        sa.Column("org_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("actor_user_id", sa.Text, nullable=False),
        sa.Column("actor_email", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("target_type", sa.Text, nullable=False),
        sa.Column("target_id", sa.Text, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("changes", pg.JSONB, nullable=False),
        sa.Column("service", sa.Text, nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        schema=S,
    )
    op.create_index("audit_log_org_time", "audit_log", ["org_id", "occurred_at", "id"], schema=S)
    create_messaging_tables(S)
