"""Wiring only: settings → service context → servicers and consumers → run until SIGTERM."""

from __future__ import annotations

import asyncio
from pathlib import Path

from cadence.account.v1 import accounts_pb2_grpc, identity_pb2_grpc
from cadence_platform.bootstrap import start_service

from cadence_account.accounts_api import AccountServicer
from cadence_account.adapters.tables import messaging
from cadence_account.consumers import AUDITED_STREAMS, register_consumers
from cadence_account.grpc_api import IdentityServicer
from cadence_account.handlers.deps import Deps
from cadence_account.handlers.jobs import fail_interrupted_jobs
from cadence_account.settings import AccountSettings

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


async def serve(settings: AccountSettings) -> None:
    ctx = await start_service(settings, tables=messaging, migrations_dir=MIGRATIONS, streams=AUDITED_STREAMS + ["DLQ"])
    deps = Deps(ctx.sessions, ctx.outbox)
    ctx.runner.add_servicer(
        lambda server: identity_pb2_grpc.add_IdentityServiceServicer_to_server(IdentityServicer(deps), server),
        "cadence.account.v1.IdentityService",
    )
    ctx.runner.add_servicer(
        lambda server: accounts_pb2_grpc.add_AccountServiceServicer_to_server(AccountServicer(deps), server),
        "cadence.account.v1.AccountService",
    )
    await fail_interrupted_jobs(deps)
    register_consumers(ctx)
    await ctx.runner.run()


def main() -> None:
    asyncio.run(serve(AccountSettings()))


if __name__ == "__main__":
    main()
