"""Contacts: reps and CSMs edit those of accounts in their scope; admins all of their org's."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from cadence_platform.audit import changes_between
from cadence_platform.caller import Caller
from cadence_platform.errors import NotFound
from cadence_platform.paging import decode_cursor, page_limit, split_page
from sqlalchemy.ext.asyncio import AsyncSession

from cadence.account.v1 import accounts_events_pb2 as events
from cadence.account.v1 import accounts_pb2 as pb

from cadence_account.adapters.tables import accounts, contacts
from cadence_account.domain import portfolio as rules
from cadence_account.handlers.deps import Deps
from cadence_account.handlers.scope import account_in_scope, as_uuid, scope_filter
from cadence_account.messages import ts

Row = dict[str, Any]
FIELDS = ("name", "title", "email", "phone", "role")


def contact_pb(r: Row) -> pb.Contact:
    return pb.Contact(id=str(r["id"]), account_id=str(r["account_id"]), name=r["name"], title=r["title"],
                      email=r["email"], phone=r["phone"], role=r["role"], created_at=ts(r["created_at"]),
                      updated_at=ts(r["updated_at"]))


async def _contact_in_scope(session: AsyncSession, caller: Caller, contact_id: str) -> Row:
    row = (await session.execute(
        sa.select(contacts).join(accounts, accounts.c.id == contacts.c.account_id)
        .where(contacts.c.id == as_uuid(contact_id, "contact"), contacts.c.deleted_at.is_(None), scope_filter(caller))
        .with_for_update(of=contacts)
    )).mappings().first()
    if row is None:
        raise NotFound("contact not found")
    return dict(row)


async def _publish(deps: Deps, session: AsyncSession, caller: Caller, row: Row, verb: str) -> pb.Contact:
    message = contact_pb(row)
    await deps.outbox.add(session, event_type=f"contact.{verb}", org_id=caller.org_id, aggregate_id=str(row["id"]),
                          aggregate_version=row["version"], partition_key=str(row["account_id"]),
                          payload=events.ContactChanged(contact=message))
    return message


async def list_contacts(deps: Deps, *, caller: Caller, account_id: str, limit: int, cursor: str) -> tuple[list[pb.Contact], str]:
    limit = page_limit(limit)
    async with deps.sessions() as session:
        account = await account_in_scope(session, caller, account_id)
        query = sa.select(contacts).where(contacts.c.account_id == account["id"], contacts.c.deleted_at.is_(None))
        if (key := decode_cursor(cursor)) is not None:
            query = query.where(sa.tuple_(contacts.c.name, contacts.c.id) > sa.tuple_(key[0], uuid.UUID(key[1])))
        rows = [dict(r) for r in (await session.execute(
            query.order_by(contacts.c.name, contacts.c.id).limit(limit + 1))).mappings()]
    rows, next_cursor = split_page(rows, limit, lambda r: (r["name"], str(r["id"])))
    return [contact_pb(r) for r in rows], next_cursor


async def create_contact(deps: Deps, *, caller: Caller, account_id: str, fields: Row) -> pb.Contact:
    fields = {k: v.strip() for k, v in fields.items() if v}
    fields.setdefault("role", "other")
    rules.check_contact(fields, creating=True)
    async with deps.unit_of_work() as session:
        account = await account_in_scope(session, caller, account_id)
        row = dict((await session.execute(sa.insert(contacts).values(
            id=uuid.uuid4(), org_id=account["org_id"], account_id=account["id"], **fields).returning(contacts)
        )).mappings().one())
        return await _publish(deps, session, caller, row, "created")


async def update_contact(deps: Deps, *, caller: Caller, contact_id: str, changes: Row) -> pb.Contact:
    rules.check_contact(changes, creating=False)
    async with deps.unit_of_work() as session:
        row = await _contact_in_scope(session, caller, contact_id)
        diff = changes_between(row, changes)
        if not diff:
            return contact_pb(row)
        row = dict((await session.execute(
            sa.update(contacts).where(contacts.c.id == row["id"])
            .values(**{k: v["to"] for k, v in diff.items()}, updated_at=sa.func.now(), version=contacts.c.version + 1)
            .returning(contacts))).mappings().one())
        return await _publish(deps, session, caller, row, "updated")


async def delete_contact(deps: Deps, *, caller: Caller, contact_id: str) -> pb.Contact:
    async with deps.unit_of_work() as session:
        row = await _contact_in_scope(session, caller, contact_id)
        row = dict((await session.execute(
            sa.update(contacts).where(contacts.c.id == row["id"])
            .values(deleted_at=sa.func.now(), version=contacts.c.version + 1).returning(contacts))).mappings().one())
        return await _publish(deps, session, caller, row, "deleted")
