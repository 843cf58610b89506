"""Use cases for orgs and users: one function each, keyword-only, a caller that was already verified."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from cadence_platform.audit import changes_between, record_audit
from cadence_platform.caller import Caller
from cadence_platform.errors import Conflict, FailedPrecondition, InvalidInput, NotFound, Unauthenticated
from cadence_platform.paging import decode_cursor, like_pattern, page_limit, split_page
from sqlalchemy.ext.asyncio import AsyncSession

from cadence.account.v1 import identity_events_pb2 as events

from cadence_account.adapters.tables import orgs, users
from cadence_account.domain import identity as rules
from cadence_account.domain.passwords import hash_password, verify_password
from cadence_account.handlers.deps import Deps
from cadence_account.messages import org_pb, user_pb

Row = dict[str, Any]


async def _org(session: AsyncSession, org_id: str, *, lock: bool = False) -> Row:
    query = sa.select(orgs).where(orgs.c.id == uuid.UUID(org_id))
    row = (await session.execute(query.with_for_update() if lock else query)).mappings().first()
    if row is None:
        raise NotFound("org not found")
    return dict(row)


async def user_in_org(session: AsyncSession, caller: Caller, user_id: str, *, lock: bool = False) -> Row:
    try:
        key = uuid.UUID(user_id)
    except ValueError:
        raise NotFound("user not found") from None
    query = sa.select(users).where(users.c.id == key, users.c.org_id == uuid.UUID(caller.org_id))
    row = (await session.execute(query.with_for_update() if lock else query)).mappings().first()
    if row is None:
        raise NotFound("user not found")
    return dict(row)


async def _user_by_email(session: AsyncSession, email: str) -> Row | None:
    query = sa.select(users).where(sa.func.lower(users.c.email) == rules.normalize_email(email))
    row = (await session.execute(query)).mappings().first()
    return dict(row) if row else None


async def _insert_user(deps: Deps, session: AsyncSession, *, org_id: str, email: str, name: str, role: str,
                       password: str, actor: Caller) -> Row:
    rules.check_user(email=email, name=name, role=role, password=password)
    if await _user_by_email(session, email):
        raise Conflict(f"a user with e-mail {rules.normalize_email(email)} already exists",
                       [rules.FieldError("email", "is already taken")])
    row = (await session.execute(
        sa.insert(users).values(
            id=uuid.uuid4(), org_id=uuid.UUID(org_id), email=rules.normalize_email(email), name=name.strip(),
            role=role, password_hash=hash_password(password),
        ).returning(users)
    )).mappings().one()
    user = dict(row)
    await deps.outbox.add(session, event_type="user.created", org_id=org_id, aggregate_id=str(user["id"]),
                          aggregate_version=1, payload=events.UserCreated(user=user_pb(user)))
    await record_audit(deps.outbox, session, caller=actor, action="user.created", target_type="user",
                       target_id=str(user["id"]), summary=f"created {role} {user['email']}",
                       changes={"email": user["email"], "role": role, "name": user["name"]})
    return user


async def create_org(deps: Deps, *, caller: Caller, name: str, slug: str, admin_email: str, admin_name: str,
                     admin_password: str, settings: rules.OrgSettings, existing_ok: bool) -> tuple[Row, Row | None]:
    rules.check_slug(slug)
    if not name.strip():
        raise InvalidInput.field("name", "is required")
    rules.validated_settings(settings)
    async with deps.unit_of_work() as session:
        found = (await session.execute(sa.select(orgs).where(orgs.c.slug == slug))).mappings().first()
        if found is not None:
            if existing_ok:
                return dict(found), None
            raise Conflict(f"an org with slug {slug!r} exists", [rules.FieldError("slug", "is already taken")])
        org = dict((await session.execute(
            sa.insert(orgs).values(id=uuid.uuid4(), name=name.strip(), slug=slug, settings=settings.to_json())
            .returning(orgs)
        )).mappings().one())
        org_id = str(org["id"])
        await deps.outbox.add(session, event_type="org.created", org_id=org_id, aggregate_id=org_id,
                              aggregate_version=1, payload=events.OrgCreated(org=org_pb(org)))
        operator = Caller(user_id=caller.user_id, org_id=org_id, role="system", expires_at=caller.expires_at,
                          email=caller.email or "operator")
        admin = await _insert_user(deps, session, org_id=org_id, email=admin_email, name=admin_name or "Admin",
                                   role="admin", password=admin_password, actor=operator)
    return org, admin


async def get_org(deps: Deps, *, caller: Caller) -> Row:
    async with deps.sessions() as session:
        return await _org(session, caller.org_id)


async def find_org(deps: Deps, *, slug: str) -> Row:
    async with deps.sessions() as session:
        row = (await session.execute(sa.select(orgs).where(orgs.c.slug == slug))).mappings().first()
    if row is None:
        raise NotFound(f"no org with slug {slug!r}")
    return dict(row)


async def update_org_settings(deps: Deps, *, caller: Caller, **changes: Any) -> Row:
    async with deps.unit_of_work() as session:
        org = await _org(session, caller.org_id, lock=True)
        before = rules.OrgSettings.from_json(org["settings"])
        after = rules.merge_settings(before, **changes)
        diff = changes_between(before.to_json(), after.to_json())
        if not diff:
            return org
        org = dict((await session.execute(
            sa.update(orgs).where(orgs.c.id == org["id"])
            .values(settings=after.to_json(), version=orgs.c.version + 1).returning(orgs)
        )).mappings().one())
        await deps.outbox.add(session, event_type="org.settings_changed", org_id=caller.org_id,
                              aggregate_id=caller.org_id, aggregate_version=org["version"],
                              payload=events.OrgSettingsChanged(org=org_pb(org)))
        await record_audit(deps.outbox, session, caller=caller, action="org.settings_changed", target_type="org",
                           target_id=caller.org_id, summary=f"changed {', '.join(sorted(diff))}", changes=diff)
    return org


async def authenticate(deps: Deps, *, email: str, password: str) -> Row:
    async with deps.sessions() as session:
        user = await _user_by_email(session, email)
    if not verify_password(user["password_hash"] if user else None, password) or not user or not user["active"]:
        raise Unauthenticated("wrong e-mail or password")
    return user


async def get_user(deps: Deps, *, caller: Caller, user_id: str) -> Row:
    if caller.role not in ("admin", "system") and user_id != caller.user_id:
        raise NotFound("user not found")
    async with deps.sessions() as session:
        return await user_in_org(session, caller, user_id)


async def list_users(deps: Deps, *, caller: Caller, limit: int, cursor: str, role: str, q: str,
                     active: bool | None) -> tuple[list[Row], str]:
    limit = page_limit(limit)
    query = sa.select(users).where(users.c.org_id == uuid.UUID(caller.org_id))
    if role:
        query = query.where(users.c.role == role)
    if q:
        like = like_pattern(q)
        query = query.where(sa.or_(sa.func.lower(users.c.email).like(like, escape="\\"),
                                   sa.func.lower(users.c.name).like(like, escape="\\")))
    if active is not None:
        query = query.where(users.c.active == active)
    if (key := decode_cursor(cursor)) is not None:
        query = query.where(sa.tuple_(users.c.email, users.c.id) > sa.tuple_(key[0], uuid.UUID(key[1])))
    async with deps.sessions() as session:
        rows = [dict(r) for r in (await session.execute(
            query.order_by(users.c.email, users.c.id).limit(limit + 1))).mappings()]
    return split_page(rows, limit, lambda r: (r["email"], r["id"]))


async def create_user(deps: Deps, *, caller: Caller, email: str, name: str, role: str, password: str,
                      existing_ok: bool = False) -> Row:
    async with deps.unit_of_work() as session:
        if existing_ok and (found := await _user_by_email(session, email)):
            if str(found["org_id"]) != caller.org_id:
                raise Conflict("that e-mail belongs to another org", [rules.FieldError("email", "is already taken")])
            return found
        return await _insert_user(deps, session, org_id=caller.org_id, email=email, name=name, role=role,
                                  password=password, actor=caller)


async def _active_admins(session: AsyncSession, org_id: str) -> int:
    return int(await session.scalar(sa.select(sa.func.count()).select_from(users).where(
        users.c.org_id == uuid.UUID(org_id), users.c.role == "admin", users.c.active.is_(True))) or 0)


async def update_user(deps: Deps, *, caller: Caller, user_id: str, name: str | None, role: str | None,
                      active: bool | None, new_password: str | None) -> Row:
    rules.check_user(name=name, role=role, password=new_password)
    async with deps.unit_of_work() as session:
        user = await user_in_org(session, caller, user_id, lock=True)
        after = {k: v for k, v in {"name": name, "role": role, "active": active}.items() if v is not None}
        diff = changes_between(user, after)
        loses_admin = user["role"] == "admin" and user["active"] and (
            diff.get("role", {}).get("to", "admin") != "admin" or diff.get("active", {}).get("to") is False)
        if loses_admin and await _active_admins(session, caller.org_id) <= 1:
            raise FailedPrecondition("an org keeps at least one active admin")
        values: dict[str, Any] = {k: v["to"] for k, v in diff.items()}
        if new_password is not None:
            values["password_hash"] = hash_password(new_password)
            diff["password"] = {"from": "…", "to": "reset"}
        if not values:
            return user
        user = dict((await session.execute(
            sa.update(users).where(users.c.id == user["id"])
            .values(**values, updated_at=sa.func.now(), version=users.c.version + 1).returning(users)
        )).mappings().one())
        await deps.outbox.add(session, event_type="user.updated", org_id=caller.org_id, aggregate_id=user_id,
                              aggregate_version=user["version"], payload=events.UserUpdated(user=user_pb(user)))
        await record_audit(deps.outbox, session, caller=caller, action="user.updated", target_type="user",
                           target_id=user_id, summary=f"changed {', '.join(sorted(diff))} of {user['email']}",
                           changes=diff)
    return user


async def change_password(deps: Deps, *, caller: Caller, current_password: str, new_password: str) -> Row:
    if problems := rules.user_problems(password=new_password):
        raise InvalidInput("the new password is not valid", [rules.FieldError("new", p.reason) for p in problems])
    async with deps.unit_of_work() as session:
        user = await user_in_org(session, caller, caller.user_id, lock=True)
        if not verify_password(user["password_hash"], current_password):
            raise InvalidInput.field("current", "is not your current password")
        user = dict((await session.execute(
            sa.update(users).where(users.c.id == user["id"])
            .values(password_hash=hash_password(new_password), updated_at=sa.func.now(),
                    version=users.c.version + 1).returning(users)
        )).mappings().one())
    return user
