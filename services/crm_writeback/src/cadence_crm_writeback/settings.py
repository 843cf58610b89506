from pydantic import Field
from pydantic_settings import SettingsConfigDict

from cadence_platform.settings import DEFAULT_DATABASE_URL, DatabaseServiceSettings, service_field, shared


class CrmWritebackSettings(DatabaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CADENCE_CRM_WRITEBACK_")

    service_name: str = "crm_writeback"
    database_url: str = service_field("CRM_WRITEBACK", "DATABASE_URL", DEFAULT_DATABASE_URL)  # type: ignore[assignment]
    database_schema: str = "crm_writeback"
    grpc_port: int = 50057
    # Where people open Cadence: each activity links back to its account and action there.
    public_url: str = Field("http://127.0.0.1:8080", validation_alias=shared("PUBLIC_URL"))
