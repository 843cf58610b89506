"""The bare baseline: a FastAPI endpoint that returns a captured 50-row actions page from memory.

Same framework, same route path, same serialisation (a dict through FastAPI's JSON response, as the
gateway's route returns) and the same uvicorn settings as cadence_gateway.__main__ — so the gap to
the gateway is what auth, gRPC to the engine and PostgreSQL cost, and nothing else.

Run: python -m bench.bare_app --port 8099 --body page.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI

SHUTDOWN_GRACE_SECONDS = 10  # the gateway's default CADENCE_SHUTDOWN_GRACE_SECONDS


def create_app(page: dict[str, Any]) -> FastAPI:
    app = FastAPI(title="bench bare app")

    @app.get("/readyz")
    async def readyz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/api/v1/actions")
    async def list_actions() -> dict[str, Any]:
        return page

    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--body", type=Path, required=True, help="a captured GET /api/v1/actions response")
    args = parser.parse_args()
    page = json.loads(args.body.read_bytes())
    # The gateway's uvicorn.run arguments (host, log_config=None, graceful timeout, no access log).
    uvicorn.run(create_app(page), host="127.0.0.1", port=args.port, log_config=None,
                timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS, access_log=False)


if __name__ == "__main__":
    main()
