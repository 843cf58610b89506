"""A debounced, in-process poke for the sweep: bulk events (an import's account.imported) say "this
org has new renewals to look at" without starting runs one account at a time; the sweep then
starts them all with set-based writes.

It fires `quiet_seconds` after the last poke — so a 3-account import and a 100,000-account one both
get their runs seconds after their last event — but no later than `max_wait_seconds` after the
first, so a long import starts runs as it goes rather than only at the end.
"""

from __future__ import annotations

import asyncio


class SweepTrigger:
    def __init__(self, quiet_seconds: float = 2.0, max_wait_seconds: float = 30.0) -> None:
        self.quiet = quiet_seconds
        self.max_wait = max_wait_seconds
        self.fired = asyncio.Event()
        self._orgs: set[str] = set()
        self._first: float | None = None
        self._timer: asyncio.TimerHandle | None = None

    def poke(self, org_id: str) -> None:
        """Ask for a sweep of the org soon. Call from the event loop's thread (handlers, after commit)."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        self._orgs.add(org_id)
        if self._first is None:
            self._first = now
        if self._timer is not None:
            self._timer.cancel()
        self._timer = loop.call_at(min(now + self.quiet, self._first + self.max_wait), self._fire)

    def _fire(self) -> None:
        self._timer, self._first = None, None
        self.fired.set()

    def take(self) -> set[str]:
        """The orgs poked since the last take; clears the fired flag."""
        orgs, self._orgs = self._orgs, set()
        self.fired.clear()
        return orgs
