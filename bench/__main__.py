"""`make bench`: run every benchmark once, print one table, write it to bench/results/latest.json.

Order matters for fairness on a 2-core machine: the PostgreSQL baselines run before the services
start (nothing else on the CPU), the import and the engine's work next, the HTTP load last, when
the engine is idle. Whatever happens, the processes, the database and the streams are removed.
"""

from __future__ import annotations

import platform
import signal
import sys
import time
from datetime import date
from pathlib import Path

from .config import load_config
from .copy_baseline import run_copy_baseline
from .gateway import gateway_vs_bare
from .load import ensure_wrk
from .machine import analyze, cpu_busy
from .portfolio import seed_and_import
from .queue import ensure_queue
from .report import copy_rows, gateway_rows, import_rows, sweep_rows
from .settle import wait_until_settled
from .stack import BenchStack
from .sweep import time_resweep, wait_for_sweep
from .table import Row, render, write_json

RESULTS = Path(__file__).resolve().parent / "results"
SETTLE_TIMEOUT_S = 600.0


def _pct(share: float | None) -> str:
    return "n/a" if share is None else f"{share:.0%}"


def step(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds through the finally below: processes, database, streams go


def run() -> int:
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    config = load_config()
    stack = BenchStack(config, RESULTS / "stack")
    rows: list[Row] = []
    notes: list[str] = []
    today = date.today()
    started = time.perf_counter()
    try:
        # First: a missing tool should not be found out after the slow steps.
        wrk = ensure_wrk() if config.loadgen == "wrk" else None
        if config.loadgen == "wrk" and wrk is None:
            notes.append("wrk is not installed and apt-get could not install it: the load generator is the "
                         "Python fallback")
        busy_before = cpu_busy()
        stack.create_database()
        step(f"database {stack.conninfo.rsplit('/', 1)[-1]}, NATS prefix {stack.naming.prefix}")
        step(f"COPY and INSERT … SELECT of {config.copy_rows:,} action-shaped rows")
        copy = run_copy_baseline(stack.conninfo, config.copy_rows)
        step("starting the services and the gateway")
        stack.start()
        step(f"importing the demo portfolio ({config.accounts:,} accounts)")
        imported = seed_and_import(stack, config.accounts, today)
        admin_email = stack.settings.admin_email
        with stack.client(stack.login(admin_email, stack.settings.admin_password.get_secret_value())) as admin:
            step("waiting for the engine to start every due run")
            sweep = wait_for_sweep(stack, admin, imported.finished_wall, imported.due_groups)
        autovacuum = analyze(stack.conninfo)
        # The other services are still consuming what the engine published (scoring, timelines …);
        # the re-sweep and the load are timed on a system at rest.
        step("waiting for every service to catch up")
        settled = [wait_until_settled(stack, SETTLE_TIMEOUT_S, config.quiet_s)]
        step("timing the idle re-sweep (SweepNow)")
        resweep = time_resweep(stack, imported.org_id)
        rep_login = next(login for login in imported.logins if login.role == "rep")
        token = stack.login(rep_login.email, rep_login.password)
        with stack.client(token) as rep:
            queue = ensure_queue(rep, config.queue_rows, today)
        step(f"load: {config.connections} connections × {config.duration_s}s on the gateway, then the bare app")
        assert stack.stack is not None
        settled.append(wait_until_settled(stack, SETTLE_TIMEOUT_S, config.quiet_s))
        busy_idle_stack = cpu_busy()
        pids = {name: process.pid for name, process in stack.stack.processes.items()}
        loads = gateway_vs_bare(stack.stack.gateway_url, token, queue.body, stack.state_dir, config, wrk, pids)

        gw_rows, gw_notes = gateway_rows(loads, queue)
        im_rows, im_notes = import_rows(imported, copy)
        sw_rows, sw_notes = sweep_rows(config, imported, sweep, resweep, copy)
        rows = gw_rows + copy_rows(copy) + im_rows + sw_rows
        notes += gw_notes + im_notes + sw_notes
        notes.append("ANALYZE ran on the bench database after the engine's writes, before the re-sweep and the load "
                     + ("(autovacuum is on here, but may not have reached the new tables yet)" if autovacuum else
                        "(this server runs with autovacuum=off: without it the planner has no statistics at all)"))
        notes.append("system at rest (outboxes published, durables caught up) before the re-sweep / the load: "
                     + " / ".join("not within the timeout" if s is None else f"after {s:.0f} s" for s in settled))
        notes.append(f"CPU busy (all cores): {_pct(busy_before)} before the stack started, {_pct(busy_idle_stack)} "
                     "with the stack idle just before the load — other work on the machine skews every figure")
    finally:
        step("cleaning up (processes, database, streams)")
        problems = stack.close()
        for problem in problems:
            print(f"bench: cleanup failed: {problem}", file=sys.stderr)
    notes.append(f"{platform.node()}: {platform.python_implementation()} {platform.python_version()}, "
                 f"BENCH_ACCOUNTS={config.accounts}, BENCH_FULL={int(config.full)}, "
                 f"BENCH_COPY_ROWS={config.copy_rows}; run took {time.perf_counter() - started:.0f} s; "
                 f"logs in {stack.state_dir / 'logs'}")
    print(render(rows, notes))
    write_json(RESULTS / "latest.json", rows, notes,
               {"date": today.isoformat(), "accounts": config.accounts, "full": config.full,
                "copy_rows": config.copy_rows, "load": {"threads": config.threads,
                                                        "connections": config.connections,
                                                        "duration_s": config.duration_s}})
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(run())
