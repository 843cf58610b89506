"""The whole Cadence stack for one benchmark run: every service and the gateway as processes on
spare ports, with the run's own database (`cadence_bench_<id>`) and NATS prefix — the same recipe
as tests/e2e/conftest.py — and everything removed again by `close()`."""

from __future__ import annotations

import asyncio
import shutil
import uuid
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

from cadence_platform.db import drop_database, ensure_database
from cadence_platform.events import Naming
from cadence_platform.testing import free_port

from cadence_cli.config import CliSettings
from cadence_cli.devstack import SERVICES, Stack

from .config import BenchConfig, libpq_url

# The engine's periodic sweep would otherwise run on its own every 300 s and could hold a
# partition's advisory lock while we time SweepNow; with 1 h it only runs once, at start-up
# (on an empty database), and the timed re-sweep is the only one after the import.
SWEEP_INTERVAL_S = "3600"


class BenchStack:
    def __init__(self, config: BenchConfig, state_dir: Path) -> None:
        self.run_id = uuid.uuid4().hex[:8]
        self.config = config
        self.database_url = (make_url(config.base_database_url).set(database=f"cadence_bench_{self.run_id}")
                             .render_as_string(hide_password=False))
        self.naming = Naming(prefix=f"bench{self.run_id}")
        self.ports = {name: free_port() for name in SERVICES}
        self.state_dir = state_dir
        self.stack: Stack | None = None
        self.database_created = False
        self.settings = CliSettings(database_url=self.database_url, nats_url=config.nats_url,
                                    account_target=self.target("account"), state_dir=str(state_dir))

    def target(self, service: str) -> str:
        return f"127.0.0.1:{self.ports[service]}"

    @property
    def conninfo(self) -> str:
        return libpq_url(self.database_url)

    @property
    def api(self) -> str:
        assert self.stack is not None
        return self.stack.gateway_url + "/api/v1"

    def create_database(self) -> None:
        ensure_database(self.database_url)
        self.database_created = True

    def start(self) -> None:
        """Start every service and the gateway; returns once the gateway's /readyz answers."""
        # Gateway settings are its defaults (token cache, JWT) except the login limiter, which the
        # harness's few logins from one address must not trip.
        env = {"CADENCE_NATS_PREFIX": self.naming.prefix, "CADENCE_GATEWAY_PORT": str(free_port()),
               "CADENCE_LOG_LEVEL": "INFO", "CADENCE_GATEWAY_LOGIN_ATTEMPTS_PER_WINDOW": "1000",
               "CADENCE_PLAYBOOK_ENGINE_SWEEP_INTERVAL_SECONDS": SWEEP_INTERVAL_S}
        for name in SERVICES:
            env[f"CADENCE_{name.upper()}_GRPC_PORT"] = str(self.ports[name])
            env[f"CADENCE_{name.upper()}_TARGET"] = self.target(name)
        if self.state_dir.exists():
            shutil.rmtree(self.state_dir)  # logs of the previous run
        self.state_dir.mkdir(parents=True)
        self.stack = Stack(self.settings, self.state_dir, env=env)
        self.stack.start_processes()
        self.stack.wait_until_ready()

    def login(self, email: str, password: str) -> str:
        response = httpx.post(f"{self.api}/auth/login", json={"email": email, "password": password}, timeout=30)
        response.raise_for_status()
        return str(response.json()["access_token"])

    def client(self, token: str) -> httpx.Client:
        return httpx.Client(base_url=self.api, headers={"Authorization": f"Bearer {token}"}, timeout=60)

    def close(self) -> list[str]:
        """Stop the processes, delete the run's streams and drop its database; returns what failed."""
        problems: list[str] = []
        if self.stack is not None:
            try:
                self.stack.stop()
            except Exception as error:  # keep cleaning up: streams and the database must still go
                problems.append(f"stopping the stack: {error!r}")
        shutil.rmtree(self.state_dir / "demo", ignore_errors=True)  # the generated CSVs; the logs stay
        try:
            asyncio.run(self._delete_streams())
        except Exception as error:
            problems.append(f"deleting streams {self.naming.prefix.upper()}_*: {error!r}")
        if self.database_created:
            try:
                drop_database(self.database_url)
            except Exception as error:
                problems.append(f"dropping {make_url(self.database_url).database}: {error!r}")
        return problems

    async def _delete_streams(self) -> None:
        import nats

        nc = await nats.connect(self.config.nats_url, connect_timeout=5, max_reconnect_attempts=1)
        try:
            js = nc.jetstream()
            prefix = self.naming.prefix.upper() + "_"
            for stream in await js.streams_info():
                if stream.config.name and stream.config.name.startswith(prefix):
                    await js.delete_stream(stream.config.name)
        finally:
            await nc.close()
