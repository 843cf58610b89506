"""A sliding-window limiter for login attempts (per gateway replica; see docs/adr/0003)."""

from __future__ import annotations

import time
from collections import deque


class SlidingWindowLimiter:
    def __init__(self, attempts: int, window_seconds: float, max_keys: int = 100_000) -> None:
        self.attempts = attempts
        self.window = window_seconds
        self.max_keys = max_keys
        self._hits: dict[str, deque[float]] = {}

    def retry_after(self, key: str, now: float | None = None) -> float:
        """0 when the attempt may go ahead (and is counted), else seconds until it may."""
        now = time.monotonic() if now is None else now
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.attempts:
            return hits[0] + self.window - now
        hits.append(now)
        if len(self._hits) > self.max_keys:
            self._forget_idle(now)
        return 0.0

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, v in self._hits.items() if not v or v[-1] <= now - self.window]:
            del self._hits[key]
