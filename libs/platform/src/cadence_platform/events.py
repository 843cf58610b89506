"""Event names, streams and envelopes — the shape of everything that crosses NATS."""

from __future__ import annotations

import uuid
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from google.protobuf import any_pb2
from google.protobuf.message import Message

from cadence.events.v1.envelope_pb2 import EventEnvelope

PARTITIONS = 16
AUDIT_RECORDED = "audit.recorded"

# One stream per owning service. Audit events carry the producer as a last token so that each
# service's audit records stay in its own stream (`cadence.audit.recorded.<service>`).
STREAMS: dict[str, tuple[str, ...]] = {
    "ACCOUNT": ("account.>", "contact.>", "subscription.>", "techprofile.>", "escalation.>", "org.>",
                "user.>", "api_token.>", "import.>", "audit.recorded.account"),
    "ENGINE": ("playbook.>", "action.>", "renewal.>", "audit.recorded.playbook_engine"),
    "SCORING": ("score.>", "priority.>", "audit.recorded.scoring"),
    "NOTES": ("note.>", "notification.>", "audit.recorded.notes"),
    "KNOWLEDGE": ("knowledge.>", "recommendation.>", "audit.recorded.knowledge_fanout"),
    "AI": ("email.>", "insight.>", "audit.recorded.ai"),
    "CRM": ("crm.>", "audit.recorded.crm_writeback"),
    "DLQ": ("dlq.>",),
}


@dataclass(frozen=True, slots=True)
class Naming:
    """Subject and stream names under one prefix; tests use their own prefix so runs never mix."""

    prefix: str = "cadence"

    def subject(self, event_type: str, producer: str = "") -> str:
        if event_type == AUDIT_RECORDED:
            return f"{self.prefix}.{event_type}.{producer}"
        return f"{self.prefix}.{event_type}"

    def stream(self, name: str) -> str:
        return name if self.prefix == "cadence" else f"{self.prefix.upper()}_{name}"

    def stream_subjects(self, name: str) -> list[str]:
        return [f"{self.prefix}.{s}" for s in STREAMS[name]]

    def dlq_subject(self, stream: str, consumer: str) -> str:
        return f"{self.prefix}.dlq.{stream.lower()}.{consumer}"

    def event_type(self, subject: str) -> str:
        """`cadence.user.created` → `user.created`; `cadence.audit.recorded.notes` → `audit.recorded`."""
        event_type = subject.removeprefix(self.prefix + ".")
        return AUDIT_RECORDED if event_type.startswith(AUDIT_RECORDED + ".") else event_type


def partition_of(key: str) -> int:
    """Stable partition for per-account ordering (crc32 is the same in every process and language)."""
    return zlib.crc32(key.encode()) % PARTITIONS if key else 0


def new_event(
    *,
    event_type: str,
    org_id: str,
    aggregate_id: str,
    payload: Message,
    producer: str,
    aggregate_version: int = 0,
    partition_key: str = "",
    occurred_at: datetime | None = None,
) -> EventEnvelope:
    envelope = EventEnvelope(
        event_id=str(uuid.uuid4()),
        type=event_type,
        org_id=org_id,
        aggregate_id=aggregate_id,
        aggregate_version=aggregate_version,
        partition=partition_of(partition_key or aggregate_id),
        producer=producer,
    )
    envelope.occurred_at.FromDatetime(occurred_at or datetime.now(UTC))
    packed = any_pb2.Any()
    packed.Pack(payload)
    envelope.payload.CopyFrom(packed)
    return envelope


M = TypeVar("M", bound=Message)


def unpack(envelope: EventEnvelope, message_type: type[M]) -> M:
    message = message_type()
    if not envelope.payload.Unpack(message):
        raise ValueError(f"event {envelope.event_id} of type {envelope.type} does not hold {message_type.__name__}")
    return message
