"""Turn the measurements into table rows: each figure beside its same-run baseline and issue 6's target."""

from __future__ import annotations

from dataclasses import asdict

from .config import BenchConfig
from .copy_baseline import CopyResult
from .gateway import GatewayResult
from .portfolio import DUE_WITHIN_DAYS, ImportResult
from .queue import Queue
from .sweep import ResweepResult, SweepResult
from .table import Row


def gateway_rows(result: GatewayResult, queue: Queue) -> tuple[list[Row], list[str]]:
    gw, bare = result.gateway, result.bare
    clean = gw.errors == 0 and bare.errors == 0
    what = "gateway GET /actions?limit=50 (rep)"
    rows = [
        Row(f"{what}: requests/s", gw.requests_per_s, "req/s", bare.requests_per_s, "bare FastAPI",
            "≥ 0.5× bare", clean and gw.requests_per_s >= 0.5 * bare.requests_per_s,
            detail={"gateway": asdict(gw), "bare": asdict(bare), "cpu_ms_per_request": {
                "gateway_path": result.gateway_cpu_ms, "bare": result.bare_cpu_ms}}),
        Row(f"{what}: p50 latency", gw.p50_ms, "ms", bare.p50_ms, "bare FastAPI p50"),
        Row(f"{what}: p99 latency", gw.p99_ms, "ms", bare.p99_ms, "bare FastAPI p99",
            "≤ 2× bare p99", clean and gw.p99_ms is not None and bare.p99_ms is not None
            and gw.p99_ms <= 2 * bare.p99_ms),
    ]
    tool = gw.tool if gw.tool == "wrk" else (
        f"{gw.tool} fallback (Python, slower than wrk: it may cap the bare app's figure, which flatters the "
        "gateway's ratio)")
    notes = [f"load generator: {tool}; the gateway {gw.requests:,} requests / {gw.errors} errors, "
             f"the bare app {bare.requests:,} / {bare.errors}; page {len(queue.body):,} bytes, {queue.rows} rows"
             + (f" ({queue.adhoc_created} ad-hoc actions added to reach {queue.rows})" if queue.adhoc_created else "")]
    def cpu(spent: dict[str, float]) -> str:
        return ", ".join(f"{name} {ms:.1f} ms" for name, ms in spent.items()) or "n/a"

    notes.append(f"CPU per request under load: {cpu(result.gateway_cpu_ms)} (gateway path) vs "
                 f"{cpu(result.bare_cpu_ms)} (bare app)")
    if not clean:
        notes.append("requests failed under load: the gateway rows are marked NO whatever their ratio")
    return rows, notes


def copy_rows(copy: CopyResult) -> list[Row]:
    n = f"{copy.rows:,}"
    return [
        Row(f"PostgreSQL COPY of {n} action-shaped rows (Python, binary, 2 indexes)", copy.copy_rate, "rows/s"),
        Row(f"PostgreSQL INSERT … SELECT of {n} action-shaped rows (server-side)", copy.insert_select_rate,
            "rows/s", copy.copy_rate, "COPY of action-shaped rows"),
    ]


def import_rows(imp: ImportResult, copy: CopyResult) -> tuple[list[Row], list[str]]:
    f = imp.files
    rows = [
        Row(f"import: demo portfolio, {imp.rows:,} rows (accounts, subscriptions, contacts, tech)",
            imp.server_seconds, "s", imp.rows / copy.copy_rate, "COPY of as many action-shaped rows"),
        Row("import: subscription rows/s", f.subscriptions / imp.server_seconds, "rows/s", copy.copy_rate,
            "COPY of action-shaped rows"),
    ]
    notes = [f"import: {f.accounts:,} accounts, {f.subscriptions:,} subscriptions, {f.contacts:,} contacts, "
             f"{f.tech_entries:,} tech entries through the account service's import job (server-side "
             f"{imp.server_seconds:.1f} s; {imp.client_seconds:.1f} s from StartImport to seeing it finished)"]
    return rows, notes


def sweep_rows(config: BenchConfig, imp: ImportResult, sweep: SweepResult, resweep: ResweepResult,
               copy: CopyResult) -> tuple[list[Row], list[str]]:
    scale = "" if config.accounts >= config.target_scale else \
        f"{config.accounts:,} accounts (targets are for {config.target_scale // 1000}k)"
    window = sweep.writing_seconds
    runs_rate = sweep.runs / window if window else None
    action_rate = sweep.actions / window if window else None
    after = None if sweep.timed_out else sweep.seconds_after_import
    rows = [
        Row("first sweep: import done → every due renewal has its run", after, "s",
            sweep.actions / copy.copy_rate, "COPY of as many action rows", "≤ 30 s (1M subscriptions)",
            None if after is None else after <= 30, scale,
            detail={"renewals_seen_after_import_s": sweep.samples}),
        Row("first sweep: runs/s", runs_rate, "runs/s"),
        Row("first sweep: action rows/s", action_rate, "rows/s", copy.copy_rate, "COPY of action-shaped rows",
            "≥ 0.5× COPY", None if action_rate is None else action_rate >= 0.5 * copy.copy_rate, scale),
        Row("idle re-sweep (SweepNow): time", resweep.seconds, "s", resweep.baseline_seconds,
            "its candidate query, once in SQL", "≤ 15 s", resweep.seconds <= 15, scale),
        Row("idle re-sweep (SweepNow): runs started", resweep.runs_started, "runs", target="0",
            met=resweep.runs_started == 0),
    ]
    notes = [
        f"engine: {sweep.renewals:,} renewals ({sweep.renewals_api:,} via GET /renewals as the admin), "
        f"{sweep.runs:,} runs, {sweep.actions:,} actions; the demo has {imp.due_subscriptions:,} open subscriptions "
        f"renewing within {DUE_WITHIN_DAYS} days in {imp.due_groups:,} account×vendor×date groups "
        "(playbook windows are 90–180 days, so the counts differ by design)",
        "first sweep rates are over the engine's writing window (first to last renewal/action row: "
        + (f"{window:.1f} s, starting {sweep.first_write.timestamp() - imp.finished_wall:+.1f} s from the import's "
           "completion" if window and sweep.first_write else "n/a") + ")",
        f"idle re-sweep: the candidate query still returns {resweep.candidate_accounts:,} accounts "
        "(inside the widest playbook window but not yet in their own playbook's), each one revisited by every sweep",
    ]
    if sweep.timed_out:
        notes.append(f"the engine was still writing after {config.sweep_timeout_s:.0f} s: sweep time not measured")
    return rows, notes
