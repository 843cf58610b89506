"""The crm_writeback process and what the integration tests do with it: publish envelopes, wait for
the consumers to drain, read the feed over gRPC and the events on the CRM stream."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from nats.errors import TimeoutError as NatsTimeoutError
from tenacity import AsyncRetrying, stop_after_delay, wait_fixed

from cadence.crm.v1 import crm_events_pb2
from cadence.crm.v1 import crm_pb2 as pb
from cadence.crm.v1 import crm_pb2_grpc as pb_grpc
from cadence.events.v1.envelope_pb2 import EventEnvelope
from cadence_platform.events import Naming, unpack
from cadence_platform.testing import free_port

Meta = tuple[tuple[str, str], ...]


class FeedProcess:
    """`python -m cadence_crm_writeback` on a fixed port, so it can be killed and started again."""

    def __init__(self, database_url: str, nats_url: str, naming: Naming, log_path: Path) -> None:
        self.port = free_port()
        self.log_path = log_path
        self.env = {**os.environ, "CADENCE_DATABASE_URL": database_url, "CADENCE_NATS_URL": nats_url,
                    "CADENCE_NATS_PREFIX": naming.prefix, "CADENCE_CRM_WRITEBACK_GRPC_PORT": str(self.port),
                    "CADENCE_ENVIRONMENT": "test"}
        self.env.pop("CADENCE_CRM_WRITEBACK_DATABASE_URL", None)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "cadence_crm_writeback"], env=self.env,
                                            stdout=log, stderr=subprocess.STDOUT)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    async def wait_serving(self, channel: grpc.aio.Channel) -> None:
        health = health_pb2_grpc.HealthStub(channel)
        async for attempt in AsyncRetrying(stop=stop_after_delay(60), wait=wait_fixed(0.3), reraise=True):
            with attempt:
                assert self.process is not None and self.process.poll() is None, self.log_path.read_text()
                reply = await health.Check(health_pb2.HealthCheckRequest(service=""), timeout=2)
                assert reply.status == health_pb2.HealthCheckResponse.SERVING


class Harness:
    def __init__(self, feed: FeedProcess, stub: pb_grpc.CrmWritebackServiceStub, js: Any, naming: Naming,
                 channel: grpc.aio.Channel) -> None:
        self.feed, self.stub, self.js, self.naming, self.channel = feed, stub, js, naming, channel

    async def publish(self, envelope: EventEnvelope, msg_id: str | None = None) -> None:
        await self.js.publish(self.naming.subject(envelope.type), envelope.SerializeToString(),
                              headers={"Nats-Msg-Id": msg_id or envelope.event_id})

    async def drained(self) -> None:
        """Both durables have acknowledged everything published so far."""
        async for attempt in AsyncRetrying(stop=stop_after_delay(60), wait=wait_fixed(0.3), reraise=True):
            with attempt:
                for stream, durable in (("ENGINE", "crm-feed"), ("ACCOUNT", "crm-accounts")):
                    info = await self.js.consumer_info(self.naming.stream(stream), durable)
                    assert info.num_pending == 0 and info.num_ack_pending == 0, (durable, info)

    async def items(self, meta: Meta, **request: Any) -> list[pb.Activity]:
        found: list[pb.Activity] = []
        cursor = ""
        while True:
            page = await self.stub.ListActivities(pb.ListActivitiesRequest(
                page={"limit": 2, "cursor": cursor}, **request), metadata=meta)
            found += page.items
            if not (cursor := page.page.next_cursor):
                return found

    async def eventually(self, meta: Meta, count: int, **request: Any) -> list[pb.Activity]:
        """Poll the feed until it holds `count` complete records (external ids and e-mails filled in)."""
        async for attempt in AsyncRetrying(stop=stop_after_delay(60), wait=wait_fixed(0.3), reraise=True):
            with attempt:
                items = await self.items(meta, **request)
                assert len(items) == count and all(
                    i.account_external_id and i.owner_email and i.subscription_external_ids for i in items), items
        return items

    async def crm_events(self, event_type: str, org_id: str) -> list[crm_events_pb2.ActivityChanged]:
        """Every `event_type` of this org on the CRM stream (what the outbox relay published)."""
        sub = await self.js.pull_subscribe(self.naming.subject(event_type), stream=self.naming.stream("CRM"))
        found: list[crm_events_pb2.ActivityChanged] = []
        try:
            while True:
                try:
                    messages = await sub.fetch(100, timeout=1.0)
                except (NatsTimeoutError, TimeoutError):
                    return found
                for msg in messages:
                    envelope = EventEnvelope.FromString(msg.data)
                    if envelope.org_id == org_id:
                        found.append(unpack(envelope, crm_events_pb2.ActivityChanged))  # type: ignore[arg-type]
                    await msg.ack()
        finally:
            await sub.unsubscribe()
