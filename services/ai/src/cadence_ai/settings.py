from pydantic_settings import SettingsConfigDict

from cadence_platform.settings import DEFAULT_DATABASE_URL, DatabaseServiceSettings, service_field


class AiSettings(DatabaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CADENCE_AI_")

    service_name: str = "ai"
    database_url: str = service_field("AI", "DATABASE_URL", DEFAULT_DATABASE_URL)  # type: ignore[assignment]
    database_schema: str = "ai"
    grpc_port: int = 50056
