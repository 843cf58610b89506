"""Playbook-engine protos → the JSON shapes of the public API (actions, renewals, playbooks).

Empty proto strings become null where "absent" is what they mean (no renewal, unassigned, not
completed). An action's priority_input stays internal: it is what scoring computed from, not a
promise of the API.
"""

from __future__ import annotations

from typing import Any

from cadence.engine.v1 import engine_pb2 as pb
from cadence.scoring.v1.scoring_pb2 import PriorityReason

from cadence_gateway.account_views import money_view
from cadence_gateway.views import iso


def _or_none(value: str) -> str | None:
    return value or None


def reason_view(r: PriorityReason) -> dict[str, Any]:
    return {"code": r.code, "label": r.label, "points": r.points}


def action_view(a: pb.Action) -> dict[str, Any]:
    return {
        "id": a.id, "account_id": a.account_id, "account_name": a.account_name,
        "renewal_id": _or_none(a.renewal_id), "run_id": _or_none(a.run_id), "step_index": a.step_index,
        "title": a.title, "kind": a.kind, "description": a.description, "due_date": a.due_date,
        "status": a.status, "assignee_id": _or_none(a.assignee_id), "priority": a.priority,
        "reasons": [reason_view(r) for r in a.reasons], "compressed": a.compressed,
        "snoozed_until": _or_none(a.snoozed_until), "outcome": _or_none(a.outcome),
        "skip_reason": _or_none(a.skip_reason),
        "completed_at": iso(a.completed_at, a.HasField("completed_at")),
        "completed_by": _or_none(a.completed_by), "adhoc": a.adhoc, "escalated": a.escalated,
        "vendor": _or_none(a.vendor), "renewal_date": _or_none(a.renewal_date), "current_step": a.current_step,
        "motion": a.motion, "created_at": iso(a.created_at), "version": a.version,
    }


def renewal_result_view(r: pb.RenewalResult, present: bool = True) -> dict[str, Any] | None:
    if not present or not r.result:
        return None
    return {"result": r.result, "new_term_end": _or_none(r.new_term_end),
            "new_arr": {sub_id: money_view(m) for sub_id, m in sorted(r.new_arr.items())}, "note": r.note}


def renewal_view(r: pb.Renewal) -> dict[str, Any]:
    return {
        "id": r.id, "account_id": r.account_id, "account_name": r.account_name, "vendor": r.vendor,
        "renewal_date": r.renewal_date, "status": r.status, "subscription_ids": list(r.subscription_ids),
        "arr": money_view(r.arr, r.HasField("arr")), "run_id": _or_none(r.run_id),
        "playbook_id": _or_none(r.playbook_id),
        "outcome": renewal_result_view(r.outcome, r.HasField("outcome")),
        "closed_at": iso(r.closed_at, r.HasField("closed_at")), "at_risk": r.at_risk, "lapsed": r.lapsed,
        "escalated": r.escalated, "motion": r.motion, "open_actions": r.open_actions,
        "overdue_actions": r.overdue_actions, "created_at": iso(r.created_at), "version": r.version,
    }


def step_view(s: pb.PlaybookStep) -> dict[str, Any]:
    return {"title": s.title, "kind": s.kind, "offset_days": s.offset_days, "anchor": s.anchor,
            "description": s.description}


def playbook_view(p: pb.Playbook) -> dict[str, Any]:
    return {"id": p.id, "name": p.name, "motion": p.motion, "vendor": p.vendor,
            "lifecycle_stage": p.lifecycle_stage, "trigger_days": p.trigger_days, "active": p.active,
            "steps": [step_view(s) for s in p.steps], "version": p.version,
            "updated_at": iso(p.updated_at, p.HasField("updated_at"))}
