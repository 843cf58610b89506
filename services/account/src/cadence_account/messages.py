"""Rows → proto messages (shared by the gRPC API and the events the handlers publish)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp

from cadence.account.v1 import identity_pb2 as pb

from cadence_account.domain.identity import OrgSettings


def ts(value: datetime | None) -> Timestamp | None:
    if value is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(value)
    return stamp


def settings_pb(s: OrgSettings) -> pb.OrgSettings:
    return pb.OrgSettings(
        reporting_currency=s.reporting_currency, time_zone=s.time_zone,
        fiscal_year_start_month=s.fiscal_year_start_month,
        score_weights=pb.ScoreWeights(
            relationship=s.score_weights.relationship, opportunity=s.score_weights.opportunity,
            risk=s.score_weights.risk,
        ),
        health_bands=pb.HealthBands(strong_min=s.health_bands.strong_min, weak_below=s.health_bands.weak_below),
        fx_rates=s.fx_rates,
    )


def org_pb(row: Mapping[str, Any]) -> pb.Org:
    return pb.Org(
        id=str(row["id"]), name=row["name"], slug=row["slug"], version=row["version"],
        settings=settings_pb(OrgSettings.from_json(row["settings"])), created_at=ts(row["created_at"]),
    )


def user_pb(row: Mapping[str, Any]) -> pb.User:
    return pb.User(
        id=str(row["id"]), org_id=str(row["org_id"]), email=row["email"], name=row["name"], role=row["role"],
        active=row["active"], created_at=ts(row["created_at"]), updated_at=ts(row["updated_at"]),
        version=row["version"],
    )


def token_pb(row: Mapping[str, Any]) -> pb.ApiToken:
    return pb.ApiToken(
        id=str(row["id"]), user_id=str(row["user_id"]), name=row["name"], scopes=list(row["scopes"]),
        prefix=row["prefix"], created_at=ts(row["created_at"]), expires_at=ts(row["expires_at"]),
        revoked_at=ts(row["revoked_at"]), last_used_at=ts(row["last_used_at"]),
    )


def audit_pb(row: Mapping[str, Any]) -> pb.AuditEntry:
    return pb.AuditEntry(
        id=str(row["id"]), actor_user_id=row["actor_user_id"], actor_email=row["actor_email"],
        action=row["action"], target_type=row["target_type"], target_id=row["target_id"],
        summary=row["summary"], changes_json=json.dumps(row["changes"]), service=row["service"],
        occurred_at=ts(row["occurred_at"]),
    )
