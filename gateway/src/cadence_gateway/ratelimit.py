"""A sliding-window limiter for failed login attempts (per gateway replica; see docs/adr/0002)."""

from __future__ import annotations

import time
from collections import deque


class SlidingWindowLimiter:
    def __init__(self, attempts: int, window_seconds: float, max_keys: int = 100_000) -> None:
        self.attempts = attempts
        self.window = window_seconds
        self.max_keys = max_keys
        self._hits: dict[str, deque[float]] = {}

    def _live(self, key: str, now: float) -> deque[float]:
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        return hits

    def wait(self, key: str, now: float | None = None) -> float:
        """0 when another attempt may go ahead, else seconds until one may (nothing is counted)."""
        now = time.monotonic() if now is None else now
        hits = self._live(key, now)
        return hits[0] + self.window - now if len(hits) >= self.attempts else 0.0

    def record(self, key: str, now: float | None = None) -> None:
        """Count a failed attempt."""
        now = time.monotonic() if now is None else now
        self._live(key, now).append(now)
        if len(self._hits) > self.max_keys:
            for stale in [k for k, v in self._hits.items() if not v or v[-1] <= now - self.window]:
                del self._hits[stale]
