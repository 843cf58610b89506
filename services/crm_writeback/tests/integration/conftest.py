"""Fixtures of the integration tests: the service as a process (module-wide) and a harness around it.

The workspace runs pytest with --import-mode=importlib, which does not put test folders on sys.path;
this folder is added so the tests can import `crm_feed_harness` (a name no other package uses)."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.append(_HERE)

import nats  # noqa: E402
import pytest  # noqa: E402
from crm_feed_harness import FeedProcess, Harness  # noqa: E402

from cadence.crm.v1 import crm_pb2_grpc as pb_grpc  # noqa: E402
from cadence_platform.events import Naming  # noqa: E402
from cadence_platform.grpc_client import open_channel  # noqa: E402
from cadence_platform.nats_kit import ensure_streams  # noqa: E402


@pytest.fixture(scope="module")
def feed(database_url: str, nats_url: str, naming: Naming, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[FeedProcess]:
    process = FeedProcess(database_url, nats_url, naming, tmp_path_factory.mktemp("crm") / "crm_writeback.log")
    process.start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
async def harness(feed: FeedProcess, nats_url: str, naming: Naming) -> AsyncIterator[Harness]:
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    await ensure_streams(js, naming, ["ACCOUNT", "ENGINE", "CRM", "DLQ"])
    channel = open_channel(f"127.0.0.1:{feed.port}")
    await feed.wait_serving(channel)
    yield Harness(feed, pb_grpc.CrmWritebackServiceStub(channel), js, naming, channel)
    await channel.close()
    await nc.close()
