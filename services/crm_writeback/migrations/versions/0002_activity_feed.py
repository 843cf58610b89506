"""read models (orgs, accounts, subscriptions, users, renewals) and the CRM activity feed

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision = "0002"
down_revision = "0001"
S = "crm_writeback"
UUID = pg.UUID(as_uuid=True)


def _text(name: str) -> sa.Column:
    return sa.Column(name, sa.Text, nullable=False, server_default="")


def _read_models() -> None:
    op.create_table("orgs", sa.Column("id", UUID, primary_key=True), _text("time_zone"), schema=S)
    op.create_table("accounts", sa.Column("id", UUID, primary_key=True), sa.Column("org_id", UUID, nullable=False),
                    _text("name"), _text("external_id"), schema=S)
    op.create_table("subscriptions", sa.Column("id", UUID, primary_key=True),
                    sa.Column("org_id", UUID, nullable=False), sa.Column("account_id", UUID, nullable=False),
                    _text("external_id"), schema=S)
    op.create_table("users", sa.Column("id", UUID, primary_key=True), sa.Column("org_id", UUID, nullable=False),
                    _text("email"), schema=S)
    # From playbook.started: which subscriptions a renewal groups (an Action does not carry them).
    op.create_table("renewals", sa.Column("id", UUID, primary_key=True), sa.Column("org_id", UUID, nullable=False),
                    sa.Column("subscription_ids", pg.ARRAY(UUID), nullable=False, server_default="{}"), schema=S)


def upgrade() -> None:
    _read_models()
    op.create_table(
        "activities",
        sa.Column("id", UUID, primary_key=True),
        # The feed's order and the connectors' cursor; rows of one org are inserted under an org lock,
        # so a higher sequence is never committed before a lower one of the same org.
        sa.Column("sequence", sa.BigInteger, sa.Identity(always=True), nullable=False, unique=True),
        sa.Column("org_id", UUID, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("source_id", sa.Text, nullable=False),
        _text("subject"), _text("outcome"),
        sa.Column("completed_on", sa.Date, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("account_id", UUID), _text("account_name"), _text("account_external_id"),
        sa.Column("renewal_id", UUID), sa.Column("renewal_date", sa.Date), _text("vendor"), _text("renewal_result"),
        sa.Column("subscription_ids", pg.ARRAY(UUID), nullable=False, server_default="{}"),
        sa.Column("subscription_external_ids", pg.ARRAY(sa.Text), nullable=False, server_default="{}"),
        sa.Column("owner_id", UUID), _text("owner_email"),
        _text("link"),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True)),
        _text("external_id"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("org_id", "kind", "source_id", name="activities_one_per_source"),
        sa.CheckConstraint("kind in ('action_completed', 'run_closed')", name="activities_kind"),
        schema=S,
    )
    op.create_index("activities_org_sequence", "activities", ["org_id", "sequence"], schema=S)
    op.create_index("activities_org_unacknowledged", "activities", ["org_id", "sequence"], schema=S,
                    postgresql_where=sa.text("acknowledged_at is null"))
    op.create_index("activities_renewal", "activities", ["renewal_id"], schema=S)
