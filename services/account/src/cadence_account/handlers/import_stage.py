"""Staging: an import's rows COPYed into temporary tables of its transaction (dropped at commit or
rollback), so the writes to the real tables are a handful of set-based statements."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from cadence_account.adapters.bulk import copy_rows, run
from cadence_account.adapters.tables import users
from cadence_account.domain.imports import ImportedAccount
from cadence_account.handlers.import_source import CONTACT_COLUMNS, SUBSCRIPTION_COLUMNS, TECH_COLUMNS, Batch

STAGING_TABLES = (
    "CREATE TEMP TABLE stage_subscriptions (n bigint, account_external_id text, external_id text, vendor text, "
    "product text, version text, lifecycle_product_id text, lifecycle_cycle text, quantity bigint, unit text, "
    "active_users bigint, arr_amount numeric(18, 2), arr_currency text, billing_frequency text, term_start date, "
    "renewal_date date, auto_renew boolean, channel text, lifecycle_stage text) ON COMMIT DROP",
    "CREATE TEMP TABLE stage_contacts (n bigint, account_external_id text, source_file text, source_row int, "
    "key text, name text, title text, email text, phone text, role text) ON COMMIT DROP",
    "CREATE TEMP TABLE stage_tech (n bigint, account_external_id text, source_file text, source_row int, "
    "vendor text, product text, version text, lifecycle_product_id text, lifecycle_cycle text, status text) "
    "ON COMMIT DROP",
    "CREATE TEMP TABLE stage_accounts (n bigint, external_id text, name text, domain text, territory text, "
    "country text, currency text, motion text, csm_id uuid, default_rep_id uuid, rep_ids uuid[]) ON COMMIT DROP",
)
ACCOUNT_COLUMNS = ("n", "external_id", "name", "domain", "territory", "country", "currency", "motion", "csm_id",
                   "default_rep_id", "rep_ids")
People = dict[str, tuple[uuid.UUID, str]]


@dataclass
class OwnerWarnings:
    """Owners that match no user (or a user of another role): one warning per row and e-mail."""

    items: list[dict[str, Any]] = field(default_factory=list)
    seen: set[tuple[str, int, str]] = field(default_factory=set)

    def add(self, a: ImportedAccount, column: str, email: str, why: str, role: str) -> None:
        if (a.source_file, a.source_row, email) in self.seen:
            return
        self.seen.add((a.source_file, a.source_row, email))
        self.items.append({"file": a.source_file, "row": a.source_row, "column": column, "value": email,
                           "reason": f"{email} {why}; the account lands without that {role} (admins see it in the "
                                     "unassigned queue)"})


async def create_staging(session: AsyncSession, org_id: uuid.UUID) -> None:
    # One import per org at a time: the set-based upserts decide "new or existing" before writing.
    await run(session, "SELECT pg_advisory_xact_lock(hashtext('account-import:' || :org))", org=str(org_id))
    # Hash joins and sorts over a million staged rows stay in memory.
    await run(session, "SET LOCAL work_mem = '256MB'")
    for statement in STAGING_TABLES:
        await run(session, statement)


async def stage_batch(session: AsyncSession, batch: Batch) -> None:
    for table, columns, rows in (("stage_subscriptions", SUBSCRIPTION_COLUMNS, batch.subscriptions),
                                 ("stage_contacts", CONTACT_COLUMNS, batch.contacts),
                                 ("stage_tech", TECH_COLUMNS, batch.tech)):
        if rows:
            await copy_rows(session, table, columns, rows)


async def _people(session: AsyncSession, org_id: uuid.UUID) -> People:
    rows = await session.execute(sa.select(users.c.email, users.c.id, users.c.role)
                                 .where(users.c.org_id == org_id, users.c.active.is_(True)))
    return {email.lower(): (user_id, role) for email, user_id, role in rows}


def _owner(people: People, email: str | None, role: str, a: ImportedAccount, column: str,
           warnings: OwnerWarnings) -> uuid.UUID | None:
    if not email:
        return None
    found = people.get(email.lower())
    if found is not None and found[1] == role:
        return found[0]
    warnings.add(a, column, email, "matches no active user" if found is None else f"is a {found[1]}, not a {role}",
                 role)
    return None


def _account_row(n: int, a: ImportedAccount, people: People, warnings: OwnerWarnings) -> tuple[Any, ...]:
    csm = _owner(people, a.csm_email, "csm", a, "csm_email", warnings)
    reps = [r for e in a.rep_emails if (r := _owner(people, e, "rep", a, "rep_emails", warnings)) is not None]
    default = _owner(people, a.default_rep_email, "rep", a, "default_rep_email", warnings)
    if default is not None and default not in reps:
        reps.insert(0, default)
    # Empty cells never erase what Cadence holds: NULL here means "keep" on update.
    return (n, a.external_id, a.name or None, a.domain or None, a.territory or None, a.country or None,
            a.currency or None, a.motion or None, csm, (default or reps[0]) if reps else None, reps or None)


async def stage_accounts(session: AsyncSession, org_id: uuid.UUID, accounts: list[ImportedAccount]) -> OwnerWarnings:
    """Owner e-mails resolve to users once per job; the accounts go to staging with their user ids."""
    people = await _people(session, org_id)
    warnings = OwnerWarnings()
    rows = [_account_row(n, a, people, warnings) for n, a in enumerate(accounts, 1)]
    await copy_rows(session, "stage_accounts", ACCOUNT_COLUMNS, rows)
    return warnings


async def analyze_staging(session: AsyncSession) -> None:
    # Temporary tables get no statistics on their own; without them the planner guesses nested loops.
    for table in ("stage_subscriptions", "stage_contacts", "stage_tech", "stage_accounts"):
        await run(session, f"ANALYZE {table}")
