"""NATS subjects the engine listens to → handlers. Each handler runs in the consumer's transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from cadence.events.v1.envelope_pb2 import EventEnvelope
from cadence_platform.bootstrap import ServiceContext
from cadence_platform.consumer import Subscription, dispatch

from cadence_playbook_engine.handlers import imports, read_models
from cadence_playbook_engine.handlers.deps import Deps

Handler = Callable[[Deps, AsyncSession, EventEnvelope], Awaitable[None]]

ACCOUNT_EVENTS: dict[str, Handler] = {
    "org.created": read_models.on_org, "org.settings_changed": read_models.on_org,
    "user.created": read_models.on_user, "user.updated": read_models.on_user,
    **{f"account.{verb}": read_models.on_account for verb in (
        "created", "updated", "archived", "motion_changed", "reps_changed", "csm_changed")},
    "escalation.raised": read_models.on_account, "escalation.resolved": read_models.on_account,
    "subscription.created": read_models.on_subscription, "subscription.updated": read_models.on_subscription,
    # An import's accounts: read models in bulk, then the (debounced) sweep starts their runs.
    "account.imported": imports.on_account_imported,
}


def register_consumers(ctx: ServiceContext, deps: Deps) -> None:
    # One durable for the account stream keeps an org's, user's and account's events in order.
    ctx.add_consumer(Subscription(stream="ACCOUNT", durable="engine-accounts", event_types=(
        "org.>", "user.>", "account.>", "escalation.>", "subscription.>")), dispatch(deps, ACCOUNT_EVENTS))
    ctx.add_consumer(Subscription(stream="SCORING", durable="engine-priorities", event_types=("priority.updated",)),
                     partial(read_models.on_priority, deps))
