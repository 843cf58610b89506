"""API tokens: belong to a user, act with that user's role narrowed by scopes, stored as a hash."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from cadence_platform.audit import record_audit
from cadence_platform.caller import Caller
from cadence_platform.errors import InvalidInput, NotFound, Unauthenticated
from cadence_platform.paging import decode_cursor, page_limit, split_page

from cadence.account.v1 import identity_events_pb2 as events

from cadence_account.adapters.tables import api_tokens, users
from cadence_account.domain import identity as rules
from cadence_account.handlers.deps import Deps
from cadence_account.handlers.identity import user_in_org
from cadence_account.messages import token_pb

Row = dict[str, Any]
LAST_USED_RESOLUTION = timedelta(minutes=1)  # don't write on every request


async def create_api_token(deps: Deps, *, caller: Caller, name: str, scopes: list[str], user_id: str,
                           expires_in_days: int) -> tuple[Row, str]:
    if not 1 <= len(name.strip()) <= 100:
        raise InvalidInput.field("name", "must be 1 to 100 characters")
    if expires_in_days < 0 or expires_in_days > 3650:
        raise InvalidInput.field("expires_in_days", "must be 0 (never) to 3650")
    scopes = rules.check_scopes(scopes)
    token = rules.new_api_token()
    expires_at = datetime.now(UTC) + timedelta(days=expires_in_days) if expires_in_days else None
    async with deps.unit_of_work() as session:
        owner = await user_in_org(session, caller, user_id or caller.user_id)
        if not owner["active"]:
            raise InvalidInput.field("user_id", "the user is deactivated")
        row = dict((await session.execute(
            sa.insert(api_tokens).values(
                id=uuid.uuid4(), org_id=owner["org_id"], user_id=owner["id"], name=name.strip(), scopes=scopes,
                prefix=token.prefix, secret_hash=token.secret_hash, expires_at=expires_at,
            ).returning(api_tokens)
        )).mappings().one())
        await deps.outbox.add(session, event_type="api_token.created", org_id=caller.org_id,
                              aggregate_id=str(row["id"]), aggregate_version=1,
                              payload=events.ApiTokenChanged(token=token_pb(row)))
        await record_audit(deps.outbox, session, caller=caller, action="api_token.created", target_type="api_token",
                           target_id=str(row["id"]),
                           summary=f"created token {row['name']!r} ({', '.join(scopes)}) for {owner['email']}",
                           changes={"scopes": scopes, "user_id": str(owner["id"]), "name": row["name"]})
    return row, token.secret


async def list_api_tokens(deps: Deps, *, caller: Caller, limit: int, cursor: str) -> tuple[list[Row], str]:
    limit = page_limit(limit)
    query = sa.select(api_tokens).where(api_tokens.c.org_id == uuid.UUID(caller.org_id))
    if (key := decode_cursor(cursor)) is not None:
        query = query.where(
            sa.tuple_(api_tokens.c.created_at, api_tokens.c.id) < sa.tuple_(
                sa.cast(key[0], sa.DateTime(timezone=True)), uuid.UUID(key[1])))
    async with deps.sessions() as session:
        rows = [dict(r) for r in (await session.execute(
            query.order_by(api_tokens.c.created_at.desc(), api_tokens.c.id.desc()).limit(limit + 1)
        )).mappings()]
    return split_page(rows, limit, lambda r: (r["created_at"].isoformat(), r["id"]))


async def revoke_api_token(deps: Deps, *, caller: Caller, token_id: str) -> Row:
    try:
        key = uuid.UUID(token_id)
    except ValueError:
        raise NotFound("API token not found") from None
    async with deps.unit_of_work() as session:
        row = (await session.execute(
            sa.select(api_tokens).where(api_tokens.c.id == key, api_tokens.c.org_id == uuid.UUID(caller.org_id))
            .with_for_update()
        )).mappings().first()
        if row is None:
            raise NotFound("API token not found")
        if row["revoked_at"] is not None:
            return dict(row)
        row = (await session.execute(
            sa.update(api_tokens).where(api_tokens.c.id == key).values(revoked_at=sa.func.now()).returning(api_tokens)
        )).mappings().one()
        await deps.outbox.add(session, event_type="api_token.revoked", org_id=caller.org_id,
                              aggregate_id=token_id, aggregate_version=2,
                              payload=events.ApiTokenChanged(token=token_pb(row)))
        await record_audit(deps.outbox, session, caller=caller, action="api_token.revoked", target_type="api_token",
                           target_id=token_id, summary=f"revoked token {row['name']!r}")
    return dict(row)


async def resolve_api_token(deps: Deps, *, secret: str) -> tuple[Row, Row]:
    """The token and its user, if the token is live and the user active; otherwise UNAUTHENTICATED."""
    if not secret.startswith(rules.TOKEN_PREFIX):
        raise Unauthenticated("not an API token")
    now = datetime.now(UTC)
    async with deps.unit_of_work() as session:
        found = (await session.execute(
            sa.select(api_tokens, users.c.active.label("user_active"))
            .join(users, users.c.id == api_tokens.c.user_id)
            .where(api_tokens.c.secret_hash == rules.hash_token(secret))
        )).mappings().first()
        if (found is None or found["revoked_at"] is not None or not found["user_active"]
                or (found["expires_at"] is not None and found["expires_at"] <= now)):
            raise Unauthenticated("API token is unknown, revoked or expired")
        token = dict(found)
        if token["last_used_at"] is None or now - token["last_used_at"] > LAST_USED_RESOLUTION:
            await session.execute(sa.update(api_tokens).where(api_tokens.c.id == token["id"]).values(last_used_at=now))
        user = dict((await session.execute(sa.select(users).where(users.c.id == token["user_id"]))).mappings().one())
    return token, user
