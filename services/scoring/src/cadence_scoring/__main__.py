"""Wiring only: settings → service context → servicer, consumers, decay task → run until SIGTERM."""

from __future__ import annotations

import asyncio
from pathlib import Path

from cadence.scoring.v1 import scoring_pb2_grpc
from cadence_platform.bootstrap import ServiceContext, start_service

from cadence_scoring.adapters.tables import messaging
from cadence_scoring.consumers import register_consumers
from cadence_scoring.grpc_api import ScoringServicer
from cadence_scoring.handlers.decay import PriorityDecay
from cadence_scoring.handlers.deps import Deps
from cadence_scoring.settings import ScoringSettings

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
STREAMS = ["SCORING", "ENGINE", "ACCOUNT", "DLQ"]


async def build(settings: ScoringSettings) -> tuple[ServiceContext, Deps]:
    """Everything `serve` runs, not yet started (tests start it themselves)."""
    ctx = await start_service(settings, tables=messaging, migrations_dir=MIGRATIONS, streams=STREAMS)
    deps = Deps(ctx.sessions, ctx.outbox)
    ctx.runner.add_servicer(
        lambda server: scoring_pb2_grpc.add_ScoringServiceServicer_to_server(ScoringServicer(deps), server),
        "cadence.scoring.v1.ScoringService",
    )
    register_consumers(ctx, deps)
    ctx.runner.add_task(PriorityDecay(deps, settings.decay_interval_seconds).run)
    return ctx, deps


async def serve(settings: ScoringSettings) -> None:
    ctx, _ = await build(settings)
    await ctx.runner.run()


def main() -> None:
    asyncio.run(serve(ScoringSettings()))


if __name__ == "__main__":
    main()
