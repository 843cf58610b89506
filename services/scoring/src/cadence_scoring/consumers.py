"""NATS subjects the scoring service listens to → priority use cases.

The consumer kit gives each handler one transaction with idempotency (processed events) and
stale-version skipping per aggregate; these functions only decode the payload and call a use case.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from cadence.account.v1.accounts_events_pb2 import AccountChanged, EscalationChanged
from cadence.engine.v1 import engine_pb2
from cadence.engine.v1.engine_events_pb2 import ActionChanged, PlaybookClosed, PlaybookStarted
from cadence.events.v1.envelope_pb2 import EventEnvelope
from cadence_platform.bootstrap import ServiceContext
from cadence_platform.consumer import Subscription
from cadence_platform.events import unpack

from cadence_scoring.domain.priority import CLOSED_STATUSES, PriorityInputs
from cadence_scoring.handlers import priorities
from cadence_scoring.handlers.deps import Deps
from cadence_scoring.messages import input_of_action, inputs_from_pb

# Actions and the runs that carry them share one durable, so a run's start is applied before its
# actions change. Escalation and motion have a durable each: each sets its own account flag.
ACTIONS = Subscription(stream="ENGINE", durable="scoring-actions",
                       event_types=("action.>", "playbook.started", "playbook.closed"))
ESCALATIONS = Subscription(stream="ACCOUNT", durable="scoring-escalations",
                           event_types=("escalation.raised", "escalation.resolved"))
MOTIONS = Subscription(stream="ACCOUNT", durable="scoring-account-motion", event_types=("account.motion_changed",))

ACTION_EVENTS = frozenset({"action.created", "action.updated", "action.completed"})

Handler = Callable[[AsyncSession, EventEnvelope], Awaitable[None]]


def register_consumers(ctx: ServiceContext, deps: Deps) -> None:
    ctx.add_consumer(ACTIONS, _bound(deps, on_engine_event))
    ctx.add_consumer(ESCALATIONS, _bound(deps, on_escalation))
    ctx.add_consumer(MOTIONS, _bound(deps, on_motion_changed))


def _bound(deps: Deps, handler: Callable[[Deps, AsyncSession, EventEnvelope], Awaitable[None]]) -> Handler:
    async def handle(session: AsyncSession, envelope: EventEnvelope) -> None:
        await handler(deps, session, envelope)

    return handle


async def on_engine_event(deps: Deps, session: AsyncSession, envelope: EventEnvelope) -> None:
    org_id = envelope.org_id
    if envelope.type == "playbook.closed":
        closed: PlaybookClosed = unpack(envelope, PlaybookClosed)  # type: ignore[assignment]
        await priorities.forget_run(deps, session, org_id=org_id, account_id=closed.renewal.account_id,
                                    run_id=closed.run_id)
        return
    if envelope.type == "playbook.started":
        started: PlaybookStarted = unpack(envelope, PlaybookStarted)  # type: ignore[assignment]
        actions = list(started.actions)
    elif envelope.type not in ACTION_EVENTS:
        return  # another action.* event that carries no inputs (none today); nothing to score
    else:
        changed: ActionChanged = unpack(envelope, ActionChanged)  # type: ignore[assignment]
        actions = [changed.action]
        if envelope.type == "action.completed" and changed.action.status not in CLOSED_STATUSES:
            changed.action.status = "completed"
    facts = [facts_of(action, default_today=deps.today(org_id)) for action in actions]
    await priorities.record_actions(deps, session, org_id=org_id, actions=facts)


def facts_of(action: engine_pb2.Action, *, default_today: date) -> priorities.ActionFacts:
    """An engine Action → what the read model keeps; a closed action needs no valid inputs."""
    if not action.id or not action.account_id:
        raise ValueError("an action event without an action id or account id")
    if action.status in CLOSED_STATUSES:
        inputs = PriorityInputs(action.id, action.account_id, due_date=default_today, today=default_today,
                                status=action.status)
    else:
        inputs = inputs_from_pb(input_of_action(action), default_today=default_today,
                                prefix="action.priority_input.")
    return priorities.ActionFacts(inputs, run_id=action.run_id, version=action.version,
                                  shown_priority=action.priority)


async def on_escalation(deps: Deps, session: AsyncSession, envelope: EventEnvelope) -> None:
    event: EscalationChanged = unpack(envelope, EscalationChanged)  # type: ignore[assignment]
    await priorities.set_escalation(
        deps, session, org_id=envelope.org_id, account_id=event.account.id or envelope.aggregate_id,
        escalated=envelope.type == "escalation.raised",
    )


async def on_motion_changed(deps: Deps, session: AsyncSession, envelope: EventEnvelope) -> None:
    event: AccountChanged = unpack(envelope, AccountChanged)  # type: ignore[assignment]
    await priorities.set_motion(deps, session, org_id=envelope.org_id,
                               account_id=event.account.id or envelope.aggregate_id, motion=event.account.motion)
