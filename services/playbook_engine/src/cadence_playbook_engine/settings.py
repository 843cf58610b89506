from pydantic_settings import SettingsConfigDict

from cadence_platform.settings import DEFAULT_DATABASE_URL, DatabaseServiceSettings, service_field


class PlaybookEngineSettings(DatabaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CADENCE_PLAYBOOK_ENGINE_")

    service_name: str = "playbook_engine"
    database_url: str = service_field("PLAYBOOK_ENGINE", "DATABASE_URL", DEFAULT_DATABASE_URL)  # type: ignore[assignment]
    database_schema: str = "playbook_engine"
    grpc_port: int = 50052
