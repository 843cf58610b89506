"""The whole stack as processes (every service and the gateway) on spare ports, with the test
session's own database and NATS prefix; and an HTTP client that logs in as any user."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from cadence_platform.events import Naming
from cadence_platform.testing import free_port

from cadence_cli.config import CliSettings
from cadence_cli.devstack import SERVICES, Stack
from cadence_cli.orgs import create_org

PASSWORD = "e2e-password-123"


@dataclass
class E2E:
    stack: Stack
    settings: CliSettings

    @property
    def url(self) -> str:
        return self.stack.gateway_url + "/api/v1"

    def login(self, email: str, password: str = PASSWORD) -> httpx.Client:
        response = httpx.post(f"{self.url}/auth/login", json={"email": email, "password": password})
        assert response.status_code == 200, response.text
        token = response.json()["access_token"]
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {token}"}, timeout=30)

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)

    async def new_org(self, label: str) -> tuple[str, str]:
        """A fresh org; returns (org id, admin e-mail)."""
        slug = f"{label}-{uuid.uuid4().hex[:6]}"
        admin = f"admin@{slug}.example.com"
        org = await create_org(self.settings, name=f"Org {label}", slug=slug, admin_email=admin,
                               admin_password=PASSWORD)
        return org.id, admin


@pytest.fixture(scope="session")
def e2e(database_url: str, nats_url: str, naming: Naming, tmp_path_factory: pytest.TempPathFactory) -> Iterator[E2E]:
    ports = {name: free_port() for name in SERVICES}
    env = {"CADENCE_NATS_PREFIX": naming.prefix, "CADENCE_GATEWAY_PORT": str(free_port()),
           "CADENCE_LOG_LEVEL": "INFO", "CADENCE_GATEWAY_LOGIN_ATTEMPTS_PER_WINDOW": "1000",
           "CADENCE_GATEWAY_TOKEN_CACHE_SECONDS": "0", "CADENCE_PLAYBOOK_ENGINE_SWEEP_INTERVAL_SECONDS": "3600"}
    for name, port in ports.items():
        env[f"CADENCE_{name.upper()}_GRPC_PORT"] = str(port)
        env[f"CADENCE_{name.upper()}_TARGET"] = f"127.0.0.1:{port}"
    settings = CliSettings(database_url=database_url, nats_url=nats_url, account_target=f"127.0.0.1:{ports['account']}")
    state = Path(os.environ.get("CADENCE_E2E_STATE_DIR", tmp_path_factory.mktemp("stack")))
    stack = Stack(settings, state, env=env)
    stack.start_processes()
    try:
        stack.wait_until_ready()
        yield E2E(stack, settings)
    finally:
        stack.stop()


@pytest.fixture
async def org(e2e: E2E) -> AsyncIterator[tuple[str, str]]:
    yield await e2e.new_org("org")
