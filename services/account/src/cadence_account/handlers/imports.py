"""The CRM-export import as a job: stream the files into one transaction that writes everything or
nothing at all (see import_apply); the job reports progress, every error and warning, and the counts."""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cadence.account.v1 import accounts_events_pb2 as events
from cadence.account.v1 import accounts_pb2 as pb
from cadence_platform.audit import record_audit
from cadence_platform.caller import Caller
from cadence_platform.errors import InvalidInput, TooLarge

from cadence_account.domain.imports import FieldMapping, ImportFile, ImportOptions, LocaleError, MappingError
from cadence_account.handlers.deps import Deps
from cadence_account.handlers.import_apply import Progress, Rejected, apply_import
from cadence_account.handlers.import_source import ParsedSource, RecordSource, TemplateSource
from cadence_account.handlers.jobs import create_job, finish_job, get_job, job_pb, update_job

__all__ = ["get_job", "options_from", "run_import", "start_import", "upload_import"]
log = logging.getLogger(__name__)
_running: set[asyncio.Task[None]] = set()  # keep a reference so the task is not collected mid-way
MAX_UPLOAD_BYTES = 4 * 2**30


def options_from(format: str, locale: str, date_format: str, mapping_json: str) -> ImportOptions:
    """Import options from the request; a bad option is the caller's mistake and names its field."""
    try:
        mapping = FieldMapping.from_json(json.loads(mapping_json)) if mapping_json else None
    except json.JSONDecodeError as exc:
        raise InvalidInput.field("mapping", f"is not JSON: {exc.msg}") from None
    except MappingError as exc:
        raise InvalidInput.field(f"mapping.{exc.key}", exc.why) from None
    try:
        return ImportOptions(format=format, locale=locale or None, date_format=date_format or None, mapping=mapping)
    except LocaleError as exc:
        raise InvalidInput.field("locale", str(exc)) from None
    except ValueError as exc:
        raise InvalidInput.field("format" if "format" in str(exc) else "date_format", str(exc)) from None


async def start_import(deps: Deps, *, caller: Caller, request: pb.StartImportRequest) -> pb.Job:
    options = options_from(request.format, request.locale, request.date_format, request.mapping_json)
    if not request.files:
        raise InvalidInput.field("files", "send at least one CSV file")
    files = [ImportFile(name=f.name or f"file{i + 1}.csv", data=f.data) for i, f in enumerate(request.files)]
    job = await create_job(deps, caller, "import")
    _start(deps, caller, job["id"], files, options)
    return job_pb(job)


def _start(deps: Deps, caller: Caller, job_id: str, files: list[ImportFile], options: ImportOptions,
           spool: Path | None = None) -> None:
    task = asyncio.create_task(run_import(deps, caller, job_id, files, options, spool))
    _running.add(task)
    task.add_done_callback(_running.discard)


async def upload_import(deps: Deps, *, caller: Caller, parts: AsyncIterator[pb.ImportUpload]) -> pb.Job:
    """Large files arrive in chunks and are spooled to disk; the job then reads them as streams."""
    first = await anext(parts, None)
    if first is None or first.WhichOneof("part") != "spec":
        raise InvalidInput.field("spec", "send the import spec first, then the files' chunks")
    spec = first.spec
    options = options_from(spec.format, spec.locale, spec.date_format, spec.mapping_json)
    if not spec.file_names:
        raise InvalidInput.field("file_names", "name at least one CSV file")
    spool = Path(tempfile.mkdtemp(prefix="cadence-import-"))
    paths = [spool / f"{i}.csv" for i in range(len(spec.file_names))]
    try:
        await _spool(parts, paths)
    except BaseException:
        shutil.rmtree(spool, ignore_errors=True)
        raise
    files = [ImportFile(name=name, data=path.open("rb")) for name, path in zip(spec.file_names, paths, strict=True)]
    job = await create_job(deps, caller, "import")
    _start(deps, caller, job["id"], files, options, spool)
    return job_pb(job)


async def _spool(parts: AsyncIterator[pb.ImportUpload], paths: list[Path]) -> None:
    handles = [path.open("wb") for path in paths]
    written = 0
    try:
        async for part in parts:
            if part.WhichOneof("part") != "chunk":
                raise InvalidInput.field("spec", "send the spec once, before the chunks")
            index = part.chunk.file_index
            if not 0 <= index < len(handles):
                raise InvalidInput.field("file_index", f"must name one of the {len(handles)} files of the spec")
            written += len(part.chunk.data)
            if written > MAX_UPLOAD_BYTES:
                raise TooLarge(f"an import may hold at most {MAX_UPLOAD_BYTES // 2**30} GiB")
            handles[index].write(part.chunk.data)
    finally:
        for handle in handles:
            handle.close()


async def run_import(deps: Deps, caller: Caller, job_id: str, files: list[ImportFile], options: ImportOptions,
                     spool: Path | None = None) -> None:
    await update_job(deps, job_id, state="running")
    try:
        source_type = TemplateSource if options.format == "template" else ParsedSource
        source: RecordSource = await asyncio.to_thread(source_type, files, options)
        progress = Progress(deps, job_id, source.expected_rows())
        await progress.flush()
        async with deps.unit_of_work() as session:
            outcome = await apply_import(deps, session, caller, job_id, source, progress)
            result = {**{k: outcome.counts[k] for k in ("accounts", "subscriptions", "contacts")},
                      "tech_profiles": outcome.counts["tech_profiles"]["updated"], "format": options.format,
                      "files": [f.name for f in files]}
            await _completed(deps, session, caller, job_id, result, options.format)
        await finish_job(deps, job_id, state="succeeded", result=result, warnings=outcome.warnings)
        await progress.flush(done=progress.total)
    except Rejected as exc:
        await finish_job(deps, job_id, state="failed", errors=exc.errors, warnings=exc.warnings)
    except Exception:
        log.exception("import failed", extra={"job_id": job_id})
        await finish_job(deps, job_id, state="failed",
                         errors=[{"reason": "the import failed inside Cadence; nothing was imported"}])
    finally:
        for file in files:
            if not isinstance(file.data, bytes):
                file.data.close()
        if spool is not None:
            shutil.rmtree(spool, ignore_errors=True)


async def _completed(deps: Deps, session: AsyncSession, caller: Caller, job_id: str, result: dict[str, Any],
                     format: str) -> None:
    """One import.completed for the job and its audit record, beside the per-account events."""
    await deps.outbox.add(session, event_type="import.completed", org_id=caller.org_id, aggregate_id=job_id,
                          payload=events.ImportCompleted(job_id=job_id, result_json=json.dumps(result)))
    totals = {kind: sum(result[kind].values()) for kind in ("accounts", "subscriptions", "contacts")}
    await record_audit(deps.outbox, session, caller=caller, action="import.completed", target_type="import",
                       target_id=job_id, changes=result, summary=(
                           f"imported {format}: {totals['accounts']} accounts, {totals['subscriptions']} "
                           f"subscriptions, {totals['contacts']} contacts"))
