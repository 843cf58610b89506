"""What the `cadence` command reads from the environment (documented defaults for local runs)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from cadence_platform.settings import DEFAULT_DATABASE_URL, DEFAULT_NATS_URL, LOCAL_CALLER_SECRET

DEMO_DOMAIN = "demo.example.com"


class CliSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CADENCE_", extra="ignore")

    caller_secret: SecretStr = SecretStr(LOCAL_CALLER_SECRET)
    account_target: str = Field("127.0.0.1:50051")
    database_url: str = DEFAULT_DATABASE_URL
    nats_url: str = DEFAULT_NATS_URL
    gateway_port: int = 8080
    admin_email: str = f"admin@{DEMO_DOMAIN}"
    admin_password: SecretStr = SecretStr("cadence-admin-local")
    demo_password: SecretStr = SecretStr("cadence-demo-local")
    demo_org_name: str = "Demo Reseller"
    demo_org_slug: str = "demo"
    state_dir: str = ".run"
    data_dir: str = ""          # CADENCE_DATA_DIR: ../shared/data when present (see the Makefile)
    demo_accounts: int = 300
