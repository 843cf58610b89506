"""HTTP load on loopback: wrk when it is (or can be made) available, else a small asyncio
generator. Both report requests/s and p50/p99 latency, and count failed requests."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass

import httpx

APT_TIMEOUT_S = 600
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
WRK_TIMEOUT_S = 2.0  # wrk's default: a slower answer counts as an error in both generators


@dataclass(frozen=True)
class LoadResult:
    tool: str                   # "wrk" or "python-asyncio"
    requests: int
    requests_per_s: float
    p50_ms: float | None         # None when no request completed
    p99_ms: float | None
    errors: int                 # non-2xx responses + socket errors: a figure with errors is not a valid result


def _apt_install() -> bool:
    """`apt-get install -y wrk`, with `apt-get update` first if the plain install fails (fresh machine)."""
    prefix: list[str] = [] if os.geteuid() == 0 else (["sudo", "-n"] if shutil.which("sudo") else [])
    if os.geteuid() != 0 and not prefix:
        return False
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for attempt in ([["apt-get", "install", "-y", "wrk"]],
                    [["apt-get", "update"], ["apt-get", "install", "-y", "wrk"]]):
        try:
            if all(subprocess.run([*prefix, *cmd], env=env, capture_output=True, timeout=APT_TIMEOUT_S).returncode == 0
                   for cmd in attempt):
                return shutil.which("wrk") is not None
        except (OSError, subprocess.TimeoutExpired):
            continue
    return False


def ensure_wrk() -> str | None:
    """Path to wrk, installing the Debian package when missing; None when it cannot be had."""
    found = shutil.which("wrk")
    if found or not shutil.which("apt-get"):
        return found
    print("bench: wrk is missing; installing it with apt-get …", flush=True)
    return shutil.which("wrk") if _apt_install() else None


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise ValueError(f"unexpected wrk latency {text!r}")
    return float(match.group(1)) * UNITS_MS[match.group(2)]


def parse_wrk(output: str) -> LoadResult:
    def grab(pattern: str) -> re.Match[str]:
        match = re.search(pattern, output, re.MULTILINE)
        if match is None:
            raise ValueError(f"wrk output without {pattern!r}:\n{output}")
        return match

    non_2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (sum(int(g) for g in sockets.groups()) if sockets else 0)
    return LoadResult(
        tool="wrk", requests=int(grab(r"^\s*(\d+) requests in")[1]),
        requests_per_s=float(grab(r"^Requests/sec:\s*([\d.]+)")[1]),
        p50_ms=_ms(grab(r"^\s*50%\s+(\S+)")[1]), p99_ms=_ms(grab(r"^\s*99%\s+(\S+)")[1]), errors=errors)


def run_wrk(wrk: str, url: str, token: str | None, *, threads: int, connections: int, duration_s: int) -> LoadResult:
    cmd = [wrk, f"-t{threads}", f"-c{connections}", f"-d{duration_s}s", "--latency"]
    if token:
        cmd += ["-H", f"Authorization: Bearer {token}"]
    done = subprocess.run([*cmd, url], capture_output=True, text=True, timeout=duration_s + 60, check=True)
    return parse_wrk(done.stdout)


async def _one_connection(host: str, port: int, request: bytes, deadline: float, latencies: list[float]) -> int:
    """Keep-alive requests on one connection until the deadline, reconnecting after a failure as wrk
    does; returns how many failed."""
    errors = 0
    while time.perf_counter() < deadline:
        writer: asyncio.StreamWriter | None = None
        try:
            reader, stream = await asyncio.wait_for(asyncio.open_connection(host, port), WRK_TIMEOUT_S)
            writer = stream
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                stream.write(request)
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), WRK_TIMEOUT_S)
                length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
                if length is None:  # uvicorn sends one for these responses; anything else is a failure
                    raise ValueError("response without Content-Length")
                await asyncio.wait_for(reader.readexactly(int(length.group(1))), WRK_TIMEOUT_S)
                latencies.append((time.perf_counter() - started) * 1000)
                errors += int(head.split(b" ", 2)[1]) >= 400
        except (OSError, TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            errors += 1
            await asyncio.sleep(0.01)  # a refused connection must not become a busy loop
        finally:
            if writer is not None:
                writer.close()
    return errors


async def _python_load(url: str, token: str | None, connections: int, duration_s: int) -> LoadResult:
    """wrk's model in asyncio: N keep-alive connections, each sending its next request when the last
    answer is read. Raw HTTP/1.1 rather than an HTTP client library, which would itself be the limit."""
    parts = httpx.URL(url)
    target = parts.raw_path.decode()
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    request = f"GET {target} HTTP/1.1\r\nHost: {parts.host}:{parts.port}\r\n{auth}\r\n".encode()
    latencies: list[float] = []
    started = time.perf_counter()
    deadline = started + duration_s
    failed = await asyncio.gather(*(_one_connection(parts.host, parts.port or 80, request, deadline, latencies)
                                    for _ in range(connections)))
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(p: float) -> float | None:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else None

    return LoadResult("python-asyncio", len(latencies), len(latencies) / elapsed, pct(0.50), pct(0.99),
                      sum(failed))


def run_load(wrk: str | None, url: str, token: str | None, *, threads: int, connections: int,
             duration_s: int) -> LoadResult:
    if wrk:
        return run_wrk(wrk, url, token, threads=threads, connections=connections, duration_s=duration_s)
    # The fallback runs in this process: it competes with the servers for the 2 cores and is slower
    # than wrk, so only the gateway/bare ratio is meaningful, not the absolute figures.
    return asyncio.run(_python_load(url, token, connections, duration_s))
