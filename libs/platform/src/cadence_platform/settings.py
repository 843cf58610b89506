"""Typed settings every service shares. Services subclass `ServiceSettings` with their own prefix.

Shared values use `CADENCE_<THING>` (`CADENCE_CALLER_SECRET`, `CADENCE_NATS_URL`); a service's
own values use `CADENCE_<SERVICE>_<THING>` (`CADENCE_ACCOUNT_GRPC_PORT`). Outside local and
test environments the placeholder secrets below are refused, so a deployment cannot start
with a secret anyone can read in this file.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Environment = Literal["local", "test", "production"]

LOCAL_CALLER_SECRET = "local-only-caller-secret-not-for-production"
DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/cadence"
DEFAULT_NATS_URL = "nats://127.0.0.1:4222"
PLACEHOLDER_MARKERS = ("local-only", "change-me", "changeme", "placeholder")


def shared(name: str, *fallbacks: str) -> AliasChoices:
    """An env alias for a value all services share (no service prefix)."""
    return AliasChoices(f"CADENCE_{name}", *fallbacks)


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    service_name: str = "cadence"
    environment: Environment = Field("local", validation_alias=shared("ENVIRONMENT"))
    caller_secret: SecretStr = Field(SecretStr(LOCAL_CALLER_SECRET), validation_alias=shared("CALLER_SECRET"))
    nats_url: str = Field(DEFAULT_NATS_URL, validation_alias=shared("NATS_URL"))
    nats_prefix: str = Field("cadence", validation_alias=shared("NATS_PREFIX"))
    log_level: str = Field("INFO", validation_alias=shared("LOG_LEVEL"))
    otel_endpoint: str | None = Field(
        None, validation_alias=shared("OTEL_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")
    )
    shutdown_grace_seconds: float = Field(10.0, validation_alias=shared("SHUTDOWN_GRACE_SECONDS"))

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> ServiceSettings:
        if self.environment in ("local", "test"):
            return self
        for name, value in self.secret_values().items():
            if not value or any(marker in value.lower() for marker in PLACEHOLDER_MARKERS):
                raise ValueError(f"{name} is a placeholder; set a real secret for {self.environment}")
            if len(value) < 32:
                raise ValueError(f"{name} must be at least 32 characters in {self.environment}")
        return self

    def secret_values(self) -> dict[str, str]:
        """Every SecretStr field by name; subclasses' secrets are checked too."""
        return {
            name: value.get_secret_value()
            for name in type(self).model_fields
            if isinstance(value := getattr(self, name), SecretStr)
        }


def service_field(service: str, name: str, default: object) -> object:
    """A per-service value that falls back to the shared one: CADENCE_<SERVICE>_<NAME>, then CADENCE_<NAME>."""
    return Field(default, validation_alias=AliasChoices(f"CADENCE_{service}_{name}", f"CADENCE_{name}"))


class DatabaseServiceSettings(ServiceSettings):
    """Settings of a service that owns a PostgreSQL schema."""

    database_url: str = DEFAULT_DATABASE_URL
    database_schema: str = "public"
    grpc_host: str = "127.0.0.1"
    grpc_port: int = 50050
