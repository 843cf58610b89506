"""the bulk sweep: an index for its candidate query, cheaper compression for the outbox payloads

Revision ID: 0003
Revises: 0002

The sweep walks one partition's accounts in account-id order (so a chunk's LIMIT stops early and
the next chunk resumes after the last key) and, per account, its subscriptions in (vendor key,
renewal date) order — already indexed by subscriptions_rm_account — so groups come out sorted
without a sort. The anti-join against renewals probes the unique key renewals_key.

A playbook.started carries its actions (~3.5 kB): large enough for TOAST to compress, and at a
sweep's 250k events pglz costs the database more CPU than the row writes. lz4 is several times
cheaper; where the server was built without it, pglz stays.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
S = "playbook_engine"


def upgrade() -> None:
    op.create_index("accounts_rm_sweep", "accounts_rm", ["org_id", "partition", "account_id"], schema=S,
                    postgresql_where="not archived")
    has_lz4 = op.get_bind().scalar(sa.text(
        "select 'lz4' = any(enumvals) from pg_settings where name = 'default_toast_compression'"))
    if has_lz4:
        op.execute(f"alter table {S}.outbox alter column data set compression lz4")
