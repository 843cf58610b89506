"""`cadence dev up` (what `make run` runs): servers, every service and the gateway as processes,
the demo org and its users, then a banner saying where to look and how to log in."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from cadence_platform.db import ensure_database

from cadence_cli.config import CliSettings
from cadence_cli.imports import describe, load_demo_portfolio
from cadence_cli.orgs import Login, seed_demo_org

if TYPE_CHECKING:
    from cadence_cli.servers import ServerHandle

SERVICES = ["account", "playbook_engine", "scoring", "notes", "knowledge_fanout", "ai", "crm_writeback"]
READY_TIMEOUT_SECONDS = 120


@dataclass
class Stack:
    settings: CliSettings
    state_dir: Path
    env: dict[str, str] = field(default_factory=dict)  # extra environment for every process (tests)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    handles: list[ServerHandle] = field(default_factory=list)

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.env.get('CADENCE_GATEWAY_PORT', self.settings.gateway_port)}"

    def start_servers(self) -> None:
        from cadence_cli import servers  # tests start their stack on servers that already run

        self.handles = [
            servers.ensure_postgres(self.settings.database_url, self.state_dir),
            servers.ensure_nats(self.settings.nats_url, self.state_dir),
        ]
        ensure_database(self.settings.database_url)

    def start_processes(self) -> None:
        logs = self.state_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "CADENCE_DATABASE_URL": self.settings.database_url,
               "CADENCE_NATS_URL": self.settings.nats_url, "PYTHONUNBUFFERED": "1", **self.env}
        for name in [*SERVICES, "gateway"]:
            log_file = (logs / f"{name}.log").open("ab")
            self.processes[name] = subprocess.Popen(
                [sys.executable, "-m", f"cadence_{name}"], env=env, stdout=log_file, stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited with {process.returncode}; see {self.log_path(name)}:\n"
                                       + self.log_tail(name))
            try:
                if httpx.get(f"{self.gateway_url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"services not ready after {READY_TIMEOUT_SECONDS}s; logs in {self.state_dir / 'logs'}")

    def log_path(self, name: str) -> Path:
        return self.state_dir / "logs" / f"{name}.log"

    def log_tail(self, name: str, lines: int = 20) -> str:
        return "\n".join(self.log_path(name).read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        for handle in self.handles:
            handle.stop()


def banner(stack: Stack, org_name: str, logins: list[Login]) -> str:
    width = max(len(login.email) for login in logins)
    rows = "\n".join(f"    {login.email:<{width}}  {login.password:<20}  {login.role}" for login in logins)
    used = "\n".join(f"    {handle.description}" for handle in stack.handles)
    return f"""
Cadence is running.

  API           {stack.gateway_url}/api/v1   (interactive docs: {stack.gateway_url}/docs)
  Org           {org_name}
  Log in        POST {stack.gateway_url}/api/v1/auth/login {{"email": ..., "password": ...}}
{rows}
  Servers
{used}
  Logs          {stack.state_dir / 'logs'}/<service>.log

Press Ctrl-C to stop.
"""


def up() -> int:
    settings = CliSettings()
    stack = Stack(settings, Path(settings.state_dir).resolve())
    stop_requested = False

    def request_stop(*_: object) -> None:
        nonlocal stop_requested
        stop_requested = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    try:
        stack.start_servers()
        stack.start_processes()
        stack.wait_until_ready()
        org, logins = asyncio.run(seed_demo_org(settings))
        job = asyncio.run(load_demo_portfolio(settings, org.id, settings.demo_accounts, date.today()))
        if job is not None:
            print(describe(job).splitlines()[0], file=sys.stderr)
            if job.state != "succeeded":
                raise RuntimeError("the demo portfolio did not import:\n" + describe(job))
        prefix = os.environ.get("CADENCE_NATS_PREFIX", "cadence")
        asyncio.run(wait_for_consumers(settings.nats_url, prefix, [("ACCOUNT", "engine-accounts")], 300))
        print(banner(stack, org.name, logins), flush=True)
        while not stop_requested:
            if any(p.poll() is not None for p in stack.processes.values()):
                dead = [n for n, p in stack.processes.items() if p.poll() is not None]
                print(f"stopping: {', '.join(dead)} exited; see {stack.state_dir / 'logs'}", file=sys.stderr)
                return 1
            time.sleep(0.5)
        return 0
    except RuntimeError as error:
        print(f"cadence dev up failed: {error}", file=sys.stderr)
        return 1
    finally:
        print("stopping Cadence…", file=sys.stderr)
        stack.stop()


async def wait_for_consumers(nats_url: str, prefix: str, durables: list[tuple[str, str]], timeout: float) -> bool:
    """Wait until these durable consumers have nothing pending (e.g. the engine has seen the demo import)."""
    import nats

    from cadence_platform.events import Naming

    naming = Naming(prefix)
    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pending = 0
            for stream, durable in durables:
                try:
                    info = await js.consumer_info(naming.stream(stream), durable)
                except Exception:  # not created yet: the service is still starting
                    pending += 1
                    continue
                pending += info.num_pending + info.num_ack_pending
            if pending == 0:
                return True
            print(f"\r  the engine is starting playbook runs: {pending} events to go   ", end="", file=sys.stderr,
                  flush=True)
            await asyncio.sleep(1.0)
        return False
    finally:
        print(file=sys.stderr)
        await nc.close()
