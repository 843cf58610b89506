"""Run a service: gRPC server with health, caller check and tracing; background tasks; clean stop.

SIGTERM/SIGINT → health NOT_SERVING → background tasks told to stop (relay, consumers) →
NATS drained → gRPC stopped with a grace period → shutdown callbacks (close the database).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import signal
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1._async import HealthServicer
from opentelemetry.instrumentation.grpc import aio_server_interceptor

from cadence_platform.caller import METADATA_KEY, Caller, CallerError, decode_caller
from cadence_platform.errors import DomainError, to_rpc_status

log = logging.getLogger(__name__)

_current_caller: contextvars.ContextVar[Caller] = contextvars.ContextVar("cadence_caller")
UNCHECKED_PREFIXES = ("/grpc.health.v1.Health/", "/grpc.reflection.")
STATUS_DETAILS_KEY = "grpc-status-details-bin"
MAX_MESSAGE_BYTES = 128 * 1024 * 1024  # imports upload whole CSV files in one call

Task = Callable[[asyncio.Event], Awaitable[None]]


def current_caller() -> Caller:
    """The verified caller of the RPC being served (set by CallerInterceptor)."""
    return _current_caller.get()


def current_actor() -> str:
    """The user behind the RPC being served, or "" outside an RPC and for system callers."""
    caller = _current_caller.get(None)
    return caller.user_id if caller is not None and not caller.is_system else ""


async def _abort(context: grpc.aio.ServicerContext, error: DomainError) -> None:
    status = to_rpc_status(error)
    await context.abort(error.code, error.message, trailing_metadata=((STATUS_DETAILS_KEY, status.SerializeToString()),))


def _wrap_unary(behavior: Callable[..., Awaitable[Any]], caller: Caller) -> Callable[..., Awaitable[Any]]:
    async def serve(request: Any, context: grpc.aio.ServicerContext) -> Any:
        _current_caller.set(caller)
        try:
            return await behavior(request, context)
        except DomainError as error:
            await _abort(context, error)
        except (asyncio.CancelledError, grpc.aio.AbortError):
            raise
        except Exception:
            log.exception("unhandled error in RPC")
            await context.abort(grpc.StatusCode.INTERNAL, "internal error")

    return serve


def _refuse(reason: str) -> grpc.RpcMethodHandler:
    async def refuse(request: Any, context: grpc.aio.ServicerContext) -> None:
        await context.abort(grpc.StatusCode.UNAUTHENTICATED, f"caller refused: {reason}")

    return grpc.unary_unary_rpc_method_handler(refuse)


class CallerInterceptor(grpc.aio.ServerInterceptor):
    """Refuses every RPC (health aside) without a valid signed caller; maps domain errors to status."""

    def __init__(self, secret: str) -> None:
        self._secret = secret

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        method = handler_call_details.method
        if method.startswith(UNCHECKED_PREFIXES):
            return await continuation(handler_call_details)
        metadata = dict(handler_call_details.invocation_metadata or ())
        try:
            caller = decode_caller(metadata.get(METADATA_KEY), self._secret)
        except CallerError as error:
            log.warning("refused caller", extra={"method": method, "reason": str(error)})
            return _refuse(str(error))
        handler = await continuation(handler_call_details)
        if handler is None:
            return handler
        if handler.unary_unary is not None:
            return grpc.unary_unary_rpc_method_handler(
                _wrap_unary(handler.unary_unary, caller),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        if handler.stream_unary is not None:  # uploads: the request is an async iterator
            return grpc.stream_unary_rpc_method_handler(
                _wrap_unary(handler.stream_unary, caller),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        # No server-streaming RPCs exist; refuse rather than serve one without the caller set.
        return _refuse("streaming responses are not served")


class ServiceRunner:
    """Wires one service process: call add_* then `await run()`."""

    def __init__(self, name: str, *, host: str, port: int, caller_secret: str, grace_seconds: float = 10.0) -> None:
        self.name = name
        self.address = f"{host}:{port}"
        self.grace_seconds = grace_seconds
        self.server = grpc.aio.server(
            interceptors=[aio_server_interceptor(), CallerInterceptor(caller_secret)],
            options=[("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                     ("grpc.max_send_message_length", MAX_MESSAGE_BYTES)],
        )
        self.health = HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)
        self.stop_event = asyncio.Event()
        self._tasks: list[Task] = []
        self._on_stop: list[Callable[[], Awaitable[None]]] = []
        self._service_names: list[str] = []
        self.bound_port = 0

    def add_servicer(self, register: Callable[[grpc.aio.Server], None], service_name: str) -> None:
        register(self.server)
        self._service_names.append(service_name)

    def add_task(self, task: Task) -> None:
        self._tasks.append(task)

    def on_stop(self, callback: Callable[[], Awaitable[None]]) -> None:
        """Callbacks run in reverse order of registration after the server stopped."""
        self._on_stop.append(callback)

    async def start(self) -> None:
        self.bound_port = self.server.add_insecure_port(self.address)
        await self.server.start()
        for service in ["", *self._service_names]:
            await self.health.set(service, health_pb2.HealthCheckResponse.SERVING)
        log.info("serving", extra={"address": self.address, "grpc_services": self._service_names})

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stop_event.set)
        await self.start()
        running = [asyncio.create_task(self._supervise(task)) for task in self._tasks]
        await self.stop_event.wait()
        await self.stop(running)

    async def _supervise(self, task: Task) -> None:
        try:
            await task(self.stop_event)
        except Exception:
            log.exception("background task failed; stopping the service")
            self.stop_event.set()

    async def stop(self, running: list[asyncio.Task[None]] | None = None) -> None:
        log.info("stopping", extra={"grace_seconds": self.grace_seconds})
        self.stop_event.set()
        await self.health.enter_graceful_shutdown()
        if running:
            _, pending = await asyncio.wait(running, timeout=self.grace_seconds)
            for task in pending:
                task.cancel()
        await self.server.stop(self.grace_seconds)
        for callback in reversed(self._on_stop):
            try:
                await callback()
            except Exception:
                log.exception("shutdown step failed")
        log.info("stopped")
