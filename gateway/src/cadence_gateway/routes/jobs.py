"""GET /jobs/{id}: long work is owned by the service that started it, named by the id's prefix."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter

from cadence.account.v1 import accounts_pb2
from cadence_platform.caller import Caller

from cadence_gateway.account_views import job_view
from cadence_gateway.clients import Services
from cadence_gateway.deps import ServicesDep
from cadence_gateway.errors import ApiError
from cadence_gateway.permissions import AnyUser

router = APIRouter(tags=["jobs"])
JobReader = Callable[[str, Caller, Services], Awaitable[dict[str, Any]]]


async def _account_job(job_id: str, caller: Caller, services: Services) -> dict[str, Any]:
    job = await services.accounts.GetJob(accounts_pb2.GetJobRequest(id=job_id), metadata=services.md(caller))
    return job_view(job)


# Each owning service adds its prefix here (e.g. "know-" for knowledge imports).
JOB_OWNERS: dict[str, JobReader] = {"acct-": _account_job}


@router.get("/jobs/{job_id}")
async def get_job(job_id: str, caller: AnyUser, services: ServicesDep) -> dict[str, Any]:
    for prefix, read in JOB_OWNERS.items():
        if job_id.startswith(prefix):
            return await read(job_id, caller, services)
    raise ApiError(404, "not_found", "no such job")
