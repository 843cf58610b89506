"""The demo org and its portfolio, loaded through the account service's import job — the same path
`make run` (cadence_cli.imports) takes — and timed."""

from __future__ import annotations

import asyncio
import csv
import json
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from cadence_cli.imports import describe, run_import
from cadence_cli.orgs import Login, seed_demo_org
from cadence_demo import PortfolioFiles, PortfolioSpec, load_catalogue, write_portfolio
from cadence_playbook_engine.domain.renewals import OPEN_STAGES

from .stack import BenchStack

DUE_WITHIN_DAYS = 120  # the default playbooks' usual trigger window (tech touch: 90, Broadcom: up to 180)


@dataclass(frozen=True)
class ImportResult:
    org_id: str
    logins: list[Login]
    files: PortfolioFiles
    started_wall: float          # time.time() when StartImport was sent
    finished_wall: float         # the job's finished_at (server clock, same machine)
    server_seconds: float        # job finished_at − created_at
    client_seconds: float        # StartImport sent → job seen finished (includes the upload and ≤ 0.5 s polling)
    result: dict[str, Any]
    due_subscriptions: int       # open-stage subscriptions renewing within DUE_WITHIN_DAYS
    due_groups: int              # the same grouped as the engine groups renewals (account × vendor × date)

    @property
    def rows(self) -> int:
        f = self.files
        return f.accounts + f.subscriptions + f.contacts + f.tech_entries


def _due(path: Path, today: date) -> tuple[int, int]:
    horizon = today + timedelta(days=DUE_WITHIN_DAYS)
    subscriptions, groups = 0, set()
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["lifecycle_stage"] in OPEN_STAGES and date.fromisoformat(row["renewal_date"]) <= horizon:
                subscriptions += 1
                groups.add((row["account_external_id"], row["vendor"].strip().lower(), row["renewal_date"]))
    return subscriptions, len(groups)


def seed_and_import(stack: BenchStack, accounts: int, today: date) -> ImportResult:
    settings = stack.settings
    org, logins = asyncio.run(seed_demo_org(settings))  # the demo org: admin, csm1-2, rep1-4
    files = write_portfolio(PortfolioSpec(accounts=accounts, today=today),
                            load_catalogue(Path(settings.data_dir) if settings.data_dir else None),
                            stack.state_dir / "demo")
    paths = [files.subscriptions_path, files.contacts_path, files.tech_profile_path]
    started_wall, started = time.time(), time.perf_counter()
    job = asyncio.run(run_import(settings, org.id, paths, format="template", progress=False))
    client_seconds = time.perf_counter() - started
    if job.state != "succeeded":
        raise RuntimeError("the demo portfolio did not import:\n" + describe(job))
    created, finished = job.created_at.ToNanoseconds() / 1e9, job.finished_at.ToNanoseconds() / 1e9
    due_subscriptions, due_groups = _due(files.subscriptions_path, today)
    return ImportResult(org_id=org.id, logins=logins, files=files, started_wall=started_wall,
                        finished_wall=finished, server_seconds=finished - created, client_seconds=client_seconds,
                        result=json.loads(job.result_json) if job.result_json else {},
                        due_subscriptions=due_subscriptions, due_groups=due_groups)
