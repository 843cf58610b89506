"""Subscriptions: admins edit them; everyone reads those of accounts in scope; the portfolio view."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from cadence_platform.audit import changes_between, record_audit
from cadence_platform.caller import Caller
from cadence_platform.errors import Conflict, FieldError, InvalidInput, NotFound
from cadence_platform.events import new_event
from cadence_platform.paging import decode_cursor, page_limit, split_page
from sqlalchemy.ext.asyncio import AsyncSession

from cadence.account.v1 import accounts_events_pb2 as events
from cadence.account.v1 import accounts_pb2 as pb
from cadence.common.v1.common_pb2 import Money
from cadence.events.v1.envelope_pb2 import EventEnvelope

from cadence_platform import fx
from cadence_account.adapters.tables import accounts, subscriptions, tech_entries
from cadence_account.domain import portfolio as rules
from cadence_account.handlers.account_views import org_settings, org_today
from cadence_account.handlers.deps import Deps
from cadence_account.handlers.scope import account_in_scope, as_uuid, require_admin, scope_filter
from cadence_account.messages import ts

Row = dict[str, Any]
TEXT = ("external_id", "vendor", "product", "version", "lifecycle_product_id", "lifecycle_cycle", "unit",
        "billing_frequency", "channel", "lifecycle_stage")


def subscription_pb(r: Row, **extra: Any) -> pb.Subscription:
    message = pb.Subscription(
        id=str(r["id"]), account_id=str(r["account_id"]), external_id=r["external_id"] or "",
        vendor=r["vendor"], product=r["product"], version=r["version"], lifecycle_product_id=r["lifecycle_product_id"],
        lifecycle_cycle=r["lifecycle_cycle"], quantity=r["quantity"], unit=r["unit"],
        billing_frequency=r["billing_frequency"], term_start=r["term_start"].isoformat() if r["term_start"] else "",
        renewal_date=r["renewal_date"].isoformat(), channel=r["channel"], lifecycle_stage=r["lifecycle_stage"],
        created_at=ts(r["created_at"]), updated_at=ts(r["updated_at"]), revision=r["revision"], **extra,
    )
    if r["active_users"] is not None:
        message.active_users = r["active_users"]
    if r["auto_renew"] is not None:
        message.auto_renew = r["auto_renew"]
    if r["arr_amount"] is not None:
        message.arr.CopyFrom(Money(amount=str(r["arr_amount"]), currency=r["arr_currency"]))
    return message


async def _subscription_in_scope(session: AsyncSession, caller: Caller, subscription_id: str) -> Row:
    row = (await session.execute(
        sa.select(subscriptions).join(accounts, accounts.c.id == subscriptions.c.account_id)
        .where(subscriptions.c.id == as_uuid(subscription_id, "subscription"), scope_filter(caller))
        .with_for_update(of=subscriptions))).mappings().first()
    if row is None:
        raise NotFound("subscription not found")
    return dict(row)


async def _external_id_free(session: AsyncSession, org_id: Any, external_id: str | None, own: Any) -> None:
    if not external_id:
        return
    clash = await session.scalar(sa.select(subscriptions.c.id).where(
        subscriptions.c.org_id == org_id, subscriptions.c.external_id == external_id))
    if clash is not None and clash != own:
        raise Conflict("another subscription has this external id", [FieldError("external_id", "is already used")])


def event_for(org_id: str, producer: str, row: Row, verb: str, changed: list[str],
              previous_renewal: date | None = None) -> EventEnvelope:
    return new_event(
        event_type=f"subscription.{verb}", org_id=org_id, aggregate_id=str(row["id"]), producer=producer,
        aggregate_version=row["revision"], partition_key=str(row["account_id"]),
        payload=events.SubscriptionChanged(subscription=subscription_pb(row), changed_fields=changed,
                                           previous_renewal_date=previous_renewal.isoformat() if previous_renewal else ""))


async def publish(deps: Deps, session: AsyncSession, org_id: str, row: Row, verb: str, changed: list[str],
                  previous_renewal: date | None = None) -> pb.Subscription:
    envelope = event_for(org_id, deps.outbox.producer, row, verb, changed, previous_renewal)
    await deps.outbox.add_envelopes(session, [envelope])
    return subscription_pb(row)


def input_fields(request: pb.SubscriptionInput | pb.UpdateSubscriptionRequest, *, creating: bool) -> Row:
    """The fields the request sets: on create every plain field, on update only those present."""
    names = (*TEXT, "term_start", "renewal_date", "quantity", "active_users", "auto_renew")
    fields: Row = {n: getattr(request, n) for n in names
                   if not creating or (n in ("active_users", "auto_renew") and request.HasField(n))
                   or (creating and n not in ("active_users", "auto_renew"))}
    if not creating:
        fields = {n: getattr(request, n) for n in names if request.HasField(n)}
    if request.HasField("arr"):
        fields["arr"] = (request.arr.amount, request.arr.currency.upper())
    if creating:
        fields["lifecycle_stage"] = fields.get("lifecycle_stage") or "active"
        fields["billing_frequency"] = fields.get("billing_frequency") or "annual"
        fields["external_id"] = fields.get("external_id") or None
    return fields


async def create_subscription(deps: Deps, *, caller: Caller, request: pb.SubscriptionInput) -> pb.Subscription:
    values = rules.check_subscription(input_fields(request, creating=True), creating=True)
    async with deps.unit_of_work() as session:
        account = await account_in_scope(session, caller, request.account_id)
        require_admin(caller, "add subscriptions")
        await _external_id_free(session, account["org_id"], values.get("external_id"), None)
        row = dict((await session.execute(sa.insert(subscriptions).values(
            id=uuid.uuid4(), org_id=account["org_id"], account_id=account["id"], **values).returning(subscriptions)
        )).mappings().one())
        message = await publish(deps, session, caller.org_id, row, "created", sorted(values))
        await record_audit(deps.outbox, session, caller=caller, action="subscription.created",
                           target_type="subscription", target_id=str(row["id"]),
                           summary=f"added {row['vendor']} {row['product']} to {account['name']}")
    return message


async def update_subscription(deps: Deps, *, caller: Caller, request: pb.UpdateSubscriptionRequest) -> pb.Subscription:
    async with deps.unit_of_work() as session:
        row = await _subscription_in_scope(session, caller, request.id)
        require_admin(caller, "edit subscriptions")
        fields = input_fields(request, creating=False)
        if "external_id" in fields:
            fields["external_id"] = fields["external_id"] or None
            await _external_id_free(session, row["org_id"], fields["external_id"], row["id"])
        values = rules.check_subscription(fields, creating=False)
        diff = changes_between(row, values)
        if "term_start" in values and "renewal_date" not in values and values["term_start"] and \
                values["term_start"] > row["renewal_date"]:
            raise InvalidInput.field("term_start", "must not be after renewal_date")
        if not diff:
            return subscription_pb(row)
        previous_renewal = row["renewal_date"]
        row = dict((await session.execute(
            sa.update(subscriptions).where(subscriptions.c.id == row["id"])
            .values(**{k: v["to"] for k, v in diff.items()}, updated_at=sa.func.now(),
                    revision=subscriptions.c.revision + 1).returning(subscriptions))).mappings().one())
        message = await publish(deps, session, caller.org_id, row, "updated", sorted(diff), previous_renewal)
        await record_audit(deps.outbox, session, caller=caller, action="subscription.updated",
                           target_type="subscription", target_id=request.id,
                           summary=f"edited {', '.join(sorted(diff))} of {row['vendor']} {row['product']}",
                           changes=diff)
    return message


SORTS = {"renewal_date": "renewal_date", "-arr": "arr", "account_name": "account_name", "vendor": "vendor"}


async def list_subscriptions(deps: Deps, *, caller: Caller, request: pb.ListSubscriptionsRequest) -> tuple[list[pb.Subscription], str]:
    limit = page_limit(request.page.limit)
    sort = request.sort or "renewal_date"
    if sort not in SORTS:
        raise InvalidInput.field("sort", f"must be one of {', '.join(SORTS)}")
    async with deps.sessions() as session:
        settings = await org_settings(session, caller.org_id)
        today = org_today(settings)
        rates = fx.rates_to(settings.reporting_currency, today, settings.fx_rates)
        arr_rep = sa.case(*((subscriptions.c.arr_currency == c, subscriptions.c.arr_amount * r)
                            for c, r in rates.items()), else_=None)
        competitor = sa.exists().where(tech_entries.c.account_id == accounts.c.id, tech_entries.c.status == "competitor")
        query = (sa.select(subscriptions, accounts.c.name.label("account_name"), accounts.c.health_band,
                           accounts.c.escalated, competitor.label("competitive"), arr_rep.label("arr_rep"))
                 .join(accounts, accounts.c.id == subscriptions.c.account_id)
                 .where(scope_filter(caller), accounts.c.archived_at.is_(None)))
        if request.account_id:
            query = query.where(subscriptions.c.account_id == (await account_in_scope(
                session, caller, request.account_id))["id"])
        if not request.include_ended:
            query = query.where(subscriptions.c.lifecycle_stage.in_(rules.OPEN_STAGES))
        for column, value in ((subscriptions.c.vendor, request.vendor),
                              (subscriptions.c.lifecycle_stage, request.lifecycle_stage),
                              (accounts.c.health_band, request.health_band)):
            if value:
                query = query.where(column == value)
        if request.renewal_within_days:
            query = query.where(subscriptions.c.renewal_date <= today + timedelta(days=request.renewal_within_days))
        if request.HasField("competitive_exposure"):
            query = query.where(competitor if request.competitive_exposure else ~competitor)
        key_column, descending = {
            "renewal_date": (subscriptions.c.renewal_date, False), "-arr": (sa.func.coalesce(arr_rep, -1), True),
            "account_name": (accounts.c.name, False), "vendor": (subscriptions.c.vendor, False)}[sort]
        if (key := decode_cursor(request.page.cursor)) is not None:
            bound = sa.tuple_(key_column, subscriptions.c.id)
            typed = {"renewal_date": sa.Date, "-arr": sa.Numeric}.get(sort)
            after = sa.tuple_(sa.cast(key[0], typed) if typed else sa.literal(key[0]),
                              sa.cast(key[1], subscriptions.c.id.type))
            query = query.where(bound < after if descending else bound > after)
        order = [key_column.desc() if descending else key_column, subscriptions.c.id.desc() if descending
                 else subscriptions.c.id]
        rows = [dict(r) for r in (await session.execute(query.order_by(*order).limit(limit + 1))).mappings()]
    sort_value = {"renewal_date": lambda r: r["renewal_date"].isoformat(),
                  "-arr": lambda r: str(r["arr_rep"] if r["arr_rep"] is not None else -1),
                  "account_name": lambda r: r["account_name"], "vendor": lambda r: r["vendor"]}[sort]
    rows, cursor = split_page(rows, limit, lambda r: (sort_value(r), str(r["id"])))
    return [subscription_pb(
        r, account_name=r["account_name"], health_band=r["health_band"] or "", account_escalated=r["escalated"],
        competitive_exposure=r["competitive"],
        arr_reporting=Money(amount=str(round(r["arr_rep"], 2)), currency=settings.reporting_currency)
        if r["arr_rep"] is not None else None,
    ) for r in rows], cursor
