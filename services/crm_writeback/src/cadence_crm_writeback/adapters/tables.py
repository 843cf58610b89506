"""SQLAlchemy table objects for the crm_writeback schema (the migrations are the source of truth)."""

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

from cadence_platform.outbox import messaging_tables

SCHEMA = "crm_writeback"
metadata = sa.MetaData(schema=SCHEMA)
messaging = messaging_tables(metadata)
UUID = pg.UUID(as_uuid=True)


def _text(name: str) -> sa.Column:
    return sa.Column(name, sa.Text, nullable=False, server_default="")


orgs = sa.Table("orgs", metadata, sa.Column("id", UUID, primary_key=True), _text("time_zone"))
accounts = sa.Table("accounts", metadata, sa.Column("id", UUID, primary_key=True), sa.Column("org_id", UUID),
                    _text("name"), _text("external_id"))
subscriptions = sa.Table("subscriptions", metadata, sa.Column("id", UUID, primary_key=True),
                         sa.Column("org_id", UUID), sa.Column("account_id", UUID), _text("external_id"))
users = sa.Table("users", metadata, sa.Column("id", UUID, primary_key=True), sa.Column("org_id", UUID),
                 _text("email"))
renewals = sa.Table("renewals", metadata, sa.Column("id", UUID, primary_key=True), sa.Column("org_id", UUID),
                    sa.Column("subscription_ids", pg.ARRAY(UUID)))

activities = sa.Table(
    "activities", metadata,
    sa.Column("id", UUID, primary_key=True),
    sa.Column("sequence", sa.BigInteger, sa.Identity(always=True)),
    sa.Column("org_id", UUID, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("source_id", sa.Text, nullable=False),
    _text("subject"), _text("outcome"),
    sa.Column("completed_on", sa.Date, nullable=False),
    sa.Column("type", sa.Text, nullable=False),
    sa.Column("account_id", UUID), _text("account_name"), _text("account_external_id"),
    sa.Column("renewal_id", UUID), sa.Column("renewal_date", sa.Date), _text("vendor"), _text("renewal_result"),
    sa.Column("subscription_ids", pg.ARRAY(UUID)),
    sa.Column("subscription_external_ids", pg.ARRAY(sa.Text)),
    sa.Column("owner_id", UUID), _text("owner_email"),
    _text("link"),
    sa.Column("acknowledged_at", sa.DateTime(timezone=True)),
    _text("external_id"),
    sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
)
