"""read models (orgs, users, accounts, subscriptions), playbooks, renewals, runs, actions

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision = "0002"
down_revision = "0001"
S = "playbook_engine"
UUID = pg.UUID(as_uuid=True)


def _now(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


def upgrade() -> None:
    op.create_table("orgs_rm", sa.Column("org_id", UUID, primary_key=True),
                    sa.Column("time_zone", sa.Text, nullable=False), sa.Column("reporting_currency", sa.Text, nullable=False),
                    sa.Column("fx_rates", pg.JSONB, nullable=False, server_default="{}"),
                    sa.Column("playbooks_seeded", sa.Boolean, nullable=False, server_default=sa.false()), schema=S)
    op.create_table("users_rm", sa.Column("user_id", UUID, primary_key=True), sa.Column("org_id", UUID, nullable=False),
                    sa.Column("role", sa.Text, nullable=False), sa.Column("active", sa.Boolean, nullable=False), schema=S)
    op.create_table("accounts_rm", sa.Column("account_id", UUID, primary_key=True),
                    sa.Column("org_id", UUID, nullable=False), sa.Column("name", sa.Text, nullable=False),
                    sa.Column("motion", sa.Text, nullable=False), sa.Column("csm_id", UUID),
                    sa.Column("default_rep_id", UUID), sa.Column("rep_ids", pg.ARRAY(UUID), nullable=False),
                    sa.Column("escalated", sa.Boolean, nullable=False), sa.Column("archived", sa.Boolean, nullable=False),
                    sa.Column("partition", sa.SmallInteger, nullable=False), schema=S)
    op.create_index("accounts_rm_org_partition", "accounts_rm", ["org_id", "partition"], schema=S)
    op.create_table("subscriptions_rm", sa.Column("subscription_id", UUID, primary_key=True),
                    sa.Column("org_id", UUID, nullable=False), sa.Column("account_id", UUID, nullable=False),
                    sa.Column("vendor", sa.Text, nullable=False), sa.Column("vendor_key", sa.Text, nullable=False),
                    sa.Column("renewal_date", sa.Date, nullable=False), sa.Column("term_start", sa.Date),
                    sa.Column("lifecycle_stage", sa.Text, nullable=False), sa.Column("arr_amount", sa.Numeric(18, 2)),
                    sa.Column("arr_currency", sa.Text, nullable=False), schema=S)
    op.create_index("subscriptions_rm_account", "subscriptions_rm", ["account_id", "vendor_key", "renewal_date"],
                    schema=S)
    op.create_index("subscriptions_rm_org_date", "subscriptions_rm", ["org_id", "renewal_date"], schema=S)
    op.create_table("playbooks", sa.Column("id", UUID, primary_key=True), sa.Column("org_id", UUID, nullable=False),
                    sa.Column("name", sa.Text, nullable=False), sa.Column("motion", sa.Text, nullable=False),
                    sa.Column("vendor", sa.Text, nullable=False), sa.Column("lifecycle_stage", sa.Text, nullable=False),
                    sa.Column("trigger_days", sa.Integer, nullable=False), sa.Column("steps", pg.JSONB, nullable=False),
                    sa.Column("active", sa.Boolean, nullable=False), _now("updated_at"),
                    sa.Column("version", sa.BigInteger, nullable=False, server_default="1"), schema=S)
    op.create_index("playbooks_org", "playbooks", ["org_id", "motion"], schema=S)
    op.create_table(
        "renewals", sa.Column("id", UUID, primary_key=True), sa.Column("org_id", UUID, nullable=False),
        sa.Column("account_id", UUID, nullable=False), sa.Column("vendor", sa.Text, nullable=False),
        sa.Column("vendor_key", sa.Text, nullable=False), sa.Column("renewal_date", sa.Date, nullable=False),
        sa.Column("status", sa.Text, nullable=False), sa.Column("subscription_ids", pg.ARRAY(UUID), nullable=False),
        sa.Column("arr_reporting", sa.Numeric(18, 2)), sa.Column("playbook_id", UUID), sa.Column("run_id", UUID),
        sa.Column("outcome", pg.JSONB), sa.Column("closed_at", sa.DateTime(timezone=True)), _now("created_at"),
        sa.Column("version", sa.BigInteger, nullable=False, server_default="1"), schema=S)
    # "Never twice": one renewal per account × vendor × renewal date, whatever the retries or replicas.
    op.create_index("renewals_key", "renewals", ["org_id", "account_id", "vendor_key", "renewal_date"], unique=True,
                    schema=S)
    op.create_index("renewals_org_status", "renewals", ["org_id", "status", "renewal_date"], schema=S)
    op.create_table("runs", sa.Column("id", UUID, primary_key=True), sa.Column("org_id", UUID, nullable=False),
                    sa.Column("renewal_id", UUID, nullable=False, unique=True), sa.Column("playbook_id", UUID, nullable=False),
                    sa.Column("playbook_version", sa.BigInteger, nullable=False), sa.Column("status", sa.Text, nullable=False),
                    _now("started_at"), sa.Column("closed_at", sa.DateTime(timezone=True)), schema=S)
    op.create_table(
        "actions", sa.Column("id", UUID, primary_key=True), sa.Column("org_id", UUID, nullable=False),
        sa.Column("account_id", UUID, nullable=False), sa.Column("renewal_id", UUID), sa.Column("run_id", UUID),
        sa.Column("step_index", sa.Integer, nullable=False), sa.Column("title", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False), sa.Column("description", sa.Text, nullable=False),
        sa.Column("anchor", sa.Text, nullable=False), sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("status", sa.Text, nullable=False), sa.Column("assignee_id", UUID),
        sa.Column("priority", sa.Integer, nullable=False, server_default="0"),
        sa.Column("reasons", pg.JSONB, nullable=False, server_default="[]"),
        sa.Column("compressed", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("lapsed", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("adhoc", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("snoozed_until", sa.Date), sa.Column("outcome", sa.Text), sa.Column("skip_reason", sa.Text),
        sa.Column("completed_at", sa.DateTime(timezone=True)), sa.Column("completed_by", UUID),
        _now("created_at"), _now("updated_at"), sa.Column("version", sa.BigInteger, nullable=False, server_default="1"),
        schema=S)
    op.create_index("actions_queue", "actions", ["org_id", "assignee_id", "status", sa.text("priority desc"),
                                                 "due_date", "id"], schema=S)
    op.create_index("actions_run", "actions", ["run_id", "step_index"], schema=S)
    op.create_index("actions_account", "actions", ["account_id", "status"], schema=S)
