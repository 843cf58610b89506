"""The rep's work queue for the gateway benchmark: at least 50 open actions, so that every request
under load returns a full 50-row page (the engine's runs first; ad-hoc actions only to top it up)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta

import httpx

WAIT_S = 30.0
POLL_S = 0.5


@dataclass(frozen=True)
class Queue:
    body: bytes                  # one real response of GET /api/v1/actions?limit=50, served by the bare app
    rows: int
    adhoc_created: int


def _page(rep: httpx.Client, limit: int) -> httpx.Response:
    return rep.get("/actions", params={"limit": limit}).raise_for_status()


def ensure_queue(rep: httpx.Client, rows: int, today: date) -> Queue:
    # The engine has normally finished by now (the sweep wait came first); this only covers a lag
    # between the engine's commit and the rep's view.
    deadline = time.monotonic() + WAIT_S
    count = len(_page(rep, rows).json()["items"])
    while count < rows and time.monotonic() < deadline:
        time.sleep(POLL_S)
        count = len(_page(rep, rows).json()["items"])
    created = 0
    if count < rows:
        accounts = rep.get("/accounts", params={"limit": 50}).raise_for_status().json()["items"]
        if not accounts:
            raise RuntimeError("the rep owns no account to create ad-hoc actions on; raise BENCH_ACCOUNTS")
        for i in range(rows - count):
            rep.post("/actions", json={"account_id": accounts[i % len(accounts)]["id"], "kind": "task",
                                       "title": f"Benchmark follow-up {i + 1}",
                                       "due_date": (today + timedelta(days=1 + i % 60)).isoformat()},
                     ).raise_for_status()
            created += 1
    response = _page(rep, rows)
    items = response.json()["items"]
    if len(items) < rows:
        raise RuntimeError(f"the rep's queue has {len(items)} open actions, expected {rows}")
    return Queue(response.content, len(items), created)
