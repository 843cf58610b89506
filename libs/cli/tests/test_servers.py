"""cadence_cli.servers against real servers: the machine's own (when it runs them) and ones we start on
spare loopback ports in tmp dirs. Only loopback addresses are ever contacted."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import nats
import psycopg
import pytest

from cadence_cli.servers import ServerError, ServerHandle, ensure_nats, ensure_postgres, is_local_host
from cadence_cli.servers_common import port_answers
from cadence_cli.servers_nats import find_binary


def spare_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def handles() -> Iterator[list[ServerHandle]]:
    """Handles a test started; whatever happens, they are stopped afterwards."""
    started: list[ServerHandle] = []
    yield started
    for handle in started:
        handle.stop()


def test_host_classification() -> None:
    for host in ("127.0.0.1", "localhost", "LocalHost", "::1", "[::1]", "127.0.0.2"):
        assert is_local_host(host), host
    for host in ("10.255.255.1", "db.internal", "192.168.1.5", "0.0.0.0", "::", "postgres"):
        assert not is_local_host(host), host


def test_running_postgres_is_used_not_started(tmp_path: Path) -> None:
    if not port_answers("127.0.0.1", 5432):
        pytest.skip("no PostgreSQL on 127.0.0.1:5432 on this machine")
    handle = ensure_postgres("postgresql+psycopg://postgres@127.0.0.1:5432/cadence", tmp_path)
    assert (handle.kind, handle.started, handle.managed, handle.pid) == ("postgres", False, False, None)
    assert handle.description.startswith("PostgreSQL ") and "(already running)" in handle.description
    handle.stop()  # must leave someone else's server alone
    assert port_answers("127.0.0.1", 5432)


def test_postgres_is_started_stopped_and_restarted_on_its_data(
    tmp_path: Path, handles: list[ServerHandle]
) -> None:
    port = spare_port()
    url, state = f"postgresql://postgres@127.0.0.1:{port}/postgres", tmp_path / "state"
    first = ensure_postgres(url, state)
    handles.append(first)
    assert first.started and first.managed and first.pid
    assert "started from" in first.description and str(state / "postgres") in first.description
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("create table kept (value text)")
        conn.execute("insert into kept values ('survives a restart')")

    # The script entry, in another process with another state dir: our server is "already running"
    # there, and it starts the NATS server it finds missing (and leaves it running).
    nats_url = f"nats://127.0.0.1:{spare_port()}"
    cli = subprocess.run([sys.executable, "-m", "cadence_cli.servers", "ensure", "--database-url", url,
                          "--nats-url", nats_url, "--state-dir", str(tmp_path / "cli")],
                         capture_output=True, text=True, check=False)
    assert cli.returncode == 0, cli.stderr
    postgres_line, nats_line = cli.stdout.splitlines()
    assert "(already running)" in postgres_line and "started from" in nats_line
    cli_nats = ensure_nats(nats_url, tmp_path / "cli")  # ours from an earlier run: stoppable
    handles.append(cli_nats)
    assert cli_nats.managed and not cli_nats.started

    again = ensure_postgres(url, state)
    assert not again.started and again.managed and again.pid == first.pid
    assert "started earlier" in again.description

    first.stop()
    first.stop()  # idempotent
    assert not port_answers("127.0.0.1", port)

    restarted = ensure_postgres(url, state)
    handles.append(restarted)
    assert restarted.started
    with psycopg.connect(url) as conn:
        assert conn.execute("select value from kept").fetchall() == [("survives a restart",)]
    restarted.stop()
    assert not port_answers("127.0.0.1", port)


async def test_running_nats_is_used_not_started(tmp_path: Path) -> None:
    if not port_answers("127.0.0.1", 4222):
        pytest.skip("no NATS on 127.0.0.1:4222 on this machine")
    handle = ensure_nats("nats://127.0.0.1:4222", tmp_path)
    assert (handle.kind, handle.started, handle.managed) == ("nats", False, False)
    assert handle.description.startswith("nats-server ") and "(already running)" in handle.description
    handle.stop()
    assert port_answers("127.0.0.1", 4222)


async def test_nats_is_started_with_jetstream_and_restarted_on_its_store(
    tmp_path: Path, handles: list[ServerHandle]
) -> None:
    port = spare_port()
    url, state = f"nats://127.0.0.1:{port}", tmp_path / "state"
    first = ensure_nats(url, state)  # called inside a running event loop on purpose
    handles.append(first)
    assert first.started and first.managed and first.pid
    assert "sync_interval: always" in (state / "nats.conf").read_text()

    nc = await nats.connect(url)
    js = nc.jetstream()
    await js.add_stream(name="SERVERS_TEST", subjects=["servers.test"])
    await js.publish("servers.test", b"hello")
    subscription = await js.pull_subscribe("servers.test", durable="reader")
    [message] = await subscription.fetch(1, timeout=5)
    assert message.data == b"hello"
    await message.ack_sync()
    await nc.close()

    assert ensure_nats(url, state).pid == first.pid  # found again, not started twice
    first.stop()
    first.stop()
    assert not port_answers("127.0.0.1", port)

    restarted = ensure_nats(url, state)
    handles.append(restarted)
    assert restarted.started and restarted.pid != first.pid
    nc = await nats.connect(url)
    info = await nc.jetstream().stream_info("SERVERS_TEST")  # the store dir was reused
    assert info.state.messages == 1
    await nc.close()


def test_a_server_without_jetstream_or_of_the_wrong_kind_is_a_clear_error(tmp_path: Path) -> None:
    port = spare_port()
    plain = subprocess.Popen([str(find_binary().path), "-a", "127.0.0.1", "-p", str(port)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 15
        while not port_answers("127.0.0.1", port, timeout=0.2) and time.monotonic() < deadline:
            time.sleep(0.05)
        with pytest.raises(ServerError, match="without JetStream"):
            ensure_nats(f"nats://127.0.0.1:{port}", tmp_path)
        with pytest.raises(ServerError, match="something answers"):  # not started over a busy port
            ensure_postgres(f"postgresql://postgres@127.0.0.1:{port}/postgres", tmp_path)
    finally:
        plain.terminate()
        plain.wait(timeout=10)
