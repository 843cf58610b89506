"""The technology profile: an account's whole list of products in use, evaluated, competing or retired."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from cadence_platform.caller import Caller
from sqlalchemy.ext.asyncio import AsyncSession

from cadence.account.v1 import accounts_events_pb2 as events
from cadence.account.v1 import accounts_pb2 as pb

from cadence_account.adapters.tables import accounts, tech_entries
from cadence_account.domain import portfolio as rules
from cadence_account.handlers.deps import Deps
from cadence_account.handlers.scope import account_in_scope
from cadence_account.messages import ts

ENTRY_FIELDS = ("vendor", "product", "version", "lifecycle_product_id", "lifecycle_cycle", "status")


async def _profile(session: AsyncSession, account: dict[str, Any]) -> pb.TechProfile:
    rows = await session.execute(sa.select(tech_entries).where(tech_entries.c.account_id == account["id"])
                                 .order_by(tech_entries.c.position))
    return pb.TechProfile(
        account_id=str(account["id"]), version=account["tech_profile_version"], updated_at=ts(account["updated_at"]),
        entries=[pb.TechEntry(**{f: getattr(r, f) for f in ENTRY_FIELDS}) for r in rows],
    )


async def get_tech_profile(deps: Deps, *, caller: Caller, account_id: str) -> pb.TechProfile:
    async with deps.sessions() as session:
        return await _profile(session, await account_in_scope(session, caller, account_id))


async def replace_entries(session: AsyncSession, account_id: Any, entries: list[dict[str, str]]) -> None:
    await session.execute(sa.delete(tech_entries).where(tech_entries.c.account_id == account_id))
    if entries:
        await session.execute(sa.insert(tech_entries), [
            {"account_id": account_id, "position": i, **{f: e.get(f, "") for f in ENTRY_FIELDS}}
            for i, e in enumerate(entries)])


async def publish_profile(deps: Deps, session: AsyncSession, org_id: str, account: dict[str, Any]) -> pb.TechProfile:
    account = dict((await session.execute(
        sa.update(accounts).where(accounts.c.id == account["id"])
        .values(tech_profile_version=accounts.c.tech_profile_version + 1, updated_at=sa.func.now())
        .returning(accounts))).mappings().one())
    profile = await _profile(session, account)
    # Its own aggregate: the account's version counter moves independently of the profile's.
    await deps.outbox.add(session, event_type="techprofile.updated", org_id=org_id,
                          aggregate_id=f"techprofile:{account['id']}",
                          aggregate_version=profile.version, partition_key=str(account["id"]),
                          payload=events.TechProfileUpdated(profile=profile))
    return profile


async def put_tech_profile(deps: Deps, *, caller: Caller, account_id: str,
                           entries: list[dict[str, str]]) -> pb.TechProfile:
    entries = [{k: (v or "").strip() for k, v in e.items()} for e in entries]
    rules.check_tech_entries(entries)
    async with deps.unit_of_work() as session:
        account = await account_in_scope(session, caller, account_id, lock=True)
        await replace_entries(session, account["id"], entries)
        return await publish_profile(deps, session, caller.org_id, account)
