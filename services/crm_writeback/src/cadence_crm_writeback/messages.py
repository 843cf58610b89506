"""Rows → proto messages (shared by the gRPC API and the events the service publishes)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp

from cadence.crm.v1 import crm_pb2 as pb


def ts(value: datetime | None) -> Timestamp | None:
    if value is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(value)
    return stamp


def _str(value: Any) -> str:
    return "" if value is None else str(value)


def activity_pb(row: Mapping[str, Any]) -> pb.Activity:
    return pb.Activity(
        id=str(row["id"]), sequence=row["sequence"], kind=row["kind"], subject=row["subject"],
        outcome=row["outcome"], completed_on=row["completed_on"].isoformat(), type=row["type"],
        account_id=_str(row["account_id"]), account_name=row["account_name"],
        account_external_id=row["account_external_id"], renewal_id=_str(row["renewal_id"]),
        renewal_date=row["renewal_date"].isoformat() if row["renewal_date"] else "",
        subscription_external_ids=list(row["subscription_external_ids"] or ()), owner_id=_str(row["owner_id"]),
        owner_email=row["owner_email"], link=row["link"], source_id=row["source_id"],
        acknowledged=row["acknowledged_at"] is not None, acknowledged_at=ts(row["acknowledged_at"]),
        external_id=row["external_id"], created_at=ts(row["created_at"]), vendor=row["vendor"],
        renewal_result=row["renewal_result"],
    )
