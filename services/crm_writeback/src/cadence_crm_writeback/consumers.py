"""NATS subjects the feed listens to → handlers. Each handler runs in the consumer's transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from cadence.events.v1.envelope_pb2 import EventEnvelope
from cadence_platform.bootstrap import ServiceContext
from cadence_platform.consumer import Subscription, dispatch

from cadence_crm_writeback.handlers import feed, read_models
from cadence_crm_writeback.handlers.deps import Deps

Handler = Callable[[Deps, AsyncSession, EventEnvelope], Awaitable[None]]

ACCOUNT_EVENTS: dict[str, Handler] = {
    "org.created": read_models.on_org, "org.settings_changed": read_models.on_org,
    "user.created": read_models.on_user, "user.updated": read_models.on_user,
    **{f"account.{verb}": read_models.on_account for verb in (
        "created", "updated", "archived", "motion_changed", "reps_changed", "csm_changed")},
    **{f"subscription.{verb}": read_models.on_subscription for verb in ("created", "updated", "ended")},
    "account.imported": read_models.on_account_imported,
}
ENGINE_EVENTS: dict[str, Handler] = {
    "playbook.started": feed.on_playbook_started,
    "action.completed": feed.on_action_completed,
    "playbook.closed": feed.on_playbook_closed,
}


def register_consumers(ctx: ServiceContext, deps: Deps) -> None:
    # One durable per stream keeps each stream's events in order: a run's start before its
    # actions' completions before its close; an account's changes in the order they happened.
    ctx.add_consumer(Subscription(stream="ACCOUNT", durable="crm-accounts", event_types=(
        "org.>", "user.>", "account.>", "subscription.>")), dispatch(deps, ACCOUNT_EVENTS))
    ctx.add_consumer(Subscription(stream="ENGINE", durable="crm-feed", event_types=tuple(ENGINE_EVENTS)),
                     dispatch(deps, ENGINE_EVENTS))
