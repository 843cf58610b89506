"""Fixtures of the account service's integration tests.

The workspace runs pytest with --import-mode=importlib, which does not put test folders on sys.path;
this folder is added so the tests can import their helpers (names no other package uses)."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.append(_HERE)

import pytest  # noqa: E402

from cadence_platform import db  # noqa: E402
from cadence_platform.bootstrap import prepare_database  # noqa: E402
from cadence_platform.events import Naming  # noqa: E402
from cadence_platform.outbox import Outbox  # noqa: E402

from cadence_account.adapters.tables import messaging  # noqa: E402
from cadence_account.handlers.deps import Deps  # noqa: E402
from cadence_account.settings import AccountSettings  # noqa: E402

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


@pytest.fixture(scope="module")
async def deps(database_url: str, naming: Naming) -> AsyncIterator[Deps]:
    """The service's handlers' dependencies on the test database (no relay: outbox rows stay put)."""
    engine = await prepare_database(AccountSettings(database_url=database_url), MIGRATIONS)
    yield Deps(db.session_factory(engine), Outbox(messaging.outbox, naming, "account"))
    await engine.dispose()
