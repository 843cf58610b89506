from typing import Any

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import SettingsConfigDict

from cadence_platform.settings import ServiceSettings


def target(service: str, default: str) -> Any:
    """Where a service listens: CADENCE_GATEWAY_<SERVICE>_TARGET, else the shared CADENCE_<SERVICE>_TARGET."""
    return Field(default, validation_alias=AliasChoices(f"CADENCE_GATEWAY_{service}_TARGET", f"CADENCE_{service}_TARGET"))


LOCAL_JWT_SECRET = "local-only-jwt-secret-not-for-production"


class GatewaySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CADENCE_GATEWAY_")

    service_name: str = "gateway"
    host: str = "127.0.0.1"
    port: int = 8080
    jwt_secret: SecretStr = SecretStr(LOCAL_JWT_SECRET)
    jwt_ttl_seconds: int = 1800
    login_attempts_per_window: int = 10
    login_window_seconds: int = 300
    token_cache_seconds: float = 15.0
    # Where each service listens (gRPC). Kubernetes sets these to the services' DNS names.
    account_target: str = target("ACCOUNT", "127.0.0.1:50051")
    playbook_engine_target: str = target("PLAYBOOK_ENGINE", "127.0.0.1:50052")
    scoring_target: str = target("SCORING", "127.0.0.1:50053")
    notes_target: str = target("NOTES", "127.0.0.1:50054")
    knowledge_fanout_target: str = target("KNOWLEDGE_FANOUT", "127.0.0.1:50055")
    ai_target: str = target("AI", "127.0.0.1:50056")
    crm_writeback_target: str = target("CRM_WRITEBACK", "127.0.0.1:50057")

    def targets(self) -> dict[str, str]:
        return {
            name.removesuffix("_target"): getattr(self, name)
            for name in type(self).model_fields if name.endswith("_target")
        }
