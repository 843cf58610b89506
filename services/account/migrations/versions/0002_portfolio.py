"""accounts, reps, contacts, subscriptions, technology profiles, import jobs

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision = "0002"
down_revision = "0001"
S = "account"


def _uuid(name: str, *args: object, **kw: object) -> sa.Column:
    return sa.Column(name, pg.UUID(as_uuid=True), *args, **kw)  # type: ignore[arg-type]


def _stamps() -> list[sa.Column]:
    return [sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())]


def upgrade() -> None:
    op.create_table(
        "accounts",
        _uuid("id", primary_key=True), _uuid("org_id", nullable=False),
        sa.Column("name", sa.Text, nullable=False), sa.Column("domain", sa.Text, nullable=False, server_default=""),
        sa.Column("external_id", sa.Text), sa.Column("territory", sa.Text, nullable=False, server_default=""),
        sa.Column("country", sa.Text, nullable=False, server_default=""),
        sa.Column("currency", sa.Text, nullable=False, server_default=""),
        sa.Column("motion", sa.Text, nullable=False, server_default="tech_touch"),
        _uuid("csm_id"), _uuid("default_rep_id"),
        sa.Column("escalation", pg.JSONB), sa.Column("escalated", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("health_band", sa.Text), sa.Column("archived_at", sa.DateTime(timezone=True)),
        sa.Column("tech_profile_version", sa.BigInteger, nullable=False, server_default="0"),
        *_stamps(), sa.Column("version", sa.BigInteger, nullable=False, server_default="1"),
        sa.CheckConstraint("motion in ('high_touch', 'mid_touch', 'tech_touch')", name="accounts_motion"),
        schema=S,
    )
    op.create_index("accounts_org_external", "accounts", ["org_id", "external_id"], unique=True, schema=S,
                    postgresql_where=sa.text("external_id is not null"))
    op.create_index("accounts_org_name", "accounts", ["org_id", "name", "id"], schema=S)
    op.create_index("accounts_csm", "accounts", ["csm_id"], schema=S)
    op.create_table(
        "account_reps",
        _uuid("account_id", sa.ForeignKey(f"{S}.accounts.id", ondelete="CASCADE"), primary_key=True),
        _uuid("user_id", primary_key=True),
        schema=S,
    )
    op.create_index("account_reps_user", "account_reps", ["user_id", "account_id"], schema=S)
    op.create_table(
        "contacts",
        _uuid("id", primary_key=True), _uuid("org_id", nullable=False),
        _uuid("account_id", sa.ForeignKey(f"{S}.accounts.id"), nullable=False),
        sa.Column("external_key", sa.Text),
        sa.Column("name", sa.Text, nullable=False), sa.Column("title", sa.Text, nullable=False, server_default=""),
        sa.Column("email", sa.Text, nullable=False, server_default=""),
        sa.Column("phone", sa.Text, nullable=False, server_default=""),
        sa.Column("role", sa.Text, nullable=False, server_default="other"),
        sa.Column("deleted_at", sa.DateTime(timezone=True)),
        *_stamps(), sa.Column("version", sa.BigInteger, nullable=False, server_default="1"),
        schema=S,
    )
    op.create_index("contacts_account", "contacts", ["account_id", "name", "id"], schema=S)
    op.create_table(
        "subscriptions",
        _uuid("id", primary_key=True), _uuid("org_id", nullable=False),
        _uuid("account_id", sa.ForeignKey(f"{S}.accounts.id"), nullable=False),
        sa.Column("external_id", sa.Text),
        sa.Column("vendor", sa.Text, nullable=False), sa.Column("product", sa.Text, nullable=False),
        sa.Column("version", sa.Text, nullable=False, server_default=""),
        sa.Column("lifecycle_product_id", sa.Text, nullable=False, server_default=""),
        sa.Column("lifecycle_cycle", sa.Text, nullable=False, server_default=""),
        sa.Column("quantity", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("unit", sa.Text, nullable=False, server_default=""),
        sa.Column("active_users", sa.BigInteger),
        sa.Column("arr_amount", sa.Numeric(18, 2)), sa.Column("arr_currency", sa.Text, nullable=False, server_default=""),
        sa.Column("billing_frequency", sa.Text, nullable=False, server_default="annual"),
        sa.Column("term_start", sa.Date), sa.Column("renewal_date", sa.Date, nullable=False),
        sa.Column("auto_renew", sa.Boolean), sa.Column("channel", sa.Text, nullable=False, server_default=""),
        sa.Column("lifecycle_stage", sa.Text, nullable=False, server_default="active"),
        *_stamps(), sa.Column("revision", sa.BigInteger, nullable=False, server_default="1"),
        schema=S,
    )
    op.create_index("subscriptions_org_external", "subscriptions", ["org_id", "external_id"], unique=True, schema=S,
                    postgresql_where=sa.text("external_id is not null"))
    op.create_index("subscriptions_account", "subscriptions", ["account_id", "renewal_date"], schema=S)
    op.create_index("subscriptions_org_renewal", "subscriptions", ["org_id", "renewal_date", "id"], schema=S)
    op.create_table(
        "tech_entries",
        _uuid("account_id", sa.ForeignKey(f"{S}.accounts.id"), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("vendor", sa.Text, nullable=False), sa.Column("product", sa.Text, nullable=False),
        sa.Column("version", sa.Text, nullable=False, server_default=""),
        sa.Column("lifecycle_product_id", sa.Text, nullable=False, server_default=""),
        sa.Column("lifecycle_cycle", sa.Text, nullable=False, server_default=""),
        sa.Column("status", sa.Text, nullable=False),
        schema=S,
    )
    op.create_table(
        "jobs",
        sa.Column("id", sa.Text, primary_key=True), _uuid("org_id", nullable=False),
        sa.Column("kind", sa.Text, nullable=False), sa.Column("state", sa.Text, nullable=False),
        sa.Column("done", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("total", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("errors", pg.JSONB, nullable=False, server_default="[]"),
        sa.Column("warnings", pg.JSONB, nullable=False, server_default="[]"),
        sa.Column("result", pg.JSONB), sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        schema=S,
    )
