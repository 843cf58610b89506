from cadence_platform.settings import DEFAULT_DATABASE_URL, DatabaseServiceSettings, service_field
from pydantic_settings import SettingsConfigDict


class CrmWritebackSettings(DatabaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CADENCE_CRM_WRITEBACK_")

    service_name: str = "crm_writeback"
    database_url: str = service_field("CRM_WRITEBACK", "DATABASE_URL", DEFAULT_DATABASE_URL)  # type: ignore[assignment]
    database_schema: str = "crm_writeback"
    grpc_port: int = 50057
