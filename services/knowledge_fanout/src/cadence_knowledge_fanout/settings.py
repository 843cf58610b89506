from pydantic_settings import SettingsConfigDict

from cadence_platform.settings import DEFAULT_DATABASE_URL, DatabaseServiceSettings, service_field


class KnowledgeFanoutSettings(DatabaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CADENCE_KNOWLEDGE_FANOUT_")

    service_name: str = "knowledge_fanout"
    database_url: str = service_field("KNOWLEDGE_FANOUT", "DATABASE_URL", DEFAULT_DATABASE_URL)  # type: ignore[assignment]
    database_schema: str = "knowledge_fanout"
    grpc_port: int = 50055
