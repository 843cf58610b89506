"""gRPC channels to other services: retry policy on the channel, a deadline on every call, tracing,
and the signed caller in metadata."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import grpc
from opentelemetry.instrumentation.grpc import aio_client_interceptors

from cadence_platform.caller import METADATA_KEY, Caller, encode_caller
from cadence_platform.grpc_server import MAX_MESSAGE_BYTES

DEFAULT_DEADLINE_SECONDS = 10.0

# UNAVAILABLE means the server could not take the call (starting, restarting, overloaded
# connection); retrying it is safe for our RPCs, which are idempotent or keyed.
RETRY_SERVICE_CONFIG = {
    "methodConfig": [
        {
            "name": [{}],
            "retryPolicy": {
                "maxAttempts": 4,
                "initialBackoff": "0.1s",
                "maxBackoff": "2s",
                "backoffMultiplier": 2,
                "retryableStatusCodes": ["UNAVAILABLE"],
            },
        }
    ]
}


class DeadlineInterceptor(grpc.aio.UnaryUnaryClientInterceptor):
    """Every call gets a deadline, so a stuck service cannot hold a request forever."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    async def intercept_unary_unary(self, continuation: Callable[..., Any], client_call_details: Any, request: Any) -> Any:
        if client_call_details.timeout is None:
            client_call_details = client_call_details._replace(timeout=self.seconds)
        return await continuation(client_call_details, request)


def open_channel(target: str, deadline_seconds: float = DEFAULT_DEADLINE_SECONDS) -> grpc.aio.Channel:
    options = [
        ("grpc.enable_retries", 1),
        ("grpc.service_config", json.dumps(RETRY_SERVICE_CONFIG)),
        ("grpc.keepalive_time_ms", 30_000),
        # Reconnect within seconds after a service restarts (the default backoff grows to 2 minutes).
        ("grpc.initial_reconnect_backoff_ms", 200),
        ("grpc.min_reconnect_backoff_ms", 200),
        ("grpc.max_reconnect_backoff_ms", 3_000),
        ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
        ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
    ]
    interceptors = [DeadlineInterceptor(deadline_seconds), *aio_client_interceptors()]
    return grpc.aio.insecure_channel(target, options=options, interceptors=interceptors)


def caller_metadata(caller: Caller, secret: str) -> tuple[tuple[str, str], ...]:
    return ((METADATA_KEY, encode_caller(caller, secret)),)
