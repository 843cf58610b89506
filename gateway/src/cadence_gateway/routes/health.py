from __future__ import annotations

import asyncio
from typing import Any

import grpc
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from grpc_health.v1 import health_pb2, health_pb2_grpc

from cadence_gateway.deps import ServicesDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


async def _check(channel: grpc.aio.Channel) -> str:
    try:
        reply = await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=1.0)
    except grpc.aio.AioRpcError as error:
        return error.code().name.lower()
    return health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status).lower()


@router.get("/readyz")
async def readyz(services: ServicesDep) -> Any:
    """Readiness: every service the gateway routes to answers its health check with SERVING."""
    names = list(services.channels)
    states = await asyncio.gather(*(_check(services.channels[n]) for n in names))
    report = dict(zip(names, states, strict=True))
    ready = all(state == "serving" for state in states)
    return JSONResponse({"status": "ready" if ready else "not ready", "services": report},
                        status_code=200 if ready else 503)
