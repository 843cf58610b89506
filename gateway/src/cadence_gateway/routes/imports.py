"""The CRM-export import: CSV files in, a job out (202); the account service parses and applies it
all-or-nothing, and GET /jobs/{id} reports progress and the per-row report."""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.types import Message, Receive

from cadence.account.v1 import accounts_pb2 as pb

from cadence_gateway.account_views import job_view
from cadence_gateway.deps import ServicesDep
from cadence_gateway.errors import ApiError
from cadence_gateway.permissions import Admin

MAX_IMPORT_BYTES = 100 * 1024 * 1024
# The body also carries multipart headers and the small form fields; the files themselves are
# counted exactly in the handler. The body cap stops a huge upload before it is spooled to disk.
MAX_BODY_BYTES = MAX_IMPORT_BYTES + 1024 * 1024
MAX_FILES = 20
TOO_LARGE = f"an import may hold at most {MAX_IMPORT_BYTES // (1024 * 1024)} MB of files in total"


def _capped(receive: Receive) -> Receive:
    seen = 0

    async def receive_capped() -> Message:
        nonlocal seen
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > MAX_BODY_BYTES:
            # An HTTPException passes through FastAPI's form parsing and gets the error shape.
            raise HTTPException(413, TOO_LARGE)
        return message

    return receive_capped


class CappedUploadRoute(APIRoute):
    """Refuses an oversized body while it arrives: FastAPI reads the form before any dependency
    (the role check included) runs, so a check in the handler alone would come after the upload."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def capped_handler(request: Request) -> Response:
            declared = request.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
                raise ApiError(413, "too_large", TOO_LARGE)
            return await handler(Request(request.scope, _capped(request.receive)))

        return capped_handler


router = APIRouter(tags=["imports"], route_class=CappedUploadRoute)


def _mapping_json(mapping: str | None) -> str:
    if not mapping:
        return ""
    try:
        parsed = json.loads(mapping)
    except json.JSONDecodeError as error:
        raise ApiError(422, "invalid_input", "the request is not valid",
                       [{"field": "mapping", "reason": f"is not valid JSON: {error.msg}"}]) from None
    if not isinstance(parsed, dict):
        raise ApiError(422, "invalid_input", "the request is not valid",
                       [{"field": "mapping", "reason": 'must be a JSON object such as {"fields": {…}}'}])
    return mapping


@router.post("/imports/accounts", status_code=202)
async def import_accounts(
    caller: Admin, services: ServicesDep,
    files: Annotated[list[UploadFile], File(description="one or more CSV exports", max_length=MAX_FILES)],
    import_format: Annotated[Literal["template", "salesforce", "hubspot"], Form(alias="format")],
    locale: Annotated[str, Form(max_length=35, description='e.g. "de-DE"; decides number formats')] = "",
    date_format: Annotated[str, Form(max_length=40)] = "",
    mapping: Annotated[str | None, Form(max_length=1_000_000,
                                        description='JSON: {"fields": {…}, "owners": {…}}')] = None,
) -> dict[str, object]:
    mapping_json = _mapping_json(mapping)
    if sum(f.size or 0 for f in files) > MAX_IMPORT_BYTES:
        raise ApiError(413, "too_large", TOO_LARGE, [{"field": "files", "reason": "too large in total"}])
    parts = [pb.ImportFile(name=f.filename or f"file-{n}.csv", data=await f.read())
             for n, f in enumerate(files, start=1)]
    job = await services.accounts.StartImport(
        pb.StartImportRequest(files=parts, format=import_format, locale=locale, date_format=date_format,
                              mapping_json=mapping_json), metadata=services.md(caller))
    return job_view(job)
