"""Wiring only: settings → service context → run until SIGTERM.

The service's gRPC API and consumers arrive with its issue; today it runs its schema's
migrations, its stream, its outbox relay and the health service.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from cadence_platform.bootstrap import start_service

from cadence_ai.adapters.tables import messaging
from cadence_ai.settings import AiSettings

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


async def serve(settings: AiSettings) -> None:
    ctx = await start_service(settings, tables=messaging, migrations_dir=MIGRATIONS, streams=["AI", "DLQ"])
    await ctx.runner.run()


def main() -> None:
    asyncio.run(serve(AiSettings()))


if __name__ == "__main__":
    main()
