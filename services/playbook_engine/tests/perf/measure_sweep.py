"""Measure the bulk sweep at portfolio scale. Not a test (pytest does not collect it): run it by hand.

    .venv/bin/python services/playbook_engine/tests/perf/measure_sweep.py --accounts 100000

Generates the demo portfolio (libs/demo: ~10 lines per account, several vendors, co-termed lines)
unless --csv names one, seeds the engine's read models straight from its CSV with COPY in a
throwaway database, starts a real scoring service, then times the first sweep and the idle
re-sweep, and in the same run a plain binary COPY of as many action-shaped rows (bench/
copy_baseline.py's shape) and of rows shaped like this actions table. Reports the CPU seconds of
the engine, scoring and PostgreSQL beside the wall clock (the machine is shared). Drops the
database and the scoring service's streams at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

from cadence.scoring.v1.scoring_pb2 import PriorityInput
from cadence_platform import db, fx
from cadence_platform.bootstrap import prepare_database
from cadence_platform.events import Naming, partition_of
from cadence_platform.outbox import Outbox
from cadence_platform.settings import DEFAULT_DATABASE_URL, DEFAULT_NATS_URL, LOCAL_CALLER_SECRET
from cadence_platform.testing import free_port

from cadence_playbook_engine.adapters.scoring import ScoringClient
from cadence_playbook_engine.adapters.tables import messaging, orgs_rm
from cadence_playbook_engine.domain.renewals import vendor_key
from cadence_playbook_engine.handlers.deps import Deps
from cadence_playbook_engine.handlers.playbooks import seed_defaults
from cadence_playbook_engine.settings import PlaybookEngineSettings
from cadence_playbook_engine.sweep import sweep_org

ROOT = Path(__file__).resolve().parents[4]
MIGRATIONS = ROOT / "services" / "playbook_engine" / "migrations"
NS = uuid.UUID("6f1c1f7e-4a55-4a53-9c59-2b8f4f2e0b11")
S = "playbook_engine"
SUBSCRIPTION_COLUMNS = ("subscription_id, org_id, account_id, vendor, vendor_key, renewal_date, term_start, "
                        "lifecycle_stage, arr_amount, arr_currency")
ACCOUNT_COLUMNS = "account_id, org_id, name, motion, csm_id, default_rep_id, rep_ids, escalated, archived, partition"


def ident(text: str) -> uuid.UUID:
    return uuid.uuid5(NS, text)


def generate(accounts: int, out: Path) -> Path:
    subprocess.run([sys.executable, "-m", "cadence_demo", "--accounts", str(accounts), "--today",
                    date.today().isoformat(), "--out", str(out)], check=True, stdout=subprocess.DEVNULL)
    return out / "subscriptions.csv"


def _account(row: dict[str, str], org: uuid.UUID, n: int) -> tuple[Any, ...]:
    account = ident(row["account_external_id"])
    rep = ident(row["default_rep_email"]) if row["default_rep_email"] else None
    csm = ident(row["csm_email"]) if row["csm_email"] else None
    reps = "{" + ",".join(str(ident(e)) for e in row["rep_emails"].split("|") if e) + "}"
    return (account, org, row["account_name"], row["motion"], csm, rep, reps, n % 37 == 0, False,
            partition_of(str(account)))


def seed(conninfo: str, org: uuid.UUID, path: Path) -> tuple[int, int]:
    """The read models as the account stream would leave them: one row per account and subscription."""
    accounts: dict[str, tuple[Any, ...]] = {}
    lines = 0
    with psycopg.connect(conninfo) as conn, path.open(newline="", encoding="utf-8") as handle:
        with conn.cursor().copy(f"COPY {S}.subscriptions_rm ({SUBSCRIPTION_COLUMNS}) FROM STDIN") as cp:
            for row in csv.DictReader(handle):
                if row["account_external_id"] not in accounts:
                    accounts[row["account_external_id"]] = _account(row, org, len(accounts))
                cp.write_row((ident(row["subscription_external_id"]), org, ident(row["account_external_id"]),
                              row["vendor"], vendor_key(row["vendor"]), row["renewal_date"], row["term_start"] or None,
                              row["lifecycle_stage"], row["arr"] or None, row["arr_currency"]))
                lines += 1
        with conn.cursor().copy(f"COPY {S}.accounts_rm ({ACCOUNT_COLUMNS}) FROM STDIN") as cp:
            for values in accounts.values():
                cp.write_row(values)
        conn.commit()
        conn.autocommit = True
        conn.execute(f"VACUUM ANALYZE {S}.accounts_rm")  # as autovacuum would, long before a sweep
        conn.execute(f"VACUUM ANALYZE {S}.subscriptions_rm")
    return len(accounts), lines


def counts(conninfo: str) -> dict[str, int]:
    with psycopg.connect(conninfo) as conn:
        found = {t: conn.execute(f"select count(*) from {S}.{t}").fetchone() for t in
                 ("renewals", "runs", "actions", "outbox")}
        size = conn.execute(f"select coalesce(sum(octet_length(data)), 0) from {S}.outbox").fetchone()
    return {**{t: int(row[0]) if row else 0 for t, row in found.items()}, "outbox_bytes": int(size[0]) if size else 0}


def plain_copy(conninfo: str, rows: int) -> float:
    """bench/copy_baseline.py's baseline (its INSERT … SELECT half overflows int4 past ~270k rows):
    binary COPY of 9-column action-shaped rows, uuid keys, two secondary indexes, generated in Python."""
    rng = random.Random(6)
    org, accounts = uuid.uuid4(), [uuid.uuid4() for _ in range(max(1, rows // 30))]
    assignees, today = [uuid.uuid4() for _ in range(6)], date.today()
    with psycopg.connect(conninfo) as conn:
        conn.execute(f"CREATE TABLE {S}.plain_copy (id uuid primary key, org_id uuid not null, account_id uuid not "
                     "null, title text not null, kind text not null, due_date date not null, status text not null, "
                     "assignee_id uuid, priority int not null)")
        conn.execute(f"CREATE INDEX ON {S}.plain_copy (org_id, assignee_id, status, priority desc, due_date, id)")
        conn.execute(f"CREATE INDEX ON {S}.plain_copy (account_id, status)")
        conn.commit()
        started = time.perf_counter()
        with conn.cursor().copy(f"COPY {S}.plain_copy FROM STDIN (FORMAT BINARY)") as cp:
            cp.set_types(["uuid", "uuid", "uuid", "text", "text", "date", "text", "uuid", "int4"])
            for i in range(rows):
                cp.write_row((uuid.uuid4(), org, rng.choice(accounts), f"Renewal step {i % 7}: confirm the order",
                              ("call", "meeting", "email", "task")[i % 4],
                              today + timedelta(days=rng.randrange(366)), "open", rng.choice(assignees),
                              rng.randrange(100)))
        conn.commit()
        seconds = time.perf_counter() - started
        conn.execute(f"DROP TABLE {S}.plain_copy")
        conn.commit()
    return seconds


def full_shape_copy(conninfo: str, rows: int) -> float:
    """Binary COPY of `rows` rows like the stored actions (same columns, same indexes) into a scratch copy."""
    with psycopg.connect(conninfo) as conn:
        conn.execute(f"CREATE TABLE {S}.copy_baseline (LIKE {S}.actions INCLUDING ALL)")
        cur = conn.execute(f"SELECT * FROM {S}.actions LIMIT 5000")
        sample, names = cur.fetchall(), [d.name for d in cur.description or []]
        types = [conn.execute("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                              f"'{S}.actions'::regclass AND attname = %s", (c,)).fetchone()[0]  # type: ignore[index]
                 for c in names]
        conn.commit()
        started = time.perf_counter()
        with conn.cursor().copy(f"COPY {S}.copy_baseline FROM STDIN (FORMAT BINARY)") as cp:
            cp.set_types(types)
            for i in range(rows):
                cp.write_row((uuid.uuid4(), *sample[i % len(sample)][1:]))
        conn.commit()
        seconds = time.perf_counter() - started
        conn.execute(f"DROP TABLE {S}.copy_baseline")
        conn.commit()
    return seconds


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def backends(conninfo: str, name: str) -> list[int]:
    with psycopg.connect(conninfo) as conn:
        return [r[0] for r in conn.execute("select pid from pg_stat_activity where datname = %s and "
                                           "pid <> pg_backend_pid()", (name,))]


async def timed_sweep(deps: Deps, org: uuid.UUID, conninfo: str, name: str, scoring_pid: int) -> dict[str, float]:
    """Wall and CPU seconds of one sweep: this process, scoring, and the database backends it used."""
    pg_before = {p: cpu_seconds(p) for p in backends(conninfo, name)}
    scoring_before, engine_before = cpu_seconds(scoring_pid), time.process_time()
    started = time.perf_counter()
    runs = await sweep_org(deps, org)
    wall = time.perf_counter() - started
    pg = sum(cpu_seconds(p) - pg_before.get(p, 0.0) for p in backends(conninfo, name))
    return {"wall": wall, "runs": runs, "engine_cpu": time.process_time() - engine_before,
            "scoring_cpu": cpu_seconds(scoring_pid) - scoring_before, "postgres_cpu": pg,
            "load": os.getloadavg()[0]}


async def measure(args: argparse.Namespace, url: str, conninfo: str, name: str, scoring: str, scoring_pid: int) -> None:
    await (await prepare_database(PlaybookEngineSettings(database_url=url), MIGRATIONS)).dispose()
    org = uuid.uuid4()
    engine = db.create_engine(url, pool_size=4)
    deps = Deps(db.session_factory(engine), Outbox(messaging.outbox, Naming("measure"), "playbook_engine"),
                ScoringClient(scoring, LOCAL_CALLER_SECRET))
    async with deps.unit_of_work() as session:
        await session.execute(orgs_rm.insert().values(org_id=org, time_zone="UTC", reporting_currency="EUR",
                                                      fx_rates={}))
        await seed_defaults(session, org)
    path = Path(args.csv) if args.csv else generate(args.accounts, Path(tempfile.mkdtemp(prefix="sweep-demo-")))
    started = time.perf_counter()
    n_accounts, n_lines = seed(conninfo, org, path)
    print(f"seeded {n_accounts:,} accounts, {n_lines:,} subscriptions in {time.perf_counter() - started:.1f} s")
    # Scoring is up, connected and warm before the clock starts, and the ECB history loaded (~1 s, once
    # per process: the first sweep after a start pays it).
    fx.rate("USD", "EUR", date.today())
    await deps.scoring.score(str(org), [PriorityInput(action_id="warm-up", account_id=str(org), due_date="2030-01-01",
                                                      motion="tech_touch", kind="call", status="open")])
    first = await timed_sweep(deps, org, conninfo, name, scoring_pid)
    written = counts(conninfo)
    print(f"first sweep: {first}\n  wrote {written}", flush=True)
    idle = await timed_sweep(deps, org, conninfo, name, scoring_pid)
    after = counts(conninfo)
    print(f"idle re-sweep: {idle}\n  new rows {({k: after[k] - written[k] for k in after})}", flush=True)
    await deps.scoring.close()
    await engine.dispose()
    rate = written["actions"] / first["wall"]
    plain = written["actions"] / plain_copy(conninfo, written["actions"])
    full = written["actions"] / full_shape_copy(conninfo, written["actions"])
    print(f"actions/s {rate:,.0f}; plain COPY (bench shape) {plain:,.0f}/s → ratio {rate / plain:.2f}; "
          f"COPY of rows shaped like these actions {full:,.0f}/s → ratio {rate / full:.2f}")


async def drop_streams(prefix: str) -> None:
    import nats

    nc = await nats.connect(os.environ.get("CADENCE_NATS_URL", DEFAULT_NATS_URL))
    js = nc.jetstream()
    for stream in await js.streams_info():
        if stream.config.name and stream.config.name.startswith(prefix.upper() + "_"):
            await js.delete_stream(stream.config.name)
    await nc.close()


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds through main's finally: scoring, database and streams go


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--csv", help="an existing demo subscriptions.csv (skips generating one)")
    parser.add_argument("--keep", action="store_true", help="keep the database (for EXPLAIN)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _stop)
    name = f"cadence_sweep_measure_{uuid.uuid4().hex[:6]}"
    url = make_url(os.environ.get("CADENCE_DATABASE_URL", DEFAULT_DATABASE_URL)).set(database=name)
    url_text = url.render_as_string(hide_password=False)
    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    db.ensure_database(url_text)
    port, prefix = free_port(), f"m{name[-6:]}"
    env = {**os.environ, "CADENCE_DATABASE_URL": url_text, "CADENCE_NATS_PREFIX": prefix,
           "CADENCE_SCORING_GRPC_PORT": str(port)}
    scoring = subprocess.Popen([sys.executable, "-m", "cadence_scoring"], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        asyncio.run(measure(args, url_text, conninfo, name, f"127.0.0.1:{port}", scoring.pid))
    finally:
        scoring.terminate()
        scoring.wait(timeout=30)
        asyncio.run(drop_streams(prefix))
        if args.keep:
            print(f"kept database {name}")
        else:
            db.drop_database(url_text)


if __name__ == "__main__":
    main()
