from pydantic_settings import SettingsConfigDict

from cadence_platform.settings import DEFAULT_DATABASE_URL, DatabaseServiceSettings, service_field


class NotesSettings(DatabaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CADENCE_NOTES_")

    service_name: str = "notes"
    database_url: str = service_field("NOTES", "DATABASE_URL", DEFAULT_DATABASE_URL)  # type: ignore[assignment]
    database_schema: str = "notes"
    grpc_port: int = 50054
