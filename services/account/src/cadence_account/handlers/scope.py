"""Which accounts a caller may see: admins (and system callers) their org, CSMs the accounts they
own, reps the accounts they are assigned to. Every account query goes through `visible_accounts`;
anything outside it is NOT_FOUND, so ids cannot be probed."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from cadence_platform.caller import Caller
from cadence_platform.errors import NotFound, PermissionDenied
from sqlalchemy.ext.asyncio import AsyncSession

from cadence_account.adapters.tables import account_reps, accounts


def as_uuid(value: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except (ValueError, TypeError):
        raise NotFound(f"{what} not found") from None


def scope_filter(caller: Caller) -> sa.ColumnElement[bool]:
    in_org = accounts.c.org_id == uuid.UUID(caller.org_id)
    if caller.role in ("admin", "system"):
        return in_org
    me = uuid.UUID(caller.user_id)
    if caller.role == "csm":
        return sa.and_(in_org, accounts.c.csm_id == me, accounts.c.archived_at.is_(None))
    assigned = sa.exists().where(account_reps.c.account_id == accounts.c.id, account_reps.c.user_id == me)
    return sa.and_(in_org, assigned, accounts.c.archived_at.is_(None))


async def account_in_scope(session: AsyncSession, caller: Caller, account_id: str, *, lock: bool = False) -> dict[str, Any]:
    query = sa.select(accounts).where(accounts.c.id == as_uuid(account_id, "account"), scope_filter(caller))
    row = (await session.execute(query.with_for_update() if lock else query)).mappings().first()
    if row is None:
        raise NotFound("account not found")
    return dict(row)


def require_admin(caller: Caller, what: str) -> None:
    """In scope but not the caller's to change → PERMISSION_DENIED (checked after the scope)."""
    if caller.role not in ("admin", "system"):
        raise PermissionDenied(f"only an admin may {what}")
