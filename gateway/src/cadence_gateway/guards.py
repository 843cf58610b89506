"""Request guards in front of every route: a size limit for JSON bodies (uploads have their own)
and no NUL characters anywhere (PostgreSQL cannot store them, so they are refused up front)."""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cadence_gateway.errors import error_response

MAX_JSON_BYTES = 1 << 20


class RequestGuards:
    def __init__(self, app: ASGIApp, max_body_bytes: int = MAX_JSON_BYTES) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query: bytes = scope.get("query_string", b"")
        if b"%00" in query.lower() or b"\x00" in query:
            await self._refuse(scope, send, 422, "query", "may not contain NUL characters")
            return
        headers = dict(scope.get("headers", []))
        if headers.get(b"content-type", b"").startswith(b"multipart/"):
            await self.app(scope, receive, send)  # uploads: the import route limits and checks its files
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_body_bytes:
                await self._refuse(scope, send, 413, "body", f"must be at most {self.max_body_bytes} bytes")
                return
        if b"\\u0000" in body or b"\x00" in body:
            await self._refuse(scope, send, 422, "body", "text may not contain NUL characters")
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(scope: Scope, send: Send, status: int, field: str, reason: str) -> None:
        code = "too_large" if status == 413 else "invalid_input"
        response = error_response(status, code, f"{field} {reason}", [{"field": field, "reason": reason}])
        await response(scope, _no_receive, send)


async def _no_receive() -> Any:
    return {"type": "http.disconnect"}
