"""Publishing `audit.recorded` for an admin change, in the same transaction as the change."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cadence.audit.v1.audit_pb2 import AuditRecorded
from cadence_platform.caller import Caller
from cadence_platform.events import AUDIT_RECORDED
from cadence_platform.outbox import Outbox


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{"field": {"from": old, "to": new}} for the fields that differ."""
    return {k: {"from": before.get(k), "to": v} for k, v in after.items() if before.get(k) != v}


async def record_audit(
    outbox: Outbox, session: AsyncSession, *, caller: Caller, action: str, target_type: str, target_id: str,
    summary: str, changes: dict[str, Any] | None = None,
) -> None:
    payload = AuditRecorded(
        actor_user_id=caller.user_id, actor_email=caller.email, action=action, target_type=target_type,
        target_id=target_id, summary=summary, changes_json=json.dumps(changes or {}, default=str),
    )
    await outbox.add(
        session, event_type=AUDIT_RECORDED, org_id=caller.org_id, aggregate_id=f"{target_type}:{target_id}",
        payload=payload,
    )
