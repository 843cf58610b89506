"""`cadence import` and the demo portfolio: CSV files → the account service's import job."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

from cadence_platform.caller import Caller
from cadence_platform.grpc_client import caller_metadata, open_channel

from cadence.account.v1 import accounts_pb2 as pb
from cadence.account.v1 import accounts_pb2_grpc

from cadence_cli.config import CliSettings

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
                print(f"\r  {job.state}: {job.done}/{job.total}", end="", file=sys.stderr, flush=True)
        if progress:
            print(file=sys.stderr)
        return job


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
