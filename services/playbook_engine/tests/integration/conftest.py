"""The engine's code against real PostgreSQL and a real scoring service subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest

from cadence_platform import db
from cadence_platform.bootstrap import prepare_database
from cadence_platform.events import Naming
from cadence_platform.outbox import Outbox
from cadence_platform.settings import LOCAL_CALLER_SECRET
from cadence_platform.testing import free_port

from cadence_playbook_engine.adapters.scoring import ScoringClient
from cadence_playbook_engine.adapters.tables import messaging
from cadence_playbook_engine.handlers.deps import Deps
from cadence_playbook_engine.settings import PlaybookEngineSettings
from cadence_playbook_engine.trigger import SweepTrigger

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
DepsFactory = Callable[..., Awaitable[Deps]]


@pytest.fixture(scope="session")
def scoring_target(database_url: str, naming: Naming, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    log = (tmp_path_factory.mktemp("scoring") / "scoring.log").open("wb")
    env = {**os.environ, "CADENCE_DATABASE_URL": database_url, "CADENCE_NATS_PREFIX": naming.prefix,
           "CADENCE_SCORING_GRPC_PORT": str(port)}
    process = subprocess.Popen([sys.executable, "-m", "cadence_scoring"], env=env, stdout=log, stderr=subprocess.STDOUT)
    yield f"127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture
async def make_deps(database_url: str, naming: Naming, scoring_target: str) -> AsyncIterator[DepsFactory]:
    """Builds engine dependencies (one pool and scoring channel each, like separate replicas)."""
    settings = PlaybookEngineSettings(database_url=database_url)
    await (await prepare_database(settings, MIGRATIONS)).dispose()
    made: list[tuple[Deps, db.AsyncEngine]] = []

    async def make(trigger: SweepTrigger | None = None) -> Deps:
        engine = db.create_engine(database_url, pool_size=4)
        outbox = Outbox(messaging.outbox, naming, "playbook_engine")
        deps = Deps(db.session_factory(engine), outbox, ScoringClient(scoring_target, LOCAL_CALLER_SECRET), trigger)
        made.append((deps, engine))
        return deps

    yield make
    for deps, engine in made:
        await deps.scoring.close()
        await engine.dispose()


@pytest.fixture
async def engines(make_deps: DepsFactory) -> tuple[Deps, Deps]:
    return await make_deps(), await make_deps()
