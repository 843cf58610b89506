# mypy: ignore-errors
# ruff: noqa: E501
"""The row-by-row import writer as it stood before the set-based path (handlers/import_apply.py at
the time), kept verbatim as the reference the bulk path is compared with: the same rows and counts.
Its per-row events are what the bulk path no longer publishes; the tests do not look at them.

Writing a parsed import in one transaction: upsert accounts, subscriptions and contacts by their
keys, replace named tech profiles, and publish one event per changed aggregate."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from cadence.account.v1 import accounts_events_pb2 as events
from cadence_platform.caller import Caller

from cadence_account.adapters.tables import account_reps, accounts, contacts, subscriptions, users
from cadence_account.domain.imports import ImportedAccount, ImportedSubscription, ParsedImport
from cadence_account.handlers import subscriptions as subscription_handlers
from cadence_account.handlers.account_views import account_messages
from cadence_account.handlers.contacts import contact_pb
from cadence_account.handlers.deps import Deps
from cadence_account.handlers.techprofile import publish_profile, replace_entries

Progress = Callable[[int], Awaitable[None]]
BATCH = 500


class UnknownAccounts(Exception):
    def __init__(self, issues: list[dict[str, Any]]) -> None:
        super().__init__(f"{len(issues)} rows name accounts that do not exist")
        self.issues = issues


@dataclass
class Outcome:
    counts: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(lambda: {"created": 0, "updated": 0}))
    warnings: list[dict[str, Any]] = field(default_factory=list)
    warned: set[tuple[str, int, str]] = field(default_factory=set)

    def count(self, kind: str, inserted: bool) -> None:
        self.counts[kind]["created" if inserted else "updated"] += 1


def _issue(file: str, row: int, column: str, value: str, reason: str) -> dict[str, Any]:
    return {"file": file, "row": row, "column": column, "value": value, "reason": reason}


async def _users_by_email(session: AsyncSession, org_id: uuid.UUID) -> dict[str, tuple[uuid.UUID, str]]:
    rows = await session.execute(sa.select(users.c.email, users.c.id, users.c.role)
                                 .where(users.c.org_id == org_id, users.c.active.is_(True)))
    return {email.lower(): (user_id, role) for email, user_id, role in rows}


def _owner(people: dict[str, tuple[uuid.UUID, str]], email: str | None, role: str, a: ImportedAccount,
           column: str, out: Outcome) -> uuid.UUID | None:
    if not email:
        return None
    found = people.get(email.lower())
    if (found is None or found[1] != role) and (a.source_file, a.source_row, email) not in out.warned:
        out.warned.add((a.source_file, a.source_row, email))
        why = "matches no active user" if found is None else f"is a {found[1]}, not a {role}"
        out.warnings.append(_issue(a.source_file, a.source_row, column, email,
                                   f"{email} {why}; the account lands without that {role} (admins see it in the "
                                   "unassigned queue)"))
    return found[0] if found is not None and found[1] == role else None


async def _upsert_accounts(session: AsyncSession, org_id: uuid.UUID, parsed: ParsedImport, out: Outcome
                           ) -> dict[str, dict[str, Any]]:
    people = await _users_by_email(session, org_id)
    by_external: dict[str, dict[str, Any]] = {}
    for a in parsed.accounts:
        csm = _owner(people, a.csm_email, "csm", a, "csm_email", out)
        reps = [r for e in a.rep_emails if (r := _owner(people, e, "rep", a, "rep_emails", out)) is not None]
        default = _owner(people, a.default_rep_email, "rep", a, "default_rep_email", out) if a.default_rep_email \
            else None
        if default is not None and default not in reps:
            reps.insert(0, default)
        values = {k: v for k, v in {"name": a.name, "domain": a.domain, "territory": a.territory,
                                    "country": a.country, "currency": a.currency, "motion": a.motion}.items() if v}
        if csm is not None:
            values["csm_id"] = csm
        if reps:
            values["default_rep_id"] = default or reps[0]
        statement = pg_insert(accounts).values(id=uuid.uuid4(), org_id=org_id, external_id=a.external_id,
                                               **{"motion": "tech_touch", **values})
        row = (await session.execute(statement.on_conflict_do_update(
            index_elements=[accounts.c.org_id, accounts.c.external_id], index_where=accounts.c.external_id.isnot(None),
            set_={**values, "updated_at": sa.func.now(), "version": accounts.c.version + 1},
        ).returning(accounts, (sa.literal_column("xmax") == 0).label("inserted")))).mappings().one()
        out.count("accounts", row["inserted"])
        if reps:
            await session.execute(sa.delete(account_reps).where(account_reps.c.account_id == row["id"]))
            await session.execute(sa.insert(account_reps), [{"account_id": row["id"], "user_id": r} for r in reps])
        by_external[a.external_id] = {k: v for k, v in row.items() if k != "inserted"} | {
            "_inserted": row["inserted"]}
    return by_external


async def _resolve_references(session: AsyncSession, org_id: uuid.UUID, parsed: ParsedImport,
                              known: dict[str, dict[str, Any]]) -> None:
    """Companion rows may name accounts imported earlier; any other account is an error."""
    wanted = {r.account_external_id for r in (*parsed.contacts, *parsed.tech_entries)} - set(known)
    if wanted:
        for row in (await session.execute(sa.select(accounts).where(
                accounts.c.org_id == org_id, accounts.c.external_id.in_(wanted)))).mappings():
            known[row["external_id"]] = dict(row)
    missing = [_issue(r.source_file, r.source_row, "account_external_id", r.account_external_id,
                      "names no account in this import or in Cadence")
               for r in (*parsed.contacts, *parsed.tech_entries) if r.account_external_id not in known]
    if missing:
        raise UnknownAccounts(missing)


def _subscription_values(s: ImportedSubscription, account: dict[str, Any]) -> dict[str, Any]:
    return {"account_id": account["id"], "vendor": s.vendor, "product": s.product, "version": s.version or "",
            "lifecycle_product_id": s.lifecycle_product_id or "", "lifecycle_cycle": s.lifecycle_cycle or "",
            "quantity": s.quantity or 0, "unit": s.unit or "", "active_users": s.active_users,
            "arr_amount": s.arr, "arr_currency": s.currency or "", "term_start": s.term_start,
            "billing_frequency": s.billing_frequency or "annual", "renewal_date": s.renewal_date,
            "auto_renew": s.auto_renew, "channel": s.channel or "", "lifecycle_stage": s.lifecycle_stage or "active"}


async def _upsert_subscriptions(deps: Deps, session: AsyncSession, caller: Caller, parsed: ParsedImport,
                                known: dict[str, dict[str, Any]], out: Outcome, progress: Progress) -> None:
    """Multi-row upserts by external id, BATCH rows a statement, and their events in one outbox write."""
    for start in range(0, len(parsed.subscriptions), BATCH):
        batch = parsed.subscriptions[start:start + BATCH]
        rows = [{"id": uuid.uuid4(), "org_id": known[s.account_external_id]["org_id"], "external_id": s.external_id,
                 **_subscription_values(s, known[s.account_external_id])} for s in batch]
        statement = pg_insert(subscriptions).values(rows)
        updatable = [c for c in _subscription_values(batch[0], known[batch[0].account_external_id])]
        result = await session.execute(statement.on_conflict_do_update(
            index_elements=[subscriptions.c.org_id, subscriptions.c.external_id],
            index_where=subscriptions.c.external_id.isnot(None),
            set_={**{c: statement.excluded[c] for c in updatable}, "updated_at": sa.func.now(),
                  "revision": subscriptions.c.revision + 1},
        ).returning(subscriptions, (sa.literal_column("xmax") == 0).label("inserted")))
        envelopes = []
        for row in (dict(r) for r in result.mappings()):
            inserted = row.pop("inserted")
            out.count("subscriptions", inserted)
            envelopes.append(subscription_handlers.event_for(caller.org_id, deps.outbox.producer, row,
                                                             "created" if inserted else "updated", updatable))
        await deps.outbox.add_envelopes(session, envelopes)
        await progress(start + len(batch))


async def _upsert_contacts(deps: Deps, session: AsyncSession, caller: Caller, parsed: ParsedImport,
                           known: dict[str, dict[str, Any]], out: Outcome) -> None:
    for c in parsed.contacts:
        account = known[c.account_external_id]
        key = (c.email or c.name).lower()
        values = {"name": c.name, "title": c.title or "", "email": c.email or "", "phone": c.phone or "",
                  "role": c.role or "other"}
        existing = await session.scalar(sa.select(contacts.c.id).where(
            contacts.c.account_id == account["id"], contacts.c.external_key == key, contacts.c.deleted_at.is_(None)))
        if existing is None:
            row = (await session.execute(sa.insert(contacts).values(
                id=uuid.uuid4(), org_id=account["org_id"], account_id=account["id"], external_key=key, **values)
                .returning(contacts))).mappings().one()
        else:
            row = (await session.execute(sa.update(contacts).where(contacts.c.id == existing).values(
                **values, updated_at=sa.func.now(), version=contacts.c.version + 1).returning(contacts))).mappings().one()
        out.count("contacts", existing is None)
        await deps.outbox.add(session, event_type="contact.created" if existing is None else "contact.updated",
                              org_id=caller.org_id, aggregate_id=str(row["id"]), aggregate_version=row["version"],
                              partition_key=str(row["account_id"]), payload=events.ContactChanged(contact=contact_pb(dict(row))))


async def apply_import(deps: Deps, session: AsyncSession, caller: Caller, parsed: ParsedImport,
                       progress: Progress) -> Outcome:
    out = Outcome()
    org_id = uuid.UUID(caller.org_id)
    known = await _upsert_accounts(session, org_id, parsed, out)
    touched = list(known.values())
    await _resolve_references(session, org_id, parsed, known)
    await _upsert_subscriptions(deps, session, caller, parsed, known, out, progress)
    await _upsert_contacts(deps, session, caller, parsed, known, out)
    profiles: dict[str, list[dict[str, str]]] = defaultdict(list)
    for t in parsed.tech_entries:
        profiles[t.account_external_id].append({"vendor": t.vendor, "product": t.product, "version": t.version or "",
                                                "lifecycle_product_id": t.lifecycle_product_id or "",
                                                "lifecycle_cycle": t.lifecycle_cycle or "", "status": t.status})
    for external_id, entries in profiles.items():
        await replace_entries(session, known[external_id]["id"], entries)
        await publish_profile(deps, session, caller.org_id, known[external_id])
        out.count("tech_profiles", False)
    for start in range(0, len(touched), BATCH):
        batch = touched[start:start + BATCH]
        for row, message in zip(batch, await account_messages(session, caller.org_id, batch), strict=True):
            verb = "created" if row["_inserted"] else "updated"
            await deps.outbox.add(session, event_type=f"account.{verb}", org_id=caller.org_id,
                                  aggregate_id=message.id, aggregate_version=message.version, partition_key=message.id,
                                  payload=events.AccountChanged(account=message, changed_fields=["import"]))
    return out
