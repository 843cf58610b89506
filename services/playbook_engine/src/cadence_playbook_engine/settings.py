from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from cadence_platform.settings import DEFAULT_DATABASE_URL, DatabaseServiceSettings, service_field


class PlaybookEngineSettings(DatabaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CADENCE_PLAYBOOK_ENGINE_")

    service_name: str = "playbook_engine"
    database_url: str = service_field("PLAYBOOK_ENGINE", "DATABASE_URL", DEFAULT_DATABASE_URL)  # type: ignore[assignment]
    database_schema: str = "playbook_engine"
    grpc_port: int = 50052
    scoring_target: str = Field("127.0.0.1:50053", validation_alias=AliasChoices(
        "CADENCE_PLAYBOOK_ENGINE_SCORING_TARGET", "CADENCE_SCORING_TARGET"))
    sweep_interval_seconds: float = 300.0
