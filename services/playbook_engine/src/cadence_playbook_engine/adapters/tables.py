"""SQLAlchemy table objects for the playbook_engine schema (the migrations are the source of truth)."""

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

from cadence_platform.outbox import messaging_tables

SCHEMA = "playbook_engine"
metadata = sa.MetaData(schema=SCHEMA)
messaging = messaging_tables(metadata)
UUID = pg.UUID(as_uuid=True)


def _table(name: str, *columns: sa.Column) -> sa.Table:
    return sa.Table(name, metadata, *columns)


orgs_rm = _table("orgs_rm", sa.Column("org_id", UUID, primary_key=True), sa.Column("time_zone", sa.Text),
                 sa.Column("reporting_currency", sa.Text), sa.Column("fx_rates", pg.JSONB),
                 sa.Column("playbooks_seeded", sa.Boolean, server_default=sa.false()))
users_rm = _table("users_rm", sa.Column("user_id", UUID, primary_key=True), sa.Column("org_id", UUID),
                  sa.Column("role", sa.Text), sa.Column("active", sa.Boolean))
accounts_rm = _table("accounts_rm", sa.Column("account_id", UUID, primary_key=True), sa.Column("org_id", UUID),
                     sa.Column("name", sa.Text), sa.Column("motion", sa.Text), sa.Column("csm_id", UUID),
                     sa.Column("default_rep_id", UUID), sa.Column("rep_ids", pg.ARRAY(UUID)),
                     sa.Column("escalated", sa.Boolean), sa.Column("archived", sa.Boolean),
                     sa.Column("partition", sa.SmallInteger))
subscriptions_rm = _table("subscriptions_rm", sa.Column("subscription_id", UUID, primary_key=True),
                          sa.Column("org_id", UUID), sa.Column("account_id", UUID), sa.Column("vendor", sa.Text),
                          sa.Column("vendor_key", sa.Text), sa.Column("renewal_date", sa.Date),
                          sa.Column("term_start", sa.Date), sa.Column("lifecycle_stage", sa.Text),
                          sa.Column("arr_amount", sa.Numeric(18, 2)), sa.Column("arr_currency", sa.Text))
playbooks = _table("playbooks", sa.Column("id", UUID, primary_key=True), sa.Column("org_id", UUID),
                   sa.Column("name", sa.Text), sa.Column("motion", sa.Text), sa.Column("vendor", sa.Text),
                   sa.Column("lifecycle_stage", sa.Text), sa.Column("trigger_days", sa.Integer),
                   sa.Column("steps", pg.JSONB), sa.Column("active", sa.Boolean),
                   sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
                   sa.Column("version", sa.BigInteger, server_default="1"))
renewals = _table("renewals", sa.Column("id", UUID, primary_key=True), sa.Column("org_id", UUID),
                  sa.Column("account_id", UUID), sa.Column("vendor", sa.Text), sa.Column("vendor_key", sa.Text),
                  sa.Column("renewal_date", sa.Date), sa.Column("status", sa.Text),
                  sa.Column("subscription_ids", pg.ARRAY(UUID)), sa.Column("arr_reporting", sa.Numeric(18, 2)),
                  sa.Column("playbook_id", UUID), sa.Column("run_id", UUID), sa.Column("outcome", pg.JSONB),
                  sa.Column("closed_at", sa.DateTime(timezone=True)),
                  sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
                  sa.Column("version", sa.BigInteger, server_default="1"))
runs = _table("runs", sa.Column("id", UUID, primary_key=True), sa.Column("org_id", UUID),
              sa.Column("renewal_id", UUID), sa.Column("playbook_id", UUID), sa.Column("playbook_version", sa.BigInteger),
              sa.Column("status", sa.Text),
              sa.Column("started_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
              sa.Column("closed_at", sa.DateTime(timezone=True)))
actions = _table("actions", sa.Column("id", UUID, primary_key=True), sa.Column("org_id", UUID),
                 sa.Column("account_id", UUID), sa.Column("renewal_id", UUID), sa.Column("run_id", UUID),
                 sa.Column("step_index", sa.Integer), sa.Column("title", sa.Text), sa.Column("kind", sa.Text),
                 sa.Column("description", sa.Text), sa.Column("anchor", sa.Text), sa.Column("due_date", sa.Date),
                 sa.Column("status", sa.Text), sa.Column("assignee_id", UUID),
                 sa.Column("priority", sa.Integer, server_default="0"),
                 sa.Column("reasons", pg.JSONB, server_default="[]"),
                 sa.Column("compressed", sa.Boolean, server_default=sa.false()),
                 sa.Column("lapsed", sa.Boolean, server_default=sa.false()),
                 sa.Column("adhoc", sa.Boolean, server_default=sa.false()), sa.Column("snoozed_until", sa.Date),
                 sa.Column("outcome", sa.Text), sa.Column("skip_reason", sa.Text),
                 sa.Column("completed_at", sa.DateTime(timezone=True)), sa.Column("completed_by", UUID),
                 sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
                 sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
                 sa.Column("version", sa.BigInteger, server_default="1"))
