"""The timeline store on real PostgreSQL: a redelivered event never shows twice; newest first."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from cadence.engine.v1 import engine_events_pb2, engine_pb2
from cadence_platform import db
from cadence_platform.bootstrap import prepare_database
from cadence_platform.events import new_event

from cadence_account.adapters.tables import timeline
from cadence_account.handlers.timeline import record_event
from cadence_account.settings import AccountSettings

pytestmark = pytest.mark.integration
MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


async def test_a_redelivered_event_never_shows_twice(database_url: str) -> None:
    engine = await prepare_database(AccountSettings(database_url=database_url), MIGRATIONS)
    sessions = db.session_factory(engine)
    account, org = str(uuid.uuid4()), str(uuid.uuid4())
    action = engine_pb2.Action(id=str(uuid.uuid4()), account_id=account, title="Call", kind="call",
                               due_date="2027-01-01", outcome="ok", completed_by="u1")
    envelope = new_event(event_type="action.completed", org_id=org, aggregate_id=action.id, producer="playbook_engine",
                         payload=engine_events_pb2.ActionChanged(action=action))
    for _ in range(3):
        async with sessions() as session, session.begin():
            await record_event(session, envelope)
    async with sessions() as session:
        rows = (await session.execute(sa.select(timeline.c.kind, timeline.c.summary).where(
            timeline.c.account_id == uuid.UUID(account)))).all()
    await engine.dispose()
    assert rows == [("action.completed", "Completed: Call")]
