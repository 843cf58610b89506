"""What else the machine is doing, and the database's statistics: context a reader needs to trust
the figures (this benchmark shares 2 cores with whatever else runs)."""

from __future__ import annotations

import os
import time

import psycopg


def _cpu_times() -> tuple[int, int]:
    with open("/proc/stat") as handle:
        fields = [int(x) for x in handle.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def cpu_busy(seconds: float = 1.0) -> float | None:
    """Share of all cores busy over `seconds` (0–1); None where /proc/stat is missing."""
    try:
        busy0, total0 = _cpu_times()
        time.sleep(seconds)
        busy1, total1 = _cpu_times()
    except OSError:
        return None
    return (busy1 - busy0) / max(1, total1 - total0)


def analyze(conninfo: str) -> bool:
    """ANALYZE the bench database; returns whether the server's autovacuum is on.

    Run after the engine's bulk writes, before anything is timed against those tables: a live server
    has statistics (autovacuum's job), a database measured seconds after a bulk load may not — and
    with autovacuum off, never — and the planner then picks nested loops for the rep's queue.
    """
    with psycopg.connect(conninfo, autocommit=True) as conn:
        row = conn.execute("select setting from pg_settings where name = 'autovacuum'").fetchone()
        conn.execute("analyze")
    return bool(row and row[0] == "on")


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds a process has used so far (Linux /proc); None if unreadable."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def idle_cpu_rates(pids: dict[str, int], seconds: float = 3.0) -> dict[str, float]:
    """CPU seconds per second each process burns with no request coming in (pollers, relays)."""
    before = {name: process_cpu_seconds(pid) for name, pid in pids.items()}
    time.sleep(seconds)
    rates: dict[str, float] = {}
    for name, pid in pids.items():
        start, end = before[name], process_cpu_seconds(pid)
        if start is not None and end is not None:
            rates[name] = (end - start) / seconds
    return rates


def cpu_per_request(pids: dict[str, int], before: dict[str, float | None], requests: int, elapsed_s: float,
                    idle_rates: dict[str, float]) -> dict[str, float]:
    """Milliseconds of CPU each process spent per request since `before`, less its idle background."""
    spent: dict[str, float] = {}
    for name, pid in pids.items():
        start, end = before.get(name), process_cpu_seconds(pid)
        if start is not None and end is not None and requests:
            busy = max(0.0, end - start - idle_rates.get(name, 0.0) * elapsed_s)
            spent[name] = round(busy * 1000 / requests, 2)
    return {name: ms for name, ms in sorted(spent.items(), key=lambda kv: -kv[1]) if ms >= 0.1}
