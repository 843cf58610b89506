"""the ai schema's outbox and consumer bookkeeping

Revision ID: 0001
"""

from cadence_platform.migrations import create_messaging_tables

revision = "0001"
down_revision = None


def upgrade() -> None:
    create_messaging_tables("ai")
