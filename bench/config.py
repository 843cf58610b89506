"""The knobs of a benchmark run, read once from the environment (documented in bench/README.md)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from sqlalchemy.engine import make_url

from cadence_platform.settings import DEFAULT_DATABASE_URL, DEFAULT_NATS_URL


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


@dataclass(frozen=True)
class BenchConfig:
    accounts: int
    full: bool
    copy_rows: int
    loadgen: str                 # "wrk" (installed when missing) or "python" (the asyncio fallback)
    base_database_url: str      # SQLAlchemy URL of the server; the bench creates its own database on it
    nats_url: str
    threads: int = 2             # wrk -t2 -c32 -d15s: the same parameters for the gateway and the bare app
    connections: int = 32
    duration_s: int = 15
    warmup_s: int = 3            # not recorded: opens gRPC channels, fills the token cache, warms uvicorn
    queue_rows: int = 50         # the rep's page size (GET /api/v1/actions?limit=50)
    quiet_s: float = 3.0         # the sweep is over once the renewal count has not grown for this long
    sweep_timeout_s: float = 3600.0

    @property
    def target_scale(self) -> int:
        return 100_000           # issue 6's sweep and import targets are stated for 100k accounts / 1M subscriptions


def load_config() -> BenchConfig:
    full = os.environ.get("BENCH_FULL", "").strip() not in ("", "0", "false", "no")
    return BenchConfig(
        accounts=_int("BENCH_ACCOUNTS", 300),
        full=full,
        copy_rows=_int("BENCH_COPY_ROWS", 1_000_000 if full else 200_000),
        loadgen="python" if os.environ.get("BENCH_LOADGEN", "").strip().lower() == "python" else "wrk",
        base_database_url=os.environ.get("CADENCE_DATABASE_URL", DEFAULT_DATABASE_URL),
        nats_url=os.environ.get("CADENCE_NATS_URL", DEFAULT_NATS_URL),
    )


def libpq_url(sqlalchemy_url: str) -> str:
    """psycopg wants `postgresql://…`; the project's settings carry the SQLAlchemy `postgresql+psycopg://…`."""
    return make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(hide_password=False)
