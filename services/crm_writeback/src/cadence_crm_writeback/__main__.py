"""Wiring only: settings → service context → servicer and consumers → run until SIGTERM."""

from __future__ import annotations

import asyncio
from pathlib import Path

from cadence.crm.v1 import crm_pb2_grpc
from cadence_platform.bootstrap import start_service

from cadence_crm_writeback.adapters.tables import messaging
from cadence_crm_writeback.consumers import register_consumers
from cadence_crm_writeback.grpc_api import CrmWritebackServicer
from cadence_crm_writeback.handlers.deps import Deps
from cadence_crm_writeback.settings import CrmWritebackSettings

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


async def serve(settings: CrmWritebackSettings) -> None:
    ctx = await start_service(settings, tables=messaging, migrations_dir=MIGRATIONS,
                              streams=["CRM", "ENGINE", "ACCOUNT", "DLQ"])
    deps = Deps(ctx.sessions, ctx.outbox, settings.public_url)
    ctx.runner.add_servicer(
        lambda server: crm_pb2_grpc.add_CrmWritebackServiceServicer_to_server(CrmWritebackServicer(deps), server),
        "cadence.crm.v1.CrmWritebackService",
    )
    register_consumers(ctx, deps)
    await ctx.runner.run()


def main() -> None:
    asyncio.run(serve(CrmWritebackSettings()))


if __name__ == "__main__":
    main()
