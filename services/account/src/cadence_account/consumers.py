"""NATS subjects the account service listens to → handlers."""

from __future__ import annotations

from functools import partial

from cadence_platform.bootstrap import ServiceContext
from cadence_platform.consumer import Subscription
from cadence_platform.events import AUDIT_RECORDED, STREAMS

from cadence_account.handlers.audit import record_audit_event
from cadence_account.handlers.renewal_outcomes import apply_renewal_outcome, mark_in_renewal
from cadence_account.handlers.timeline import record_event

# Every service that publishes audit records has its own stream; one durable per stream.
AUDITED_STREAMS = [name for name in STREAMS if name != "DLQ"]


def register_consumers(ctx: ServiceContext) -> None:
    ctx.add_consumer(Subscription(stream="ENGINE", durable="account-timeline-engine", event_types=(
        "playbook.>", "action.>", "renewal.closed")), record_event)
    ctx.add_consumer(Subscription(stream="ACCOUNT", durable="account-timeline-account", event_types=(
        "account.>", "techprofile.>", "escalation.>", "subscription.updated")), record_event)
    ctx.add_consumer(Subscription(stream="CRM", durable="account-timeline-crm", event_types=("crm.delivered",)),
                     record_event)
    ctx.add_consumer(Subscription(stream="ENGINE", durable="account-renewal-outcomes", event_types=("renewal.closed",)),
                     partial(apply_renewal_outcome, ctx.outbox))
    ctx.add_consumer(Subscription(stream="ENGINE", durable="account-renewal-stages", event_types=("playbook.started",)),
                     partial(mark_in_renewal, ctx.outbox))
    for stream in AUDITED_STREAMS:
        ctx.add_consumer(
            Subscription(stream=stream, durable=f"account-audit-{stream.lower()}", event_types=(f"{AUDIT_RECORDED}.>",)),
            record_audit_event,
        )
