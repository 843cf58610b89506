"""Use cases for accounts: create, edit, archive, list, motion, reps, CSM owner, escalation."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from cadence_platform.audit import changes_between, record_audit
from cadence_platform.caller import Caller
from cadence_platform.errors import Conflict, FailedPrecondition, FieldError, InvalidInput, NotFound, PermissionDenied
from cadence_platform.paging import decode_cursor, like_pattern, page_limit, split_page
from sqlalchemy.ext.asyncio import AsyncSession

from cadence.account.v1 import accounts_events_pb2 as events
from cadence.account.v1 import accounts_pb2 as pb

from cadence_account.adapters.tables import account_reps, accounts, subscriptions, users
from cadence_account.domain import portfolio as rules
from cadence_account.domain.portfolio import OPEN_STAGES
from cadence_account.handlers.account_views import account_messages, org_settings, org_today
from cadence_account.handlers.deps import Deps
from cadence_account.handlers.scope import account_in_scope, as_uuid, require_admin, scope_filter

Row = dict[str, Any]
EDITABLE = ("name", "domain", "external_id", "territory", "country", "currency")


async def check_users(session: AsyncSession, caller: Caller, field: str, ids: list[str], role: str) -> None:
    """Every id names an active user of the caller's org with the role the field needs."""
    wanted = {i for i in ids if i}
    if not wanted:
        return
    try:
        keys = [uuid.UUID(i) for i in wanted]
    except ValueError:
        raise InvalidInput.field(field, "is not a user id") from None
    found = {str(r.id): r for r in await session.execute(
        sa.select(users.c.id, users.c.role, users.c.active)
        .where(users.c.id.in_(keys), users.c.org_id == uuid.UUID(caller.org_id)))}
    for user_id in sorted(wanted):
        user = found.get(user_id)
        if user is None or not user.active:
            raise InvalidInput.field(field, f"{user_id} is not an active user of this org")
        if user.role != role:
            raise InvalidInput.field(field, f"{user_id} is a {user.role}, not a {role}")


async def view(deps: Deps, session: AsyncSession, caller: Caller, row: Row) -> pb.Account:
    return (await account_messages(session, caller.org_id, [row]))[0]


async def _publish(deps: Deps, session: AsyncSession, caller: Caller, row: Row, event_type: str,
                   changed: list[str], previous: Row | None = None) -> pb.Account:
    message = await view(deps, session, caller, row)
    previous = previous or {}
    previous_reps = previous.get("rep_ids", [])
    await deps.outbox.add(
        session, event_type=event_type, org_id=caller.org_id, aggregate_id=str(row["id"]),
        aggregate_version=row["version"], partition_key=str(row["id"]),
        payload=events.AccountChanged(
            account=message, changed_fields=changed, previous_motion=previous.get("motion", ""),
            previous_rep_ids=previous_reps, previous_default_rep_id=str(previous.get("default_rep_id") or ""),
            previous_csm_id=str(previous.get("csm_id") or ""),
        ),
    )
    return message


async def _rep_ids(session: AsyncSession, account_id: uuid.UUID) -> list[str]:
    return sorted(str(u) for u in await session.scalars(
        sa.select(account_reps.c.user_id).where(account_reps.c.account_id == account_id)))


async def _bump(session: AsyncSession, account_id: uuid.UUID, **values: Any) -> Row:
    return dict((await session.execute(
        sa.update(accounts).where(accounts.c.id == account_id)
        .values(**values, updated_at=sa.func.now(), version=accounts.c.version + 1).returning(accounts)
    )).mappings().one())


async def _external_id_free(session: AsyncSession, caller: Caller, external_id: str | None, own: uuid.UUID | None) -> None:
    if not external_id:
        return
    clash = await session.scalar(sa.select(accounts.c.id).where(
        accounts.c.org_id == uuid.UUID(caller.org_id), accounts.c.external_id == external_id))
    if clash is not None and clash != own:
        raise Conflict("another account has this external id", [FieldError("external_id", "is already used")])


async def create_account(deps: Deps, *, caller: Caller, fields: Row, csm_id: str, rep_ids: list[str],
                         default_rep_id: str) -> pb.Account:
    require_admin(caller, "create accounts")
    fields = {k: v for k, v in fields.items() if v not in (None, "")}
    fields.setdefault("motion", "tech_touch")
    rules.check_account(fields, creating=True)
    default_rep = rules.check_reps(rep_ids, default_rep_id)
    if "domain" in fields:
        fields["domain"] = rules.normalize_domain(fields["domain"])
    async with deps.unit_of_work() as session:
        await check_users(session, caller, "csm_id", [csm_id], "csm")
        await check_users(session, caller, "rep_ids", rep_ids, "rep")
        await _external_id_free(session, caller, fields.get("external_id"), None)
        row = dict((await session.execute(sa.insert(accounts).values(
            id=uuid.uuid4(), org_id=uuid.UUID(caller.org_id), csm_id=uuid.UUID(csm_id) if csm_id else None,
            default_rep_id=uuid.UUID(default_rep) if default_rep else None, **fields,
        ).returning(accounts))).mappings().one())
        if rep_ids:
            await session.execute(sa.insert(account_reps), [{"account_id": row["id"], "user_id": uuid.UUID(r)}
                                                            for r in rep_ids])
        message = await _publish(deps, session, caller, row, "account.created", sorted(fields))
        await record_audit(deps.outbox, session, caller=caller, action="account.created", target_type="account",
                           target_id=str(row["id"]), summary=f"created account {row['name']}", changes=fields)
    return message


async def get_account(deps: Deps, *, caller: Caller, account_id: str) -> pb.Account:
    async with deps.sessions() as session:
        return await view(deps, session, caller, await account_in_scope(session, caller, account_id))


async def update_account(deps: Deps, *, caller: Caller, account_id: str, changes: Row) -> pb.Account:
    async with deps.unit_of_work() as session:
        row = await account_in_scope(session, caller, account_id, lock=True)
        require_admin(caller, "edit an account")
        rules.check_account(changes, creating=False)
        if changes.get("domain"):
            changes["domain"] = rules.normalize_domain(changes["domain"])
        if "external_id" in changes:
            changes["external_id"] = changes["external_id"] or None
            await _external_id_free(session, caller, changes["external_id"], row["id"])
        diff = changes_between(row, changes)
        if not diff:
            return await view(deps, session, caller, row)
        row = await _bump(session, row["id"], **{k: v["to"] for k, v in diff.items()})
        message = await _publish(deps, session, caller, row, "account.updated", sorted(diff))
        await record_audit(deps.outbox, session, caller=caller, action="account.updated", target_type="account",
                           target_id=account_id, summary=f"edited {', '.join(sorted(diff))} of {row['name']}",
                           changes=diff)
    return message


async def archive_account(deps: Deps, *, caller: Caller, account_id: str) -> pb.Account:
    async with deps.unit_of_work() as session:
        row = await account_in_scope(session, caller, account_id, lock=True)
        require_admin(caller, "archive an account")
        if row["archived_at"] is not None:
            return await view(deps, session, caller, row)
        row = await _bump(session, row["id"], archived_at=datetime.now(UTC))
        message = await _publish(deps, session, caller, row, "account.archived", ["archived"])
        await record_audit(deps.outbox, session, caller=caller, action="account.archived", target_type="account",
                           target_id=account_id, summary=f"archived {row['name']}")
    return message


async def set_motion(deps: Deps, *, caller: Caller, account_id: str, motion: str) -> pb.Account:
    rules.check_account({"motion": motion or None}, creating=False)
    if not motion:
        raise InvalidInput.field("motion", f"must be one of {', '.join(rules.MOTIONS)}")
    async with deps.unit_of_work() as session:
        row = await account_in_scope(session, caller, account_id, lock=True)
        require_admin(caller, "change an account's motion")
        if row["motion"] == motion:
            return await view(deps, session, caller, row)
        previous = row
        row = await _bump(session, row["id"], motion=motion)
        message = await _publish(deps, session, caller, row, "account.motion_changed", ["motion"], previous)
        await record_audit(deps.outbox, session, caller=caller, action="account.motion_changed", target_type="account",
                           target_id=account_id, summary=f"motion of {row['name']}: {previous['motion']} → {motion}",
                           changes={"motion": {"from": previous["motion"], "to": motion}})
    return message


async def set_reps(deps: Deps, *, caller: Caller, account_id: str, rep_ids: list[str], default_rep_id: str) -> pb.Account:
    default_rep = rules.check_reps(rep_ids, default_rep_id)
    async with deps.unit_of_work() as session:
        row = await account_in_scope(session, caller, account_id, lock=True)
        require_admin(caller, "assign reps")
        await check_users(session, caller, "rep_ids", rep_ids, "rep")
        return await _apply_reps(deps, session, caller, row, rep_ids, default_rep)


async def _apply_reps(deps: Deps, session: AsyncSession, caller: Caller, row: Row, rep_ids: list[str],
                      default_rep: str) -> pb.Account:
    before = await _rep_ids(session, row["id"])
    if before == sorted(rep_ids) and str(row["default_rep_id"] or "") == default_rep:
        return await view(deps, session, caller, row)
    await session.execute(sa.delete(account_reps).where(account_reps.c.account_id == row["id"]))
    if rep_ids:
        await session.execute(sa.insert(account_reps), [{"account_id": row["id"], "user_id": uuid.UUID(r)}
                                                        for r in rep_ids])
    previous = {**row, "rep_ids": before}
    row = await _bump(session, row["id"], default_rep_id=uuid.UUID(default_rep) if default_rep else None)
    message = await _publish(deps, session, caller, row, "account.reps_changed", ["rep_ids", "default_rep_id"],
                             previous)
    await record_audit(deps.outbox, session, caller=caller, action="account.reps_changed", target_type="account",
                       target_id=str(row["id"]), summary=f"reps of {row['name']} changed",
                       changes={"rep_ids": {"from": before, "to": sorted(rep_ids)},
                                "default_rep_id": {"from": str(previous["default_rep_id"] or ""), "to": default_rep}})
    return message


async def set_csm(deps: Deps, *, caller: Caller, account_id: str, csm_id: str) -> pb.Account:
    async with deps.unit_of_work() as session:
        row = await account_in_scope(session, caller, account_id, lock=True)
        require_admin(caller, "change the CSM owner")
        await check_users(session, caller, "csm_id", [csm_id], "csm")
        return await _apply_csm(deps, session, caller, row, csm_id)


async def _apply_csm(deps: Deps, session: AsyncSession, caller: Caller, row: Row, csm_id: str) -> pb.Account:
    if str(row["csm_id"] or "") == csm_id:
        return await view(deps, session, caller, row)
    previous = row
    row = await _bump(session, row["id"], csm_id=uuid.UUID(csm_id) if csm_id else None)
    message = await _publish(deps, session, caller, row, "account.csm_changed", ["csm_id"], previous)
    await record_audit(deps.outbox, session, caller=caller, action="account.csm_changed", target_type="account",
                       target_id=str(row["id"]), summary=f"CSM owner of {row['name']} changed",
                       changes={"csm_id": {"from": str(previous["csm_id"] or ""), "to": csm_id}})
    return message


async def escalate(deps: Deps, *, caller: Caller, account_id: str, reason: str, resolve: bool) -> pb.Account:
    if not reason.strip() or len(reason) > 2000:
        raise InvalidInput.field("reason", "is required (at most 2000 characters)")
    async with deps.unit_of_work() as session:
        row = await account_in_scope(session, caller, account_id, lock=True)
        if caller.role not in ("admin", "csm", "system"):
            raise PermissionDenied("only the account's CSM or an admin may escalate or resolve")
        current = row["escalation"] or {}
        now = datetime.now(UTC).isoformat()
        if resolve:
            if not current.get("active"):
                raise FailedPrecondition("the account is not escalated")
            escalation = {**current, "active": False, "resolved_by": caller.user_id, "resolution": reason.strip(),
                          "resolved_at": now}
        else:
            if current.get("active"):
                raise FailedPrecondition("the account is already escalated; resolve it first")
            escalation = {"active": True, "reason": reason.strip(), "escalated_by": caller.user_id,
                          "escalated_at": now}
        row = await _bump(session, row["id"], escalation=escalation, escalated=escalation["active"])
        message = await view(deps, session, caller, row)
        event_type = "escalation.resolved" if resolve else "escalation.raised"
        await deps.outbox.add(session, event_type=event_type, org_id=caller.org_id, aggregate_id=account_id,
                              aggregate_version=row["version"], partition_key=account_id,
                              payload=events.EscalationChanged(account=message, escalation=message.escalation))
    return message


async def list_accounts(deps: Deps, *, caller: Caller, request: pb.ListAccountsRequest) -> tuple[list[pb.Account], str]:
    limit = page_limit(request.page.limit)
    query = sa.select(accounts).where(scope_filter(caller))
    if not request.include_archived:
        query = query.where(accounts.c.archived_at.is_(None))
    if request.motion:
        query = query.where(accounts.c.motion == request.motion)
    if request.HasField("escalated"):
        query = query.where(accounts.c.escalated.is_(request.escalated))
    if request.health_band:
        query = query.where(accounts.c.health_band == request.health_band)
    if request.csm_id:
        query = query.where(accounts.c.csm_id == as_uuid(request.csm_id, "csm"))
    if request.rep_id:
        query = query.where(sa.exists().where(account_reps.c.account_id == accounts.c.id,
                                              account_reps.c.user_id == as_uuid(request.rep_id, "rep")))
    if request.unassigned:
        query = query.where(accounts.c.csm_id.is_(None), accounts.c.default_rep_id.is_(None))
    if request.q:
        like = like_pattern(request.q)
        query = query.where(sa.or_(sa.func.lower(accounts.c.name).like(like, escape="\\"),
                                   accounts.c.domain.like(like, escape="\\"),
                                   sa.func.lower(accounts.c.external_id).like(like, escape="\\")))
    if (key := decode_cursor(request.page.cursor)) is not None:
        query = query.where(sa.tuple_(accounts.c.name, accounts.c.id) > sa.tuple_(key[0], uuid.UUID(key[1])))
    async with deps.sessions() as session:
        if request.renewal_within_days:
            horizon = org_today(await org_settings(session, caller.org_id)) + timedelta(
                days=request.renewal_within_days)
            query = query.where(sa.exists().where(
                subscriptions.c.account_id == accounts.c.id, subscriptions.c.lifecycle_stage.in_(OPEN_STAGES),
                subscriptions.c.renewal_date <= horizon))
        rows = [dict(r) for r in (await session.execute(
            query.order_by(accounts.c.name, accounts.c.id).limit(limit + 1))).mappings()]
        rows, cursor = split_page(rows, limit, lambda r: (r["name"], str(r["id"])))
        return await account_messages(session, caller.org_id, rows), cursor


async def reassign_user(deps: Deps, *, caller: Caller, from_user: str, to_user: str) -> int:
    """A leaving user's accounts (as rep, default rep or CSM owner) go to another user of the same role."""
    if not to_user or to_user == from_user:
        raise InvalidInput.field("to_user_id", "name another user who takes over")
    async with deps.unit_of_work() as session:
        source = (await session.execute(sa.select(users.c.id, users.c.role).where(
            users.c.id == as_uuid(from_user, "user"), users.c.org_id == uuid.UUID(caller.org_id)))).first()
        if source is None:
            raise NotFound("user not found")
        if source.role == "admin":
            raise InvalidInput.field("from_user_id", "admins hold no accounts; nothing to hand over")
        await check_users(session, caller, "to_user_id", [to_user], source.role)
        leaving = str(source.id)
        touched = set((await session.scalars(sa.select(account_reps.c.account_id).where(
            account_reps.c.user_id == source.id))).all())
        touched |= set((await session.scalars(sa.select(accounts.c.id).where(accounts.c.csm_id == source.id))).all())
        for account_id in sorted(touched):
            row = await account_in_scope(session, caller, str(account_id), lock=True)
            reps = await _rep_ids(session, account_id)
            if leaving in reps:
                new_reps = list(dict.fromkeys(to_user if r == leaving else r for r in reps))
                default = str(row["default_rep_id"] or "")
                await _apply_reps(deps, session, caller, row, new_reps, to_user if default == leaving else default)
                row = await account_in_scope(session, caller, str(account_id), lock=True)
            if str(row["csm_id"] or "") == leaving:
                await _apply_csm(deps, session, caller, row, to_user)
    return len(touched)
