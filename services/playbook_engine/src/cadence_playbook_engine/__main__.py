"""Wiring only: settings → service context → servicer, consumers, sweep → run until SIGTERM."""

from __future__ import annotations

import asyncio
from pathlib import Path

from cadence.engine.v1 import engine_pb2_grpc
from cadence_platform.bootstrap import start_service

from cadence_playbook_engine.adapters.scoring import ScoringClient
from cadence_playbook_engine.adapters.tables import messaging
from cadence_playbook_engine.consumers import register_consumers
from cadence_playbook_engine.grpc_api import PlaybookEngineServicer
from cadence_playbook_engine.handlers.deps import Deps
from cadence_playbook_engine.settings import PlaybookEngineSettings
from cadence_playbook_engine.sweep import PeriodicSweep
from cadence_playbook_engine.trigger import SweepTrigger

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


async def serve(settings: PlaybookEngineSettings) -> None:
    ctx = await start_service(settings, tables=messaging, migrations_dir=MIGRATIONS,
                              streams=["ENGINE", "ACCOUNT", "SCORING", "DLQ"])
    scoring = ScoringClient(settings.scoring_target, ctx.caller_secret)
    deps = Deps(ctx.sessions, ctx.outbox, scoring, SweepTrigger())
    ctx.runner.add_servicer(
        lambda server: engine_pb2_grpc.add_PlaybookEngineServiceServicer_to_server(PlaybookEngineServicer(deps), server),
        "cadence.engine.v1.PlaybookEngineService",
    )
    register_consumers(ctx, deps)
    ctx.runner.add_task(PeriodicSweep(deps, settings.sweep_interval_seconds).run)
    ctx.runner.on_stop(scoring.close)
    await ctx.runner.run()


def main() -> None:
    asyncio.run(serve(PlaybookEngineSettings()))


if __name__ == "__main__":
    main()
