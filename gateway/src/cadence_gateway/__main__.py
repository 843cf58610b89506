"""Run the gateway with uvicorn (SIGTERM → stop accepting, finish in-flight requests, close channels)."""

from __future__ import annotations

import uvicorn

from cadence_platform.logs import configure_logging
from cadence_platform.telemetry import configure_telemetry

from cadence_gateway.main import create_app
from cadence_gateway.settings import GatewaySettings


def main() -> None:
    settings = GatewaySettings()
    configure_logging(settings.service_name, settings.log_level)
    configure_telemetry(settings.service_name, settings.otel_endpoint)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_config=None,
                timeout_graceful_shutdown=int(settings.shutdown_grace_seconds), access_log=False)


if __name__ == "__main__":
    main()
