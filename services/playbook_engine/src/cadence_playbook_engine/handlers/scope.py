"""Who sees which actions and renewals: admins their org; CSMs the accounts they own; reps the
accounts they are assigned to (and they change only the actions assigned to them)."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from cadence_platform.caller import Caller
from cadence_platform.errors import NotFound, PermissionDenied

from cadence_playbook_engine.adapters.tables import accounts_rm


def as_uuid(value: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except (ValueError, TypeError):
        raise NotFound(f"{what} not found") from None


def visible_accounts(caller: Caller) -> sa.Select[Any]:
    """Ids of the accounts in the caller's scope (a subquery for IN)."""
    query = sa.select(accounts_rm.c.account_id).where(accounts_rm.c.org_id == uuid.UUID(caller.org_id))
    if caller.role == "csm":
        query = query.where(accounts_rm.c.csm_id == uuid.UUID(caller.user_id))
    elif caller.role == "rep":
        query = query.where(accounts_rm.c.rep_ids.any(uuid.UUID(caller.user_id)))
    return query


def may_work(caller: Caller, row: dict[str, Any]) -> None:
    """A rep works only the actions assigned to them; CSMs and admins any action in scope."""
    if caller.role == "rep" and str(row["assignee_id"] or "") != caller.user_id:
        raise PermissionDenied("this action is assigned to someone else")
