"""SQLAlchemy table objects for the account schema (the migrations are the source of truth)."""

from __future__ import annotations

import sqlalchemy as sa
from cadence_platform.outbox import messaging_tables
from sqlalchemy.dialects import postgresql as pg

SCHEMA = "account"
metadata = sa.MetaData(schema=SCHEMA)
messaging = messaging_tables(metadata)

orgs = sa.Table(
    "orgs", metadata,
    sa.Column("id", pg.UUID(as_uuid=True), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("slug", sa.Text, nullable=False),
    sa.Column("settings", pg.JSONB, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
    sa.Column("version", sa.BigInteger, nullable=False, server_default="1"),
)

users = sa.Table(
    "users", metadata,
    sa.Column("id", pg.UUID(as_uuid=True), primary_key=True),
    sa.Column("org_id", pg.UUID(as_uuid=True), nullable=False),
    sa.Column("email", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("role", sa.Text, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
    sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
    sa.Column("version", sa.BigInteger, nullable=False, server_default="1"),
)

api_tokens = sa.Table(
    "api_tokens", metadata,
    sa.Column("id", pg.UUID(as_uuid=True), primary_key=True),
    sa.Column("org_id", pg.UUID(as_uuid=True), nullable=False),
    sa.Column("user_id", pg.UUID(as_uuid=True), nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("scopes", pg.ARRAY(sa.Text), nullable=False),
    sa.Column("prefix", sa.Text, nullable=False),
    sa.Column("secret_hash", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
    sa.Column("expires_at", sa.DateTime(timezone=True)),
    sa.Column("revoked_at", sa.DateTime(timezone=True)),
    sa.Column("last_used_at", sa.DateTime(timezone=True)),
)

audit_log = sa.Table(
    "audit_log", metadata,
    sa.Column("id", pg.UUID(as_uuid=True), primary_key=True),
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
)


def _stamps() -> list[sa.Column]:
    return [sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
            sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now())]


accounts = sa.Table(
    "accounts", metadata,
    sa.Column("id", pg.UUID(as_uuid=True), primary_key=True),
    sa.Column("org_id", pg.UUID(as_uuid=True), nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("domain", sa.Text, nullable=False, server_default=""),
    sa.Column("external_id", sa.Text),
    sa.Column("territory", sa.Text, nullable=False, server_default=""),
    sa.Column("country", sa.Text, nullable=False, server_default=""),
    sa.Column("currency", sa.Text, nullable=False, server_default=""),
    sa.Column("motion", sa.Text, nullable=False, server_default="tech_touch"),
    sa.Column("csm_id", pg.UUID(as_uuid=True)),
    sa.Column("default_rep_id", pg.UUID(as_uuid=True)),
    sa.Column("escalation", pg.JSONB),
    sa.Column("escalated", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("health_band", sa.Text),
    sa.Column("archived_at", sa.DateTime(timezone=True)),
    sa.Column("tech_profile_version", sa.BigInteger, nullable=False, server_default="0"),
    *_stamps(),
    sa.Column("version", sa.BigInteger, nullable=False, server_default="1"),
)

account_reps = sa.Table(
    "account_reps", metadata,
    sa.Column("account_id", pg.UUID(as_uuid=True), primary_key=True),
    sa.Column("user_id", pg.UUID(as_uuid=True), primary_key=True),
)

contacts = sa.Table(
    "contacts", metadata,
    sa.Column("id", pg.UUID(as_uuid=True), primary_key=True),
    sa.Column("org_id", pg.UUID(as_uuid=True), nullable=False),
    sa.Column("account_id", pg.UUID(as_uuid=True), nullable=False),
    sa.Column("external_key", sa.Text),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False, server_default=""),
    sa.Column("email", sa.Text, nullable=False, server_default=""),
    sa.Column("phone", sa.Text, nullable=False, server_default=""),
    sa.Column("role", sa.Text, nullable=False, server_default="other"),
    sa.Column("deleted_at", sa.DateTime(timezone=True)),
    *_stamps(),
    sa.Column("version", sa.BigInteger, nullable=False, server_default="1"),
)

subscriptions = sa.Table(
    "subscriptions", metadata,
    sa.Column("id", pg.UUID(as_uuid=True), primary_key=True),
    sa.Column("org_id", pg.UUID(as_uuid=True), nullable=False),
    sa.Column("account_id", pg.UUID(as_uuid=True), nullable=False),
    sa.Column("external_id", sa.Text),
    sa.Column("vendor", sa.Text, nullable=False),
    sa.Column("product", sa.Text, nullable=False),
    sa.Column("version", sa.Text, nullable=False, server_default=""),
    sa.Column("lifecycle_product_id", sa.Text, nullable=False, server_default=""),
    sa.Column("lifecycle_cycle", sa.Text, nullable=False, server_default=""),
    sa.Column("quantity", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("unit", sa.Text, nullable=False, server_default=""),
    sa.Column("active_users", sa.BigInteger),
    sa.Column("arr_amount", sa.Numeric(18, 2)),
    sa.Column("arr_currency", sa.Text, nullable=False, server_default=""),
    sa.Column("billing_frequency", sa.Text, nullable=False, server_default="annual"),
    sa.Column("term_start", sa.Date),
    sa.Column("renewal_date", sa.Date, nullable=False),
    sa.Column("auto_renew", sa.Boolean),
    sa.Column("channel", sa.Text, nullable=False, server_default=""),
    sa.Column("lifecycle_stage", sa.Text, nullable=False, server_default="active"),
    *_stamps(),
    sa.Column("revision", sa.BigInteger, nullable=False, server_default="1"),
)

tech_entries = sa.Table(
    "tech_entries", metadata,
    sa.Column("account_id", pg.UUID(as_uuid=True), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("vendor", sa.Text, nullable=False),
    sa.Column("product", sa.Text, nullable=False),
    sa.Column("version", sa.Text, nullable=False, server_default=""),
    sa.Column("lifecycle_product_id", sa.Text, nullable=False, server_default=""),
    sa.Column("lifecycle_cycle", sa.Text, nullable=False, server_default=""),
    sa.Column("status", sa.Text, nullable=False),
)

jobs = sa.Table(
    "jobs", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("org_id", pg.UUID(as_uuid=True), nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("state", sa.Text, nullable=False),
    sa.Column("done", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("total", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("errors", pg.JSONB, nullable=False, server_default="[]"),
    sa.Column("warnings", pg.JSONB, nullable=False, server_default="[]"),
    sa.Column("result", pg.JSONB),
    sa.Column("created_by", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
)

timeline = sa.Table(
    "timeline", metadata,
    sa.Column("id", pg.UUID(as_uuid=True), primary_key=True),
    sa.Column("org_id", pg.UUID(as_uuid=True), nullable=False),
    sa.Column("account_id", pg.UUID(as_uuid=True), nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor_id", sa.Text, nullable=False, server_default=""),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("details", pg.JSONB, nullable=False, server_default="{}"),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("subject_id", sa.Text, nullable=False, server_default=""),
)
