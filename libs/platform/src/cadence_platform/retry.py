"""Named tenacity presets for calls to the outside world and start-up waits (never around our own RPCs)."""

from __future__ import annotations

import logging

from tenacity import AsyncRetrying, before_sleep_log, retry_if_exception_type, stop_after_delay, wait_exponential_jitter

log = logging.getLogger(__name__)


def startup_wait(what: str, timeout_seconds: float = 60.0) -> AsyncRetrying:
    """Retry while a dependency (database, NATS) comes up, then give up with the last error."""
    return AsyncRetrying(
        stop=stop_after_delay(timeout_seconds),
        wait=wait_exponential_jitter(multiplier=0.2, max=3.0),
        retry=retry_if_exception_type(Exception),
        before_sleep=before_sleep_log(log, logging.WARNING),
        reraise=True,
    )
