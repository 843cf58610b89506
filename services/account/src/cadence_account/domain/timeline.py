"""What an event says on an account's timeline: its kind, one human line and the facts behind it.

Pure: events in, entries out. An event that says nothing worth a line (a re-prioritisation, a
subscription edit without a date change) gives no entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from google.protobuf.message import Message

from cadence.account.v1 import accounts_events_pb2 as account_events
from cadence.crm.v1 import crm_events_pb2 as crm_events
from cadence.engine.v1 import engine_events_pb2 as engine_events

MOTION_NAMES = {"high_touch": "High Touch", "mid_touch": "Mid Touch", "tech_touch": "Tech Touch"}
QUIET_ACTION_CHANGES = {"reprioritised"}


@dataclass(frozen=True, slots=True)
class Entry:
    account_id: str
    kind: str
    summary: str
    details: dict[str, Any] = field(default_factory=dict)
    subject_id: str = ""
    actor_id: str = ""


def _action(event: engine_events.ActionChanged, event_type: str) -> list[Entry]:
    a = event.action
    facts: dict[str, Any] = {"title": a.title, "kind": a.kind, "due_date": a.due_date, "renewal_id": a.renewal_id}
    if event_type == "action.created":
        return [Entry(a.account_id, "action.created", f"Action added: {a.title} (due {a.due_date})", facts, a.id)]
    if event_type == "action.completed":
        return [Entry(a.account_id, "action.completed", f"Completed: {a.title}", {**facts, "outcome": a.outcome},
                      a.id, a.completed_by)]
    change = event.change
    if change in QUIET_ACTION_CHANGES:
        return []
    lines = {
        "snoozed": f"Snoozed until {a.snoozed_until}: {a.title}",
        "skipped": f"Skipped: {a.title} — {a.skip_reason}",
        "reassigned": f"Reassigned: {a.title}",
        "rescheduled": f"Rescheduled to {a.due_date}: {a.title}",
        "cancelled": f"Cancelled: {a.title}",
    }
    extra = {"skip_reason": a.skip_reason, "snoozed_until": a.snoozed_until, "assignee_id": a.assignee_id,
             "previous_assignee_id": event.previous_assignee_id}
    summary = lines.get(change, f"Action {change}: {a.title}")
    return [Entry(a.account_id, f"action.{change}", summary, {**facts, **{k: v for k, v in extra.items() if v}}, a.id)]


def _started(event: engine_events.PlaybookStarted) -> list[Entry]:
    r = event.renewal
    if not event.run_id:
        return [Entry(r.account_id, "renewal.opened", f"The {r.vendor} renewal on {r.renewal_date} entered the "
                      "pipeline (no playbook matched)", {"renewal_id": r.id}, r.id)]
    actions = [{"id": a.id, "title": a.title, "due_date": a.due_date, "assignee_id": a.assignee_id,
                "compressed": a.compressed} for a in event.actions]
    return [Entry(r.account_id, "playbook.started",
                  f"Playbook “{event.playbook_name}” started for the {r.vendor} renewal on {r.renewal_date}: "
                  f"{len(actions)} actions", {"renewal_id": r.id, "run_id": event.run_id, "actions": actions},
                  event.run_id)]


def _closed(event: engine_events.PlaybookClosed) -> list[Entry]:
    r = event.renewal
    return [Entry(r.account_id, "playbook.closed", f"Playbook run for the {r.vendor} renewal closed ({event.reason})",
                  {"renewal_id": r.id, "run_id": event.run_id, "reason": event.reason}, event.run_id)]


def _renewal(event: engine_events.RenewalClosed) -> list[Entry]:
    r, o = event.renewal, event.outcome
    summary = f"{r.vendor} renewal of {r.renewal_date} closed: {o.result}"
    if o.new_term_end:
        summary += f", new term to {o.new_term_end}"
    new_arr = {k: {"amount": v.amount, "currency": v.currency} for k, v in o.new_arr.items()}
    return [Entry(r.account_id, "renewal.closed", summary, {"renewal_id": r.id, "result": o.result,
                  "new_term_end": o.new_term_end, "new_arr": new_arr, "note": o.note}, r.id)]


def _account(event: account_events.AccountChanged, event_type: str) -> list[Entry]:
    a = event.account
    if "import" in event.changed_fields:
        verb = "Created" if event_type == "account.created" else "Updated"
        return [Entry(a.id, "import", f"{verb} by a CRM import", {}, a.id)]
    if event_type == "account.motion_changed":
        before, after = MOTION_NAMES.get(event.previous_motion, event.previous_motion), MOTION_NAMES[a.motion]
        return [Entry(a.id, "account.motion_changed", f"Motion changed from {before} to {after}",
                      {"from": event.previous_motion, "to": a.motion}, a.id)]
    if event_type == "account.reps_changed":
        return [Entry(a.id, "account.reps_changed", "Reps changed", {
            "from": list(event.previous_rep_ids), "to": list(a.rep_ids),
            "default_from": event.previous_default_rep_id, "default_to": a.default_rep_id}, a.id)]
    if event_type == "account.csm_changed":
        return [Entry(a.id, "account.csm_changed", "CSM owner changed",
                      {"from": event.previous_csm_id, "to": a.csm_id}, a.id)]
    lines = {"account.created": "Account created", "account.archived": "Account archived",
             "account.updated": f"Edited {', '.join(event.changed_fields)}"}
    return [Entry(a.id, event_type, lines.get(event_type, event_type), {"fields": list(event.changed_fields)}, a.id)]


def _imported(event: account_events.AccountImported) -> list[Entry]:
    """One line per account and import, however many rows it wrote: moved renewal dates ride in the details."""
    a = event.account
    count = len(event.subscriptions)
    moved = [{"subscription_id": s.id, "from": before, "to": s.renewal_date}
             for s, before in zip(event.subscriptions, event.previous_renewal_dates, strict=False) if before]
    details: dict[str, Any] = {"job_id": event.job_id, "subscriptions": count,
                               "created_subscriptions": len(event.created_subscription_ids),
                               "contacts": len(event.contacts), "tech_profile": event.HasField("profile")}
    if moved:
        details["renewals_moved"] = moved
    verb = "Created" if event.created else "Updated"
    noun = "subscription" if count == 1 else "subscriptions"
    return [Entry(a.id, "import", f"{verb} by a CRM import ({count} {noun})", details, a.id)]


def _escalation(event: account_events.EscalationChanged, event_type: str) -> list[Entry]:
    e = event.escalation
    if event_type == "escalation.raised":
        return [Entry(event.account.id, event_type, f"Escalated: {e.reason}", {"reason": e.reason}, event.account.id,
                      e.escalated_by)]
    return [Entry(event.account.id, event_type, f"Escalation resolved: {e.resolution}",
                  {"reason": e.reason, "resolution": e.resolution}, event.account.id, e.resolved_by)]


def _techprofile(event: account_events.TechProfileUpdated) -> list[Entry]:
    p = event.profile
    entries = [{"vendor": e.vendor, "product": e.product, "version": e.version, "status": e.status} for e in p.entries]
    competitors = [f"{e['vendor']} {e['product']}" for e in entries if e["status"] in ("competitor", "evaluating")]
    summary = f"Technology profile updated ({len(entries)} entries)"
    if competitors:
        summary += f"; competing or evaluated: {', '.join(competitors[:3])}"
    return [Entry(p.account_id, "techprofile.updated", summary, {"entries": entries}, p.account_id)]


def _subscription(event: account_events.SubscriptionChanged) -> list[Entry]:
    s = event.subscription
    if not event.previous_renewal_date or event.previous_renewal_date == s.renewal_date:
        return []
    return [Entry(s.account_id, "subscription.renewal_moved",
                  f"{s.vendor} {s.product} now renews on {s.renewal_date} (was {event.previous_renewal_date})",
                  {"subscription_id": s.id, "from": event.previous_renewal_date, "to": s.renewal_date}, s.id)]


def _delivered(event: crm_events.ActivityChanged) -> list[Entry]:
    a = event.activity
    where = f" as {a.external_id}" if a.external_id else ""
    return [Entry(a.account_id, "crm.delivered", f"Written to the CRM{where}: {a.subject}",
                  {"activity_id": a.id, "external_id": a.external_id, "source_id": a.source_id}, a.source_id)]


Reader = tuple[type[Message], Callable[..., list[Entry]], bool]  # payload type, mapper, mapper wants the type
READERS: dict[str, Reader] = {
    "playbook.started": (engine_events.PlaybookStarted, _started, False),
    "playbook.closed": (engine_events.PlaybookClosed, _closed, False),
    "renewal.closed": (engine_events.RenewalClosed, _renewal, False),
    "techprofile.updated": (account_events.TechProfileUpdated, _techprofile, False),
    "subscription.updated": (account_events.SubscriptionChanged, _subscription, False),
    "crm.delivered": (crm_events.ActivityChanged, _delivered, False),
    "account.imported": (account_events.AccountImported, _imported, False),
    "escalation.raised": (account_events.EscalationChanged, _escalation, True),
    "escalation.resolved": (account_events.EscalationChanged, _escalation, True),
    **{t: (engine_events.ActionChanged, _action, True) for t in ("action.created", "action.completed",
                                                                  "action.updated")},
    **{f"account.{v}": (account_events.AccountChanged, _account, True) for v in (
        "created", "updated", "archived", "motion_changed", "reps_changed", "csm_changed")},
}


def entries_for(event_type: str, payload: Message) -> list[Entry]:
    reader = READERS.get(event_type)
    if reader is None:
        return []
    _, mapper, wants_type = reader
    return mapper(payload, event_type) if wants_type else mapper(payload)
