"""The set-based import against the row-by-row writer it replaced (kept in account_legacy_import as
the reference): the same rows, counts and warnings on a small portfolio, first import and re-import;
all or nothing on errors; one `account.imported` per account instead of an event per row."""

from __future__ import annotations

import csv
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import account_legacy_import as legacy
import pytest
import sqlalchemy as sa
from account_import_harness import (
    World,
    bulk_import,
    last_seq,
    new_world,
    open_files,
    outbox_after,
    plain,
    snapshot,
)

from cadence.account.v1 import accounts_events_pb2 as events
from cadence_platform.events import partition_of, unpack

from cadence_account.adapters.tables import accounts, contacts, subscriptions
from cadence_account.domain.imports import ImportOptions, parse_import
from cadence_account.handlers.contacts import contact_pb
from cadence_account.handlers.deps import Deps
from cadence_account.handlers.import_apply import issues
from cadence_account.handlers.subscriptions import subscription_pb
from cadence_demo import PortfolioSpec, load_bundled_catalogue, write_portfolio

pytestmark = pytest.mark.integration
TEMPLATE = ImportOptions("template")


def portfolio(folder: Path, accounts_count: int = 24) -> tuple[list[Path], PortfolioSpec]:
    spec = PortfolioSpec(accounts=accounts_count, today=date.today(), demo_domain=f"{uuid.uuid4().hex[:8]}.test")
    files = write_portfolio(spec, load_bundled_catalogue(), folder)
    return [files.subscriptions_path, files.contacts_path, files.tech_profile_path], spec


async def org_for(deps: Deps, spec: PortfolioSpec) -> World:
    """The portfolio's users, but csm2 is a rep and rep4 is missing: owner warnings on some accounts."""
    people = {e: "csm" for e in spec.csm_emails()} | {e: "rep" for e in spec.rep_emails()}
    people[spec.csm_emails()[1]] = "rep"
    del people[spec.rep_emails()[3]]
    return await new_world(deps, people)


def rewrite(path: Path, out: Path, change: Any) -> Path:
    """A copy of a CSV with `change(rows)` applied to its data rows (header kept)."""
    with path.open(newline="", encoding="utf-8") as fh:
        header, *rows = list(csv.reader(fh))
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows([header, *change(header, rows)])
    return out


def second_export(paths: list[Path], folder: Path) -> list[Path]:
    """What a CRM gives a month later: moved renewal dates, a new line, a renamed account, edited and
    repeated contacts, a shorter technology profile."""
    def subs(h: list[str], rows: list[list[str]]) -> list[list[str]]:
        col = h.index("renewal_date")
        for row in rows[:5]:
            row[col] = (date.fromisoformat(row[col]) + timedelta(days=30)).isoformat()
        for row in rows:
            if row[0] == rows[0][0]:
                row[h.index("account_name")] = "Renamed Holding"
        extra = list(rows[-1])
        extra[h.index("subscription_external_id")] += "-new"
        return [*rows, extra]

    def people(h: list[str], rows: list[list[str]]) -> list[list[str]]:
        for row in rows[:3]:
            row[h.index("title")] = "Chief Renewals Officer"
        again = list(rows[0])
        again[h.index("phone")] = "+49 30 0000000"
        return [*rows, again]

    def tech(h: list[str], rows: list[list[str]]) -> list[list[str]]:
        first = [i for i, r in enumerate(rows) if r[0] == rows[0][0]]
        return [r for i, r in enumerate(rows) if i != first[-1]] if len(first) > 1 else rows

    return [rewrite(p, folder / p.name, change) for p, change in zip(paths, (subs, people, tech), strict=True)]


async def legacy_import(world: World, paths: list[Path]) -> tuple[dict[str, Any], dict[str, Any], list[Any]]:
    """The row-by-row writer on the same files, in a transaction that is rolled back: (rows, counts, warnings)."""
    parsed = parse_import(open_files(paths), TEMPLATE)
    assert parsed.ok, parsed.errors[:3]

    async def progress(done: int) -> None:
        return None

    async with world.sessions() as session:
        transaction = await session.begin()
        try:
            outcome = await legacy.apply_import(world.deps, session, world.admin, parsed, progress)
            rows = await snapshot(session, world.org_id)
        finally:
            await transaction.rollback()
    counts: dict[str, Any] = {k: dict(outcome.counts[k]) for k in ("accounts", "subscriptions", "contacts")}
    counts["tech_profiles"] = outcome.counts["tech_profiles"]["updated"]
    return rows, counts, issues(parsed.warnings) + outcome.warnings


async def current(world: World) -> dict[str, Any]:
    async with world.sessions() as session:
        return await snapshot(session, world.org_id)


def counts_of(job: dict[str, Any]) -> dict[str, Any]:
    return {k: job["result"][k] for k in ("accounts", "subscriptions", "contacts", "tech_profiles")}


async def test_the_bulk_path_writes_what_the_row_by_row_path_wrote(deps: Deps, tmp_path: Path) -> None:
    paths, spec = portfolio(tmp_path / "first")
    world = await org_for(deps, spec)
    expected, expected_counts, expected_warnings = await legacy_import(world, paths)
    job = await bulk_import(world, paths)
    assert job["state"] == "succeeded", job["errors"][:3]
    assert counts_of(job) == expected_counts and expected_counts["accounts"]["created"] == spec.accounts
    assert job["warnings"] == plain(expected_warnings) and job["warnings"]  # the missing rep4 / csm2 as a rep
    assert await current(world) == expected
    data_rows = sum(len(p.read_text().splitlines()) - 1 for p in paths)
    assert job["done"] == job["total"] == spec.accounts + data_rows

    again = second_export(paths, tmp_path / "second")
    expected, expected_counts, expected_warnings = await legacy_import(world, again)
    job = await bulk_import(world, again)
    assert job["state"] == "succeeded", job["errors"][:3]
    assert counts_of(job) == expected_counts
    assert expected_counts["accounts"] == {"created": 0, "updated": spec.accounts}
    assert expected_counts["subscriptions"]["created"] == 1 and expected_counts["contacts"]["created"] == 0
    assert job["warnings"] == plain(expected_warnings)
    assert await current(world) == expected


async def test_a_reimport_publishes_one_event_per_account_with_the_moved_dates(deps: Deps, tmp_path: Path) -> None:
    paths, spec = portfolio(tmp_path / "first", 12)
    world = await org_for(deps, spec)
    assert (await bulk_import(world, paths))["state"] == "succeeded"
    async with world.sessions() as session:
        before = {r.external_id: r.renewal_date for r in await session.execute(
            sa.select(subscriptions.c.external_id, subscriptions.c.renewal_date)
            .where(subscriptions.c.org_id == uuid.UUID(world.org_id)))}
    seq = await last_seq(world)
    job = await bulk_import(world, second_export(paths, tmp_path / "second"))
    assert job["result"]["accounts"] == {"created": 0, "updated": 12}
    written = await outbox_after(world, seq)
    prefix = world.outbox.naming.prefix
    assert sorted({s for s, _ in written}) == [f"{prefix}.account.imported", f"{prefix}.audit.recorded.account",
                                               f"{prefix}.import.completed"]
    imported = [e for s, e in written if s.endswith(".account.imported")]
    assert len(imported) == 12 and len({e.aggregate_id for e in imported}) == 12
    moved = {}
    async with world.sessions() as session:
        for envelope in imported:
            event = unpack(envelope, events.AccountImported)
            row = (await session.execute(sa.select(accounts).where(
                accounts.c.id == uuid.UUID(envelope.aggregate_id)))).mappings().one()
            assert not event.created and event.job_id == job["id"] and event.HasField("profile")
            assert envelope.aggregate_version == event.account.version == row["version"] == 2
            assert envelope.partition == partition_of(envelope.aggregate_id)
            assert event.account.subscription_count == len(event.subscriptions) > 0
            assert len(event.previous_renewal_dates) == len(event.subscriptions)
            for line, previous in zip(event.subscriptions, event.previous_renewal_dates, strict=True):
                if previous:
                    moved[line.external_id] = previous
                stored = (await session.execute(sa.select(subscriptions).where(
                    subscriptions.c.id == uuid.UUID(line.id)))).mappings().one()
                assert line == subscription_pb(dict(stored))  # the bulk builder makes the service's messages
            for person in event.contacts:
                stored = (await session.execute(sa.select(contacts).where(
                    contacts.c.id == uuid.UUID(person.id)))).mappings().one()
                assert person == contact_pb(dict(stored))
            new = [line.id for line in event.subscriptions if line.external_id.endswith("-new")]
            assert list(event.created_subscription_ids) == new
    assert len(moved) == 5 and all(before[k].isoformat() == v for k, v in moved.items())


async def test_a_file_with_errors_imports_nothing_and_says_what_the_parser_says(deps: Deps, tmp_path: Path) -> None:
    paths, spec = portfolio(tmp_path / "good", 6)
    world = await org_for(deps, spec)

    def damage(h: list[str], rows: list[list[str]]) -> list[list[str]]:
        rows[1][h.index("renewal_date")] = "2027-02-30"
        rows[2][h.index("arr_currency")] = "EUX"
        rows[-1][h.index("subscription_external_id")] = rows[0][h.index("subscription_external_id")]
        return rows

    bad = [rewrite(paths[0], tmp_path / "bad" / "subscriptions.csv", damage),
           rewrite(paths[1], tmp_path / "bad" / "contacts.csv",
                   lambda h, rows: [*rows, ["nobody", "Ghost"] + [""] * 4]),
           paths[2]]
    unknown = tmp_path / "bad" / "notes.csv"
    unknown.write_text("what,ever\n1,2\n")
    files = [*bad, unknown]
    seq = await last_seq(world)
    job = await bulk_import(world, files)
    parsed = parse_import(open_files(files), TEMPLATE)
    assert job["state"] == "failed" and len(job["errors"]) >= 4
    assert job["errors"] == plain(issues(parsed.errors)) and job["warnings"] == plain(issues(parsed.warnings))
    assert await current(world) == {"accounts": {}, "reps": {}, "subscriptions": {}, "contacts": [], "tech": []}
    assert await outbox_after(world, seq) == []


async def test_companion_files_alone_update_existing_accounts(deps: Deps, tmp_path: Path) -> None:
    paths, spec = portfolio(tmp_path / "first", 5)
    world = await org_for(deps, spec)
    assert (await bulk_import(world, paths))["state"] == "succeeded"
    seq = await last_seq(world)
    job = await bulk_import(world, paths[1:])
    assert job["state"] == "succeeded" and job["result"]["accounts"] == {"created": 0, "updated": 0}
    imported = [e for s, e in await outbox_after(world, seq) if s.endswith(".account.imported")]
    assert len(imported) == 5 and all(e.aggregate_version == 2 for e in imported)
    event = unpack(imported[0], events.AccountImported)
    assert event.contacts and event.HasField("profile") and not event.subscriptions

    stray = rewrite(paths[1], tmp_path / "stray" / "contacts.csv", lambda h, rows: [["nobody", "Ghost"] + [""] * 4])
    failed = await bulk_import(world, [stray])
    assert failed["state"] == "failed" and failed["warnings"] == []
    assert failed["errors"] == [{"file": "contacts.csv", "row": 2, "column": "account_external_id",
                                 "value": "nobody", "reason": "names no account in this import or in Cadence"}]
