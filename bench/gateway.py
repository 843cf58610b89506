"""The gateway under load beside the bare FastAPI app, with identical load parameters."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from cadence_platform.testing import free_port

from .config import BenchConfig
from .load import LoadResult, run_load
from .machine import cpu_per_request, idle_cpu_rates, process_cpu_seconds

REPO = Path(__file__).resolve().parents[1]
READY_S = 30.0
QUEUE_PATH = "/api/v1/actions?limit=50"


@dataclass(frozen=True)
class GatewayResult:
    gateway: LoadResult
    bare: LoadResult
    gateway_cpu_ms: dict[str, float]   # CPU ms per request, per process of the stack, during the measured run
    bare_cpu_ms: dict[str, float]


def _measure(wrk: str | None, url: str, token: str | None, config: BenchConfig,
             pids: dict[str, int]) -> tuple[LoadResult, dict[str, float]]:
    # A short unrecorded run first, for both targets alike: opens connections and gRPC channels, fills caches.
    run_load(wrk, url, token, threads=config.threads, connections=config.connections, duration_s=config.warmup_s)
    # CPU time per request is far less sensitive than requests/s to what else runs on the machine;
    # each process's idle background (pollers, relays), sampled just before, is taken off.
    idle = idle_cpu_rates(pids)
    before = {name: process_cpu_seconds(pid) for name, pid in pids.items()}
    started = time.perf_counter()
    result = run_load(wrk, url, token, threads=config.threads, connections=config.connections,
                      duration_s=config.duration_s)
    return result, cpu_per_request(pids, before, result.requests, time.perf_counter() - started, idle)


def _start_bare(body_path: Path, port: int, log_path: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    with log_path.open("ab") as log:
        process = subprocess.Popen([sys.executable, "-m", "bench.bare_app", "--port", str(port), "--body",
                                    str(body_path)], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    deadline = time.monotonic() + READY_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the bare app exited with {process.returncode}; see {log_path}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    _stop(process)
    raise RuntimeError(f"the bare app did not answer within {READY_S:.0f}s; see {log_path}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def gateway_vs_bare(gateway_url: str, token: str, body: bytes, work_dir: Path, config: BenchConfig,
                    wrk: str | None, stack_pids: dict[str, int]) -> GatewayResult:
    gateway, gateway_cpu = _measure(wrk, gateway_url + QUEUE_PATH, token, config, stack_pids)
    body_path = work_dir / "actions_page.json"
    body_path.write_bytes(body)
    port = free_port()
    bare = _start_bare(body_path, port, work_dir / "logs" / "bare_app.log")
    try:
        # The same Authorization header is sent to the bare app: same request size, ignored there.
        bare_result, bare_cpu = _measure(wrk, f"http://127.0.0.1:{port}{QUEUE_PATH}", token, config, {"bare": bare.pid})
    finally:
        _stop(bare)
    return GatewayResult(gateway, bare_result, gateway_cpu, bare_cpu)
