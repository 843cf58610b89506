"""`cadence import` and the demo portfolio: CSV files → the account service's import job."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from cadence.account.v1 import accounts_pb2 as pb
from cadence.account.v1 import accounts_pb2_grpc
from cadence_platform.caller import Caller
from cadence_platform.grpc_client import caller_metadata, open_channel

from cadence_cli.config import CliSettings

if TYPE_CHECKING:
    from cadence_demo import PortfolioFiles

POLL_SECONDS = 0.5
CHUNK_BYTES = 1 << 20


async def _upload(paths: list[Path], spec: pb.ImportSpec, progress: bool) -> AsyncIterator[pb.ImportUpload]:
    """The spec, then each file in 1 MiB chunks read as they go (a file never sits whole in memory)."""
    yield pb.ImportUpload(spec=spec)
    total = sum(p.stat().st_size for p in paths)
    sent = 0
    for index, path in enumerate(paths):
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK_BYTES):
                sent += len(chunk)
                if progress:
                    print(f"\r  uploading {sent / 2**20:.0f}/{total / 2**20:.0f} MiB", end="", file=sys.stderr,
                          flush=True)
                yield pb.ImportUpload(chunk=pb.ImportChunk(file_index=index, data=chunk))
    if progress:
        print(file=sys.stderr)


async def run_import(settings: CliSettings, org_id: str, paths: list[Path], *, format: str, locale: str = "",
                     date_format: str = "", mapping: str = "", progress: bool = True) -> pb.Job:
    spec = pb.ImportSpec(format=format, locale=locale, date_format=date_format, mapping_json=mapping,
                         file_names=[p.name for p in paths])
    md = caller_metadata(Caller.system(org_id, ttl_seconds=3600), settings.caller_secret.get_secret_value())
    async with open_channel(settings.account_target, deadline_seconds=3600) as channel:
        stub = accounts_pb2_grpc.AccountServiceStub(channel)
        job = await stub.UploadImport(_upload(paths, spec, progress), metadata=md, wait_for_ready=True)
        while job.state in ("queued", "running"):
            await asyncio.sleep(POLL_SECONDS)
            job = await stub.GetJob(pb.GetJobRequest(id=job.id), metadata=md)
            if progress and job.total:
                print(bar("importing", job.done, job.total, "rows"), end="", file=sys.stderr, flush=True)
        if progress:
            print(file=sys.stderr)
        return job


def bar(label: str, done: int, total: int, unit: str, width: int = 30) -> str:
    """A one-line progress bar for a terminal: print it after a carriage return, without a newline."""
    fraction = min(done / total, 1.0) if total else 0.0
    filled = int(width * fraction)
    return f"\r  {label} [{'#' * filled}{'.' * (width - filled)}] {fraction:4.0%}  {done:,}/{total:,} {unit}"


def describe(job: pb.Job) -> str:
    lines = [f"import {job.id}: {job.state}"]
    if job.result_json:
        lines.append("  " + json.dumps(json.loads(job.result_json)))
    for kind, issues in (("error", job.errors), ("warning", job.warnings)):
        for issue in issues:
            where = ":".join(str(x) for x in (issue.file, issue.row or "", issue.column) if x)
            lines.append(f"  {kind}: {where} {issue.value!r}: {issue.reason}" if issue.value else
                         f"  {kind}: {where} {issue.reason}")
    return "\n".join(lines)


@dataclass(frozen=True)
class DemoImport:
    files: PortfolioFiles
    job: pb.Job
    seconds: float  # the import's, from the first uploaded byte to the finished job

    @property
    def rows(self) -> int:
        return self.files.subscriptions + self.files.contacts + self.files.tech_entries

    def summary(self, shown_issues: int = 5) -> str:
        """Counts and speed; only the first few warnings (a 100k-account portfolio may have thousands)."""
        f = self.files
        lines = [f"generated {f.accounts:,} accounts, {f.subscriptions:,} subscriptions, {f.contacts:,} contacts, "
                 f"{f.tech_entries:,} tech-profile entries in {f.subscriptions_path.parent}"]
        if self.job.state == "succeeded":
            lines.append(f"imported {self.rows:,} rows in {self.seconds:.1f} s "
                         f"({self.rows / max(self.seconds, 1e-9):,.0f} rows/s): {json.loads(self.job.result_json)}")
        else:
            lines.append(f"import {self.job.id} {self.job.state}")
        for kind, issues in (("error", self.job.errors), ("warning", self.job.warnings)):
            lines += [f"  {kind}: {i.file}:{i.row} {i.column} {i.reason}" for i in issues[:shown_issues]]
            if len(issues) > shown_issues:
                lines.append(f"  … and {len(issues) - shown_issues:,} more {kind}s")
        return "\n".join(lines)


def generate_portfolio(settings: CliSettings, accounts: int, out_dir: Path, seed: int,
                       progress: bool = True) -> PortfolioFiles:
    """The demo generator's portfolio as import-template files, with a progress bar on stderr."""
    from cadence_demo import PortfolioSpec, load_catalogue, write_portfolio

    def show(done: int, total: int) -> None:
        print(bar("generating", done, total, "accounts"), end="", file=sys.stderr, flush=True)

    data_dir = Path(settings.data_dir) if settings.data_dir else None
    spec = PortfolioSpec(accounts=accounts, today=date.today(), seed=seed)
    files = write_portfolio(spec, load_catalogue(data_dir), out_dir, show if progress else None)
    if progress:
        print(file=sys.stderr)
    return files


async def import_portfolio(settings: CliSettings, org_id: str, files: PortfolioFiles,
                           progress: bool = True) -> DemoImport:
    """The generated files through the same streaming upload as `cadence import`."""
    started = time.perf_counter()
    job = await run_import(settings, org_id, [files.subscriptions_path, files.contacts_path, files.tech_profile_path],
                           format="template", progress=progress)
    return DemoImport(files, job, time.perf_counter() - started)


async def load_demo_portfolio(settings: CliSettings, org_id: str, accounts: int, today: date) -> pb.Job | None:
    """Generate the demo portfolio and import it through the ordinary import path; skip if loaded."""
    from cadence_demo import PortfolioSpec, load_catalogue, write_portfolio

    md = caller_metadata(Caller.system(org_id), settings.caller_secret.get_secret_value())
    async with open_channel(settings.account_target) as channel:
        existing = await accounts_pb2_grpc.AccountServiceStub(channel).ListAccounts(
            pb.ListAccountsRequest(page={"limit": 1}), metadata=md, wait_for_ready=True)
    if existing.items:
        return None
    out_dir = Path(settings.state_dir) / "demo"
    out_dir.mkdir(parents=True, exist_ok=True)
    data_dir = Path(settings.data_dir) if settings.data_dir else None
    files = write_portfolio(PortfolioSpec(accounts=accounts, today=today), load_catalogue(data_dir), out_dir)
    paths = [files.subscriptions_path, files.contacts_path, files.tech_profile_path]
    return await run_import(settings, org_id, paths, format="template", progress=False)
