"""What a completed action or a closed playbook run says in a CRM: one activity record each.

Pure functions from the engine's event payloads to the fields of a record. The account's external
id, the owner's e-mail and the subscriptions' external ids come from read models; the handler
looks them up with the ids chosen here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from google.protobuf.timestamp_pb2 import Timestamp

from cadence.engine.v1 import engine_events_pb2 as events
from cadence.engine.v1 import engine_pb2 as engine

ACTION_COMPLETED = "action_completed"
RUN_CLOSED = "run_closed"
ACTIVITY_TYPES = frozenset({"call", "email", "meeting", "task"})
# Salesforce's Task.Subject stops at 255 characters; a longer subject would fail the connector's insert.
SUBJECT_MAX = 255


@dataclass(frozen=True, slots=True)
class ActivityDraft:
    """An activity record before the read models fill in external ids and e-mails."""

    kind: str
    source_id: str
    subject: str
    outcome: str
    completed_on: date
    type: str
    account_id: str
    account_name: str
    renewal_id: str
    renewal_date: date | None
    vendor: str
    renewal_result: str
    subscription_ids: tuple[str, ...]
    owner_id: str
    link: str


def zone(time_zone: str) -> ZoneInfo:
    try:
        return ZoneInfo(time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_date(stamp: Timestamp | None, fallback: datetime, time_zone: str) -> date:
    """The day it happened in the org's time zone (a CRM shows activity dates, not instants)."""
    moment = stamp.ToDatetime(tzinfo=UTC) if stamp is not None else fallback
    return moment.astimezone(zone(time_zone)).date()


def activity_type(kind: str) -> str:
    """CRMs know calls, e-mails, meetings and tasks; anything else is logged as a task."""
    return kind if kind in ACTIVITY_TYPES else "task"


def action_owner(action: engine.Action) -> str:
    """Who did it: the person who completed it (an admin may complete a rep's action), else the assignee."""
    return action.completed_by or action.assignee_id


def clip_subject(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUBJECT_MAX else text[: SUBJECT_MAX - 1] + "…"


def run_subject(vendor: str, result: str) -> str:
    return clip_subject(f"Renewal closed: {vendor or 'any vendor'} ({result or 'closed'})")


def link_to(public_url: str, account_id: str, **query: str) -> str:
    base = f"{public_url.rstrip('/')}/accounts/{quote(account_id, safe='')}"
    return f"{base}?{urlencode(query)}" if query else base


def _iso_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def from_action(action: engine.Action, *, occurred_at: datetime, time_zone: str, public_url: str) -> ActivityDraft:
    completed = action.completed_at if action.HasField("completed_at") else None
    return ActivityDraft(
        kind=ACTION_COMPLETED, source_id=action.id, subject=clip_subject(action.title) or "Action completed",
        outcome=action.outcome, completed_on=local_date(completed, occurred_at, time_zone),
        type=activity_type(action.kind), account_id=action.account_id, account_name=action.account_name,
        renewal_id=action.renewal_id, renewal_date=_iso_date(action.renewal_date), vendor=action.vendor,
        renewal_result="", subscription_ids=(), owner_id=action_owner(action),
        link=link_to(public_url, action.account_id, action=action.id),
    )


def from_run_closed(closed: events.PlaybookClosed, *, occurred_at: datetime, time_zone: str, public_url: str,
                    owner_id: str) -> ActivityDraft:
    """`owner_id` is whoever completed the run's last action (the event does not say who closed it)."""
    renewal = closed.renewal
    outcome = renewal.outcome if renewal.HasField("outcome") else engine.RenewalResult()
    result = outcome.result or closed.reason
    closed_at = renewal.closed_at if renewal.HasField("closed_at") else None
    return ActivityDraft(
        kind=RUN_CLOSED, source_id=closed.run_id or renewal.id, subject=run_subject(renewal.vendor, result),
        outcome=outcome.note, completed_on=local_date(closed_at, occurred_at, time_zone), type="task",
        account_id=renewal.account_id, account_name=renewal.account_name, renewal_id=renewal.id,
        renewal_date=_iso_date(renewal.renewal_date), vendor=renewal.vendor, renewal_result=outcome.result,
        subscription_ids=tuple(renewal.subscription_ids), owner_id=owner_id,
        link=link_to(public_url, renewal.account_id, renewal=renewal.id),
    )
