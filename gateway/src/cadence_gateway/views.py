"""Proto messages → the JSON shapes of the public API."""

from __future__ import annotations

import json
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp
from pydantic import BaseModel, ConfigDict

from cadence.account.v1 import identity_pb2 as pb


def iso(stamp: Timestamp, present: bool = True) -> str | None:
    if not present:
        return None
    return stamp.ToDatetime().isoformat() + "Z"


def page(items: list[Any], next_cursor: str) -> dict[str, Any]:
    return {"items": items, "next_cursor": next_cursor or None}


def user_view(u: pb.User) -> dict[str, Any]:
    return {"id": u.id, "email": u.email, "name": u.name, "role": u.role, "active": u.active,
            "created_at": iso(u.created_at), "updated_at": iso(u.updated_at)}


def settings_view(s: pb.OrgSettings) -> dict[str, Any]:
    return {
        "reporting_currency": s.reporting_currency, "time_zone": s.time_zone,
        "fiscal_year_start_month": s.fiscal_year_start_month,
        "score_weights": {"relationship": s.score_weights.relationship, "opportunity": s.score_weights.opportunity,
                          "risk": s.score_weights.risk},
        "health_bands": {"strong_min": s.health_bands.strong_min, "weak_below": s.health_bands.weak_below},
        "fx_rates": dict(s.fx_rates),
    }


def org_view(o: pb.Org) -> dict[str, Any]:
    return {"id": o.id, "name": o.name, "slug": o.slug, "created_at": iso(o.created_at)}


def token_view(t: pb.ApiToken) -> dict[str, Any]:
    return {"id": t.id, "user_id": t.user_id, "name": t.name, "scopes": list(t.scopes), "prefix": t.prefix,
            "created_at": iso(t.created_at), "expires_at": iso(t.expires_at, t.HasField("expires_at")),
            "revoked_at": iso(t.revoked_at, t.HasField("revoked_at")),
            "last_used_at": iso(t.last_used_at, t.HasField("last_used_at"))}


def audit_view(a: pb.AuditEntry) -> dict[str, Any]:
    return {"id": a.id, "actor_user_id": a.actor_user_id, "actor_email": a.actor_email, "action": a.action,
            "target_type": a.target_type, "target_id": a.target_id, "summary": a.summary,
            "changes": json.loads(a.changes_json or "{}"), "service": a.service, "occurred_at": iso(a.occurred_at)}


class RequestModel(BaseModel):
    """A request body: an unknown field is refused (422 naming it), never silently ignored."""

    model_config = ConfigDict(extra="forbid")
