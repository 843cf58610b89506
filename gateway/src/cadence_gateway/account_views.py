"""Account-service protos → the JSON shapes of the public API (accounts, contacts, subscriptions,
technology profiles, import jobs), and the account export's CSV rows."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from cadence.account.v1 import accounts_pb2 as pb
from cadence.common.v1.common_pb2 import Money

from cadence_gateway.views import iso


def _or_none(value: str) -> str | None:
    return value or None


def money_view(m: Money, present: bool = True) -> dict[str, str] | None:
    # The amount stays the proto's decimal string: a float would lose cents on large totals.
    return {"amount": m.amount, "currency": m.currency} if present else None


def escalation_view(a: pb.Account) -> dict[str, Any] | None:
    e = a.escalation
    never_escalated = not e.active and not e.escalated_by and not e.HasField("escalated_at")
    if not a.HasField("escalation") or never_escalated:
        return None
    return {"active": e.active, "reason": _or_none(e.reason), "escalated_by": _or_none(e.escalated_by),
            "escalated_at": iso(e.escalated_at, e.HasField("escalated_at")),
            "resolved_by": _or_none(e.resolved_by), "resolution": _or_none(e.resolution),
            "resolved_at": iso(e.resolved_at, e.HasField("resolved_at"))}


def account_view(a: pb.Account) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": a.id, "name": a.name, "domain": a.domain, "external_id": a.external_id,
        "territory": a.territory, "country": a.country, "currency": a.currency, "motion": a.motion,
        "csm_id": _or_none(a.csm_id), "rep_ids": list(a.rep_ids),
        "default_rep_id": _or_none(a.default_rep_id), "escalation": escalation_view(a),
        "archived": a.archived, "arr": money_view(a.arr, a.HasField("arr")),
        "next_renewal_date": _or_none(a.next_renewal_date), "lifecycle_stage": a.lifecycle_stage,
        "subscription_count": a.subscription_count, "created_at": iso(a.created_at),
        "updated_at": iso(a.updated_at), "version": a.version,
    }
    # Scoring reports the band later; until then the key is absent rather than a made-up value.
    if a.health_band:
        view["health_band"] = a.health_band
    return view


def contact_view(c: pb.Contact) -> dict[str, Any]:
    return {"id": c.id, "account_id": c.account_id, "name": c.name, "title": c.title, "email": c.email,
            "phone": c.phone, "role": c.role, "created_at": iso(c.created_at),
            "updated_at": iso(c.updated_at)}


def subscription_view(s: pb.Subscription, portfolio: bool = False) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": s.id, "account_id": s.account_id, "external_id": s.external_id, "vendor": s.vendor,
        "product": s.product, "version": s.version, "lifecycle_product_id": s.lifecycle_product_id,
        "lifecycle_cycle": s.lifecycle_cycle, "quantity": s.quantity, "unit": s.unit,
        "active_users": s.active_users if s.HasField("active_users") else None,
        "arr": money_view(s.arr, s.HasField("arr")), "billing_frequency": s.billing_frequency,
        "term_start": _or_none(s.term_start), "renewal_date": _or_none(s.renewal_date),
        "auto_renew": s.auto_renew if s.HasField("auto_renew") else None, "channel": s.channel,
        "lifecycle_stage": s.lifecycle_stage, "created_at": iso(s.created_at),
        "updated_at": iso(s.updated_at), "revision": s.revision,
    }
    if portfolio:
        view.update(account_name=s.account_name, account_escalated=s.account_escalated,
                    competitive_exposure=s.competitive_exposure,
                    arr_reporting=money_view(s.arr_reporting, s.HasField("arr_reporting")))
        if s.health_band:
            view["health_band"] = s.health_band
    return view


def tech_entry_view(e: pb.TechEntry) -> dict[str, str]:
    return {"vendor": e.vendor, "product": e.product, "version": e.version,
            "lifecycle_product_id": e.lifecycle_product_id, "lifecycle_cycle": e.lifecycle_cycle,
            "status": e.status}


def tech_profile_view(t: pb.TechProfile) -> dict[str, Any]:
    return {"account_id": t.account_id, "entries": [tech_entry_view(e) for e in t.entries],
            "version": t.version, "updated_at": iso(t.updated_at, t.HasField("updated_at"))}


def issue_view(i: pb.JobIssue) -> dict[str, Any]:
    return {"file": i.file, "row": i.row or None, "column": i.column, "value": i.value, "reason": i.reason}


def job_view(j: pb.Job) -> dict[str, Any]:
    return {"id": j.id, "kind": j.kind, "state": j.state, "progress": {"done": j.done, "total": j.total},
            "result": json.loads(j.result_json) if j.result_json else None,
            "errors": [issue_view(i) for i in j.errors], "warnings": [issue_view(i) for i in j.warnings],
            "created_at": iso(j.created_at), "finished_at": iso(j.finished_at, j.HasField("finished_at"))}


CSV_COLUMNS = ("id", "name", "domain", "external_id", "territory", "country", "currency", "motion", "csm_id",
               "rep_ids", "default_rep_id", "escalated", "archived", "arr_amount", "arr_currency",
               "next_renewal_date", "lifecycle_stage", "health_band", "subscription_count", "created_at",
               "updated_at", "version")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        return Decimal(text).is_finite()
    except InvalidOperation:
        return False


def _cell(value: object) -> str:
    text = str(value).lower() if isinstance(value, bool) else str(value)
    # Imported names reach spreadsheets: a leading "=" would run as a formula (CSV injection).
    if text.startswith(_FORMULA_STARTS) and not _is_number(text):
        return "'" + text
    return text


def account_csv_row(a: pb.Account) -> list[str]:
    values: dict[str, object] = {
        **{name: getattr(a, name) for name in ("id", "name", "domain", "external_id", "territory", "country",
                                               "currency", "motion", "csm_id", "default_rep_id", "archived",
                                               "next_renewal_date", "lifecycle_stage", "health_band",
                                               "subscription_count", "version")},
        "rep_ids": "|".join(a.rep_ids), "escalated": a.escalation.active,
        "arr_amount": a.arr.amount, "arr_currency": a.arr.currency,
        "created_at": iso(a.created_at), "updated_at": iso(a.updated_at),
    }
    return [_cell(values[column]) for column in CSV_COLUMNS]
