"""pytest fixtures for tests that talk to real servers: a throwaway database and NATS names.

Loaded for the whole repository (`-p cadence_platform.testing` in pyproject.toml). Each test
session gets its own database (dropped at the end) and its own subject/stream prefix (streams
deleted at the end), so runs never see each other's data.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy.engine import make_url

from cadence_platform.db import drop_database, ensure_database
from cadence_platform.events import Naming
from cadence_platform.settings import DEFAULT_DATABASE_URL, DEFAULT_NATS_URL

RUN_ID = uuid.uuid4().hex[:8]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    base = os.environ.get("CADENCE_DATABASE_URL", DEFAULT_DATABASE_URL)
    url = make_url(base).set(database=f"cadence_test_{RUN_ID}").render_as_string(hide_password=False)
    ensure_database(url)
    yield url
    drop_database(url)


@pytest.fixture(scope="session")
def nats_url() -> str:
    return os.environ.get("CADENCE_NATS_URL", DEFAULT_NATS_URL)


@pytest.fixture(scope="session")
async def naming(nats_url: str) -> AsyncIterator[Naming]:
    naming = Naming(prefix=f"t{RUN_ID}")
    yield naming
    import nats

    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    for stream in await js.streams_info():
        if stream.config.name and stream.config.name.startswith(naming.prefix.upper() + "_"):
            await js.delete_stream(stream.config.name)
    await nc.close()
