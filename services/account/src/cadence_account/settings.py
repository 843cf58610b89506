from cadence_platform.settings import DEFAULT_DATABASE_URL, DatabaseServiceSettings, service_field
from pydantic_settings import SettingsConfigDict


class AccountSettings(DatabaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CADENCE_ACCOUNT_")

    service_name: str = "account"
    database_url: str = service_field("ACCOUNT", "DATABASE_URL", DEFAULT_DATABASE_URL)  # type: ignore[assignment]
    database_schema: str = "account"
    grpc_port: int = 50051
