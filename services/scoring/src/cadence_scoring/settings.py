from pydantic_settings import SettingsConfigDict

from cadence_platform.settings import DEFAULT_DATABASE_URL, DatabaseServiceSettings, service_field


class ScoringSettings(DatabaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CADENCE_SCORING_")

    service_name: str = "scoring"
    database_url: str = service_field("SCORING", "DATABASE_URL", DEFAULT_DATABASE_URL)  # type: ignore[assignment]
    database_schema: str = "scoring"
    grpc_port: int = 50053
    decay_interval_seconds: float = 3600.0  # how often priorities are recomputed as dates pass
